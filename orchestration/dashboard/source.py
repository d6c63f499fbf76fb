"""The served DuckDB file: where it is, its build, and read-only connections to it.

A DuckDB reader that keeps a connection open keeps reading the build it opened, so every
read opens a fresh read-only connection (one per board render) and closes it; a new
publish (a new ``ops.build_info.build_id``) is then seen on the next read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.config import load_settings

BUILD_INFO_TABLE = "ops.build_info"


class ServedFileMissing(FileNotFoundError):
    """There is no served file at the configured path."""


@dataclass(frozen=True)
class BuildInfo:
    build_id: str
    published_at: datetime | None
    as_of: datetime | date | None  # a date only when the file does not record the time
    kpi_values_rows: int | None


def default_served_file() -> Path:
    """``<AFTERSALES_SERVING_DIR>/aftersales.duckdb`` (default ``data/serving``)."""
    return load_settings().serving_path


@contextlib.contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the served file, closed on exit."""
    if not path.is_file():
        raise ServedFileMissing(str(path))
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def as_of_from_kpi_values(con: duckdb.DuckDBPyConnection) -> date | None:
    """The as-of date when ``ops.build_info`` does not record ``data_as_of``: the first day
    that kpi_values marks incomplete (the day containing the as-of time)."""
    row = con.execute(
        "select min(period_start) from marts.kpi_values "
        "where grain = 'day' and not is_period_complete"
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return row[0]


def read_build_info(con: duckdb.DuckDBPyConnection) -> BuildInfo:
    """The served build (``ops.build_info``; ``as_of`` when the publish records it)."""
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'ops' and table_name = 'build_info'"
        ).fetchall()
    }
    if not columns:
        return BuildInfo(build_id="unknown", published_at=None, as_of=None, kpi_values_rows=None)
    as_of_column = next((c for c in ("data_as_of", "as_of") if c in columns), "null")
    wanted = ["build_id", "published_at", "kpi_values_rows"]
    select = ", ".join(name if name in columns else f"null as {name}" for name in wanted[:2])
    select += f", {as_of_column} as as_of, "
    select += "kpi_values_rows" if "kpi_values_rows" in columns else "null as kpi_values_rows"
    row = con.execute(f"select {select} from {BUILD_INFO_TABLE} limit 1").fetchone()
    if row is None:
        return BuildInfo(build_id="unknown", published_at=None, as_of=None, kpi_values_rows=None)
    build_id, published_at, as_of, rows = row
    if as_of is None:  # a file published before build_info recorded data_as_of
        as_of = as_of_from_kpi_values(con)
    return BuildInfo(
        build_id=str(build_id),
        published_at=published_at,
        as_of=as_of,
        kpi_values_rows=None if rows is None else int(rows),
    )
