"""What a refresh serves: the BI layer only, self-describing, and no personal data.

Runs on the session's ``refreshed`` serving directory (a real ``aftersales-refresh`` on a
generated landing directory, see tests/python/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from personal_scan import personal_values, scan_duckdb, scan_parquet, scan_tree

from orchestration.serving import parts
from orchestration.serving.parquet import part_file
from orchestration.serving.publish import build_id_of
from orchestration.serving.selection import default_manifest_path, served_tables

SERVED = "aftersales.duckdb"


@pytest.fixture(scope="module")
def needles(refreshed: SimpleNamespace) -> set[str]:
    by_column = personal_values(refreshed.landing)
    # the generator writes names, phones and comments: the scan must have something to find
    assert {column: len(values) >= 5 for column, values in by_column.items()} == {
        "technicians.full_name": True,
        "technicians.phone": True,
        "callbacks.comment": True,
    }, {column: len(values) for column, values in by_column.items()}
    return set().union(*by_column.values())


def test_no_personal_data_in_anything_served(refreshed: SimpleNamespace, needles: set[str]) -> None:
    assert refreshed.exit_code == 0
    hits, files = scan_tree(refreshed.serving, needles)
    parquet = list((refreshed.serving / "parquet").glob("*/*/*.parquet"))
    assert parquet and (refreshed.serving / SERVED).is_file()
    assert files > len(parquet)
    assert hits == [], hits[:10]


def test_the_scanner_finds_an_injected_name(
    refreshed: SimpleNamespace, needles: set[str], tmp_path: Path
) -> None:
    """The scan can fail: a technician's name, phone or a comment put back into a copy of
    the served file or a Parquet file is found."""
    name = next(n for n in sorted(needles) if not any(c.isdigit() for c in n))
    phone = next(n for n in sorted(needles) if sum(c.isdigit() for c in n) >= 8)
    copy = tmp_path / SERVED
    shutil.copyfile(refreshed.serving / SERVED, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into marts.dim_technicians (employee_id, branch_code) values (?, ?)",
            [f"  {name} ", "X"],
        )
        con.execute(f"copy (select 'call ' || '{phone}' as note) to '{tmp_path / 'x.parquet'}'")
    assert any(name in hit for hit in scan_duckdb(copy, needles))
    assert scan_parquet(tmp_path / "x.parquet", needles)
    assert scan_tree(tmp_path, needles)[0]


def test_the_warehouse_does_hold_personal_data(
    refreshed: SimpleNamespace, needles: set[str]
) -> None:
    """The needles are real: the private build warehouse has them (raw tables)."""
    assert scan_duckdb(refreshed.warehouse / SERVED, needles)


def test_served_file_holds_the_declared_tables_only(refreshed: SimpleNamespace) -> None:
    declared = {t.qualified for t in served_tables(default_manifest_path())}
    with duckdb.connect(str(refreshed.serving / SERVED), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select schema_name || '.' || table_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
        }
    assert tables == declared | {"ops.build_info"}
    assert {"marts.kpi_values", "marts.dim_kpis", "marts.fct_technician_kpi_values"} <= tables


def test_the_parts_record_describes_the_served_file(refreshed: SimpleNamespace) -> None:
    """Every served fact table is split in months (D-108), and the record the next publish
    trusts holds the served file's own fingerprints and columns (D-109); each month of a
    served table is one Parquet file."""
    tables = served_tables(default_manifest_path())
    assert {t.name for t in tables if t.name.startswith("fct_") and not t.parts_by} == set()
    served = refreshed.serving / SERVED
    kept = parts.load(refreshed.serving, build_id_of(served))
    measured = parts.measure(served, tables)
    assert {name: entry.parts for name, entry in kept.items()} == measured
    assert {name: entry.columns for name, entry in kept.items()} == parts.columns_of(served, tables)
    assert len(measured["marts.kpi_values"]) > 1
    for table in tables:
        folder = refreshed.serving / "parquet" / table.schema / table.name
        names = {p.name for p in folder.glob("*.parquet")}
        expected = {part_file(table, part) for part in measured[table.qualified]}
        empty = "empty.parquet" if table.parts_by else "all.parquet"  # a table with no row
        assert names == (expected or {empty}), table


def test_every_served_table_and_column_has_a_comment(refreshed: SimpleNamespace) -> None:
    with duckdb.connect(str(refreshed.serving / SERVED), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and coalesce(comment, '') = ''"
        ).fetchall()
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and coalesce(comment, '') = ''"
        ).fetchall()
        (count,) = con.execute(
            "select count(*) from duckdb_columns() where database_name = current_database()"
        ).fetchone()
    assert tables == []
    assert columns == [], "document these columns in the model's yml: " + str(columns)
    assert count > 100


def test_kpi_values_answers_last_full_month_without_joins(refreshed: SimpleNamespace) -> None:
    with duckdb.connect(str(refreshed.serving / SERVED), read_only=True) as con:
        incomplete = con.execute(
            "select grain, count(distinct period_start) from marts.kpi_values "
            "where not is_period_complete group by grain order by grain"
        ).fetchall()
        last_full = con.execute(
            "select max(period_start), max(period_end) from marts.kpi_values "
            "where grain = 'month' and is_period_complete"
        ).fetchone()
        open_month = con.execute(
            "select min(period_start) from marts.kpi_values "
            "where grain = 'month' and not is_period_complete"
        ).fetchone()[0]
        network_mismatch = con.execute(
            "select count(*) from marts.kpi_values where is_network <> (branch_code is null)"
        ).fetchone()[0]
        names = con.execute(
            "select count(*) from marts.kpi_values v join marts.dim_kpis d using (kpi_code) "
            "where v.kpi_name_zh <> d.name_zh or v.kpi_name_en <> d.name_en"
        ).fetchone()[0]
    # exactly one open period per grain: the one containing the as-of time
    assert [g for g, n in incomplete if n != 1] == []
    assert {g for g, _ in incomplete} == {"day", "week", "month", "quarter", "year"}
    assert last_full[1] < open_month and (open_month - last_full[0]).days in range(28, 32)
    assert network_mismatch == 0 and names == 0
