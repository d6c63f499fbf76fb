"""Retract a loaded batch: remove its rows from ``raw`` and its name from the register, so
that a corrected file under the same name loads on the next refresh. Recorded in
``raw._retractions``. DuckDB build warehouse only (the served file is not touched: the next
successful refresh publishes the corrected build).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.contract import TABLES
from orchestration.landing.register import (
    LOADED_FILES_TABLE,
    RAW_SCHEMA,
    RETRACTIONS_TABLE,
    ensure_register_tables,
)
from orchestration.landing.scan import file_sha256


class RetractError(ValueError):
    pass


@dataclass(frozen=True)
class Retraction:
    table_name: str
    file_name: str
    file_hash: str
    rows_removed: int
    duplicates: tuple[str, ...]  # files registered as duplicates of this one (kept)


def resolve(con: duckdb.DuckDBPyConnection, spec: str) -> tuple[str, str]:
    """``tickets/2025-01-03.csv`` (or a path ending so, or a bare file name registered in
    exactly one table) → (table, file name)."""
    path = Path(spec)
    if path.parent.name in TABLES:
        return path.parent.name, path.name
    matches = con.execute(
        f"select table_name from {LOADED_FILES_TABLE} where file_name = ? order by 1",
        [path.name],
    ).fetchall()
    if len(matches) == 1:
        return matches[0][0], path.name
    if not matches:
        raise RetractError(
            f"{spec}: no loaded batch of that name. Give it as <table>/<file> "
            "(see raw._loaded_files for what is loaded)"
        )
    tables = ", ".join(f"{t}/{path.name}" for (t,) in matches)
    raise RetractError(f"{spec}: loaded in several tables; say which: {tables}")


def retract(
    warehouse_path: Path, spec: str, note: str = "", landing_dir: Path | None = None
) -> Retraction:
    """Retract the batch ``spec`` (see :func:`resolve`) from the build warehouse."""
    if not warehouse_path.is_file():
        raise RetractError(f"no build warehouse at {warehouse_path}: nothing is loaded")
    with duckdb.connect(str(warehouse_path)) as con:
        ensure_register_tables(con)
        table_name, file_name = resolve(con, spec)
        row = con.execute(
            f"select file_hash, status from {LOADED_FILES_TABLE} "
            "where table_name = ? and file_name = ?",
            [table_name, file_name],
        ).fetchone()
        if row is None:
            raise RetractError(
                f"{table_name}/{file_name}: not a loaded batch (never loaded, rejected, or "
                "already retracted); nothing to do"
            )
        file_hash = row[0]
        duplicates = tuple(
            name
            for (name,) in con.execute(
                f"select file_name from {LOADED_FILES_TABLE} "
                "where table_name = ? and duplicate_of = ? order by 1",
                [table_name, file_name],
            ).fetchall()
        )
        con.execute("begin transaction")
        try:
            removed = con.execute(
                f"select count(*) from {RAW_SCHEMA}.{table_name} where _source_file = ?",
                [file_name],
            ).fetchone()[0]
            con.execute(
                f"delete from {RAW_SCHEMA}.{table_name} where _source_file = ?", [file_name]
            )
            con.execute(
                f"delete from {LOADED_FILES_TABLE} where table_name = ? and file_name = ?",
                [table_name, file_name],
            )
            con.execute(
                f"insert into {RETRACTIONS_TABLE} values (?, ?, ?, ?, ?, ?)",
                [
                    table_name,
                    file_name,
                    file_hash,
                    removed,
                    datetime.now(UTC).replace(tzinfo=None),
                    note or None,
                ],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return Retraction(table_name, file_name, file_hash, int(removed), duplicates)


def still_landed(landing_dir: Path, retraction: Retraction) -> bool:
    """The retracted file is still in the landing directory, unchanged (it would load
    again on the next refresh)."""
    path = landing_dir / retraction.table_name / retraction.file_name
    return path.is_file() and file_sha256(path) == retraction.file_hash
