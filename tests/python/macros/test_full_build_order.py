"""A full build on DuckDB writes the large tables in the order of the date that
incremental builds, the publish's comparison of changed months and BI queries filter by
(macros/cross_db/incremental.sql: full_build_order; D-141), and the served file keeps
that order, so DuckDB's zone maps let a scan of a few months skip the others."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pytest

from orchestration.config import WAREHOUSE_FILE_NAME

# table -> the date or timestamp column its rows follow after a full build
ORDERED = {
    "staging.stg_dms__part_requests": "requested_at",
    "staging.stg_dms__callbacks": "attempted_at",
    "marts.fct_part_lines": "requested_date",
    "marts.fct_follow_ups": "attempted_date",
    "marts.kpi_values": "period_end",
    "marts.fct_technician_kpi_values": "period_end",
    "marts.fct_labour_technician_days": "date_day",
}
SERVED_FILE = "aftersales.duckdb"


def _out_of_order(con: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[int, int]:
    """How many rows of ``table`` have a smaller ``column`` than the row stored before
    them, and how many rows it has."""
    return con.execute(
        f"select count(*) filter (where value < before), count(*) from ("
        f"select {column} as value, lag({column}) over (order by rowid) as before "
        f"from {table})"
    ).fetchone()


@pytest.mark.parametrize("table", sorted(ORDERED))
def test_a_full_build_writes_the_table_in_date_order(
    refreshed: SimpleNamespace, table: str
) -> None:
    assert refreshed.exit_code == 0
    with duckdb.connect(str(refreshed.warehouse / WAREHOUSE_FILE_NAME), read_only=True) as con:
        behind, rows = _out_of_order(con, table, ORDERED[table])
    assert rows > 0, table
    assert behind == 0, f"{table}: {behind} of {rows} rows stored after a later {ORDERED[table]}"


@pytest.mark.parametrize("table", sorted(t for t in ORDERED if t.startswith("marts.")))
def test_the_served_file_keeps_the_order(refreshed: SimpleNamespace, table: str) -> None:
    with duckdb.connect(str(refreshed.serving / SERVED_FILE), read_only=True) as con:
        behind, rows = _out_of_order(con, table, ORDERED[table])
    assert rows > 0, table
    assert behind == 0, f"served {table}: {behind} of {rows} rows after a later date"
