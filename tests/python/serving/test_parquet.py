"""The served Parquet files: a folder per table, a file per month of a dated table, and only
the months that changed written again (D-109)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest
from served_months import (
    KPIS,
    ORDERS,
    ORDERS_V1,
    ORDERS_V2,
    differing_rows,
    publish,
    warehouse,
)

from orchestration.serving import parts
from orchestration.serving import publish as publish_module
from orchestration.serving.parquet import export_parquet
from orchestration.serving.publish import build_id_of
from orchestration.serving.selection import ServedTable

MONTHS = ["202601", "202602", "202603", "202604", "undated"]


def files(folder: Path) -> list[str]:
    return sorted(p.name.removesuffix(".parquet") for p in folder.iterdir())


def differences(served: Path, glob: Path, table: str) -> int:
    """Rows in the served file's ``table`` and not in the Parquet files, and the reverse."""
    with duckdb.connect() as con:
        con.execute(f"attach '{served}' as s (read_only)")
        return differing_rows(con, f"s.{table}", f"read_parquet('{glob}')")


def test_a_dated_table_is_a_file_per_month_and_the_same_rows(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    result = publish(warehouse(tmp_path / "wh.duckdb", ORDERS_V1), serving)
    orders = serving / "parquet" / "marts" / "fct_work_orders"
    assert files(orders) == MONTHS
    assert files(serving / "parquet" / "marts" / "kpi_values") == ["all"]
    assert files(serving / "parquet" / "ops" / "build_info") == ["all"]
    assert result.parquet_tables == ("marts.fct_work_orders", "marts.kpi_values", "ops.build_info")
    assert (result.parquet_parts_written, result.parquet_parts_reused) == (5 + 1 + 1, 0)
    with duckdb.connect() as con:
        per_file = con.execute(
            f"select regexp_extract(filename, '([a-z0-9]+)\\.parquet$', 1), count(*), "
            "count(distinct coalesce(strftime(opened_date, '%Y%m'), 'undated')) "
            f"from read_parquet('{orders}/*.parquet', filename = true) group by all order by 1"
        ).fetchall()
    # 3,100 in January less the 4 undated, and so on; each file holds its month only
    assert per_file == [
        ("202601", 3096, 1),
        ("202602", 2796, 1),
        ("202603", 3096, 1),
        ("202604", 3000, 1),
        ("undated", 12, 1),
    ]
    served = serving / "aftersales.duckdb"
    assert differences(served, orders / "*.parquet", "marts.fct_work_orders") == 0
    assert differences(served, serving / "parquet/ops/build_info/*.parquet", "ops.build_info") == 0


def test_only_the_changed_months_are_written_again(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    first = publish(wh, serving)
    warehouse(wh, ORDERS_V2)
    second = publish(wh, serving)
    old = serving / f".parquet-{first.build_id}" / "marts"
    new = serving / "parquet" / "marts"
    assert files(new / "fct_work_orders") == [*MONTHS[:4], "202605", "undated"]

    def same(name: str) -> bool:
        return os.path.samefile(old / name, new / name)

    # February, March, the undated rows and kpi_values are the first build's files
    assert all(same(f"fct_work_orders/{m}.parquet") for m in ("202602", "202603", "undated"))
    assert same("kpi_values/all.parquet")
    assert not same("fct_work_orders/202601.parquet")
    assert not same("fct_work_orders/202604.parquet")
    # January, April, May and the build stamp were written
    assert (second.parquet_parts_written, second.parquet_parts_reused) == (4, 4)
    served = serving / "aftersales.duckdb"
    assert differences(served, new / "fct_work_orders/*.parquet", "marts.fct_work_orders") == 0
    assert differences(served, new / "kpi_values/*.parquet", "marts.kpi_values") == 0


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        # a renamed column may leave every row hash as it was
        ("rename status to state", "state", "BYTE_ARRAY"),
        # DuckDB hashes an INTEGER and a BIGINT of the same value alike
        ("alter id type integer", "id", "INT32"),
    ],
)
def test_changed_columns_are_written_whatever_the_fingerprints(
    tmp_path: Path, change: str, column: str, expected: str
) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    with duckdb.connect(str(wh)) as con:
        con.execute(f"alter table marts.fct_work_orders {change}")
    result = publish(wh, serving)
    assert result.parquet_parts_reused == 1  # kpi_values only
    with duckdb.connect() as con:
        found = con.execute(
            "select type from parquet_schema(?) where name = ?",
            [str(serving / "parquet/marts/fct_work_orders/202602.parquet"), column],
        ).fetchall()
    assert found == [(expected,)]


def test_a_record_without_columns_reuses_nothing(tmp_path: Path) -> None:
    """A record written before D-109 has no columns: every part is written once."""
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    path = parts.path_for(serving, build_id_of(serving / "aftersales.duckdb"))
    record = json.loads(path.read_text(encoding="utf-8"))
    for entry in record["tables"].values():
        del entry["columns"]
    path.write_text(json.dumps(record), encoding="utf-8")
    result = publish(wh, serving)
    assert result.updated["tables"]["marts.fct_work_orders"]["action"] == "unchanged"
    assert (result.parquet_parts_written, result.parquet_parts_reused) == (5 + 1 + 1, 0)


def test_an_empty_dated_table_still_gives_its_columns(tmp_path: Path) -> None:
    wh = warehouse(tmp_path / "wh.duckdb", f"select * from ({ORDERS_V1}) where false")
    export = export_parquet(wh, tmp_path / "parquet", tables=(KPIS, ORDERS))
    folder = tmp_path / "parquet" / "marts" / "fct_work_orders"
    assert files(folder) == ["empty"] and export.parts_written == 2
    with duckdb.connect() as con:
        described = con.execute(f"describe select * from '{folder}/*.parquet'").fetchall()
        rows = con.execute(f"select count(*) from '{folder}/*.parquet'").fetchone()[0]
    assert [c[0] for c in described] == ["id", "opened_date", "status"] and rows == 0


def test_a_table_not_declared_is_one_file(tmp_path: Path) -> None:
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    undeclared = ServedTable("marts", "fct_work_orders")
    export = export_parquet(wh, tmp_path / "parquet", tables=(undeclared,))
    assert files(tmp_path / "parquet" / "marts" / "fct_work_orders") == ["all"]
    assert export.tables == ["marts.fct_work_orders", "marts.kpi_values"]
    assert (export.parts_written, export.parts_reused) == (2, 0)


def test_without_the_previous_builds_parquet_every_part_is_written(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish_module.publish(wh, serving, tables=(KPIS, ORDERS), export_parquet=False)
    assert not (serving / "parquet").exists()
    result = publish(wh, serving)
    assert (result.parquet_parts_written, result.parquet_parts_reused) == (7, 0)
    # published without Parquet again: no link is left on the older build's files
    publish_module.publish(wh, serving, tables=(KPIS, ORDERS), export_parquet=False)
    assert not (serving / "parquet").exists() and not (serving / "parquet").is_symlink()


def test_after_a_rollback_the_served_builds_files_are_reused(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    first = publish(wh, serving)
    publish(warehouse(wh, ORDERS_V2), serving)
    publish_module.rollback(serving)
    assert os.readlink(serving / "parquet") == f".parquet-{first.build_id}"
    third = publish(wh, serving)  # ORDERS_V2 again, on top of the first build
    assert (third.parquet_parts_written, third.parquet_parts_reused) == (4, 4)
    folder = serving / "parquet" / "marts" / "fct_work_orders"
    old = serving / f".parquet-{first.build_id}" / "marts" / "fct_work_orders"
    assert os.path.samefile(old / "202602.parquet", folder / "202602.parquet")
    served = serving / "aftersales.duckdb"
    assert differences(served, folder / "*.parquet", "marts.fct_work_orders") == 0
