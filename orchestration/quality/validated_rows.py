"""The kpi_values suite validates the rows it has not passed before.

``marts.kpi_values`` is rebuilt in every refresh, yet a daily refresh changes few of its
rows (the periods that new files, deletes and the moving as-of time reach). A row's
verdict under the suite depends only on the values of the columns the suite reads and on
the suite itself, whose expectations carry the KPI codes and bounds of
``config.kpi_definitions``. So a passing run records the hash of every row (DuckDB
``hash()`` of the checked columns) in ``<warehouse_dir>/gx_kpi_values_validated.parquet``
and the suite's fingerprint (``gx_runner.suite_fingerprint``) in
``gx_kpi_values_validated.json``; the next run reads only the rows whose hash is not
recorded under the same fingerprint. A changed suite or definitions, a missing or
unreadable record, or a failed run (it records nothing) means the rows are read again.

What still covers the whole table: the row-count band (``kpi_values_row_count``, always on
the whole table) and dbt's ``unique_combination`` test of the key in every build, so a
changed row that repeats the key of an unchanged one still fails the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orchestration.engines.duckdb.connection import sql_text
from orchestration.state_files import read_state, write_state

STATE_NAME = "gx_kpi_values_validated"


def row_hash_sql(columns: Sequence[str]) -> str:
    return "hash(" + ", ".join(f'"{column}"' for column in columns) + ")"


def _paths(warehouse_dir: Path) -> tuple[Path, Path]:
    return warehouse_dir / f"{STATE_NAME}.json", warehouse_dir / f"{STATE_NAME}.parquet"


def _recorded_state(warehouse_dir: Path) -> dict[str, Any] | None:
    """The state of the recorded passing run, when its hashes are there too."""
    state_path, hashes_path = _paths(warehouse_dir)
    state = read_state(state_path)
    return state if state is not None and hashes_path.is_file() else None


def unvalidated_where(warehouse_dir: Path, fingerprint: str, columns: Sequence[str]) -> str:
    """A ``where`` clause that keeps the rows not passed before under ``fingerprint``
    (empty: read every row)."""
    state = _recorded_state(warehouse_dir)
    if state is None or state.get("fingerprint") != fingerprint:
        return ""
    hashes_path = _paths(warehouse_dir)[1]
    return (
        f"where {row_hash_sql(columns)} not in "
        f"(select row_hash from read_parquet({sql_text(str(hashes_path))}))"
    )


def record_validated(
    con: Any, relation: str, columns: Sequence[str], warehouse_dir: Path, fingerprint: str
) -> int:
    """Record every row of ``relation`` as passed under ``fingerprint``; the row count.
    The hashes are written first and the state last, each replacing the old file whole,
    so a record is never half written."""
    state_path, hashes_path = _paths(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    scratch = hashes_path.with_name(f"{hashes_path.stem}.tmp.parquet")
    con.execute(
        f"copy (select {row_hash_sql(columns)} as row_hash from {relation}) "
        f"to {sql_text(str(scratch))} (format parquet)"
    )
    (rows,) = con.execute(f"select count(*) from read_parquet({sql_text(str(scratch))})").fetchone()
    state_path.unlink(missing_ok=True)  # no state points at hashes being replaced
    scratch.replace(hashes_path)
    write_state(state_path, {"fingerprint": fingerprint, "rows": int(rows), "relation": relation})
    return int(rows)


def recorded(warehouse_dir: Path) -> bool:
    """Whether a passing run is recorded (under any fingerprint)."""
    return _recorded_state(warehouse_dir) is not None


def scope(warehouse_dir: Path) -> str:
    """Which rows the next run may skip, in words."""
    state = read_state(_paths(warehouse_dir)[0]) or {}
    try:
        return f"rows not among the {int(state['rows'])} that passed before"
    except (KeyError, TypeError, ValueError):
        return "every row"
