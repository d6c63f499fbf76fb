"""Spark ingest: the DuckDB ingest's raw tables and idempotency, on the ``spark`` target.

Needs the ``spark`` extra (pyspark) and a Java runtime; skipped otherwise. One JVM and one
warehouse dir serve the whole module (a SparkSession's metastore is fixed at start-up).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("a Java runtime is needed for Spark", allow_module_level=True)

from test_duckdb_ingest import (
    BRANCH_HEADER,
    _write_branches_csv,
    _write_branches_parquet,
)

import orchestration.engines.spark.ingest as spark_ingest
from orchestration.contract import TABLES
from orchestration.engines.spark.ingest import ingest_landing_spark
from orchestration.engines.spark.session import spark_session


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark_wh")


@pytest.fixture(scope="module")
def spark(warehouse: Path) -> Iterator:
    session = spark_session(warehouse)
    yield session
    session.stop()


def _rows(spark, sql: str) -> list[tuple]:
    return [tuple(row) for row in spark.sql(sql).collect()]


def test_spark_raw_tables_and_idempotency(
    spark, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    _write_branches_csv(landing / "branches" / "2025-01-01T000000.csv")
    _write_branches_parquet(landing / "branches" / "2025-01-02T000000.parquet")

    report = ingest_landing_spark(landing, warehouse, spark=spark)
    assert report.rows_loaded["branches"] == 3
    rows = _rows(
        spark,
        "select branch_code, branch_name, org_type, updated_at, is_deleted, _source_file, "
        "_row_number from raw.branches order by _source_file, _row_number",
    )
    assert rows[0] == (
        "B01",
        "上海一店, 浦东",
        "dealer",
        "2025-01-01 00:00:00",
        None,
        "2025-01-01T000000.csv",
        1,
    )
    assert rows[1][1] == 'He said "hi"\nnext line'
    assert rows[2][:5] == (
        "B03",
        "柏林代表处",
        "representative_office",
        "2025-01-02 03:04:05",
        "false",
    )
    types = {f.name: f.dataType.simpleString() for f in spark.table("raw.branches").schema}
    assert types["_row_number"] == "bigint"
    assert types["_loaded_at"] == "timestamp_ntz"
    assert types["branch_code"] == "string"
    for name in TABLES:
        assert _rows(spark, f"select count(*) from raw.{name}")[0][0] >= 0

    # same name: skipped unopened; same content under a new name: registered, no rows
    assert ingest_landing_spark(landing, warehouse, spark=spark).files_skipped == 2
    shutil.copy(
        landing / "branches" / "2025-01-01T000000.csv",
        landing / "branches" / "2025-01-03T000000-resent.csv",
    )
    resent = ingest_landing_spark(landing, warehouse, spark=spark)
    assert resent.total_rows == 0
    assert [f.duplicate_of for f in resent.files_duplicate] == ["2025-01-01T000000.csv"]
    assert _rows(spark, "select count(*) from raw.branches") == [(3,)]
    assert _rows(
        spark, "select status, count(*) from raw._loaded_files group by status order by 1"
    ) == [("duplicate_content", 1), ("loaded", 2)]

    # a run that dies after writing rows but before registering the file loads nothing twice
    (landing / "branches" / "2025-01-04T000000.csv").write_text(
        BRANCH_HEADER + "\nB04,n,华南,广东,supplier,Asia/Shanghai,08:00,18:00,1234567,"
        "2025-01-04 00:00:00,false\n",
        encoding="utf-8",
    )

    def _fail_after_writing(spark, batch):
        batch.records.clear()  # rows are written, the register insert never happens
        real_flush(spark, batch)
        raise RuntimeError("killed before registering")

    real_flush = spark_ingest._flush
    monkeypatch.setattr(spark_ingest, "_flush", _fail_after_writing)
    with pytest.raises(RuntimeError):
        ingest_landing_spark(landing, warehouse, spark=spark)
    assert _rows(spark, "select count(*) from raw.branches") == [(4,)]  # not registered yet
    monkeypatch.setattr(spark_ingest, "_flush", real_flush)
    retried = ingest_landing_spark(landing, warehouse, spark=spark)
    assert [f.file_name for f in retried.files_loaded] == ["2025-01-04T000000.csv"]
    assert _rows(
        spark, "select _source_file, count(*) from raw.branches group by 1 order by 1"
    ) == [
        ("2025-01-01T000000.csv", 2),
        ("2025-01-02T000000.parquet", 1),
        ("2025-01-04T000000.csv", 1),
    ]


def test_spark_reads_through_the_landing_layer_and_rejects_without_stopping(
    spark, warehouse: Path, tmp_path: Path
) -> None:
    """Same reading layer as DuckDB: a GB18030 semicolon CSV and an Excel workbook load, a
    zero-byte file and a file without a contract column are rejected (reported, not
    registered), a .txt is ignored; the good files are loaded all the same."""
    import openpyxl

    landing = tmp_path / "landing"
    folder = landing / "technicians"
    folder.mkdir(parents=True)
    columns = TABLES["technicians"].columns
    row = ["T90", "B01", "technician", "张三", "", "2024-01-01", "", "2025-01-01 00:00:00", ""]
    (folder / "01.csv").write_bytes(
        (";".join(columns) + "\n" + ";".join(row) + "\n").encode("gb18030")
    )
    book = openpyxl.Workbook()
    book.active.append(list(columns))
    book.active.append(["T91", *row[1:]])
    book.save(folder / "02.xlsx")
    (folder / "03.csv").write_bytes(b"")
    (folder / "04.csv").write_text(",".join(columns[:-1]) + "\n" + ",".join(row[:-1]) + "\n")
    (folder / "05.txt").write_text("notes")

    report = ingest_landing_spark(landing, warehouse, spark=spark, settle_seconds=0)
    assert [f.file_name for f in report.files_loaded] == ["01.csv", "02.xlsx"]
    assert [f.file_name for f in report.files_rejected] == ["03.csv", "04.csv"]
    assert "is_deleted" in report.files_rejected[1].reason
    assert [f.file_name for f in report.files_ignored] == ["05.txt"]
    assert _rows(
        spark,
        "select employee_id, full_name, hired_on, _source_file from raw.technicians "
        "order by employee_id",
    ) == [("T90", "张三", "2024-01-01", "01.csv"), ("T91", "张三", "2024-01-01", "02.xlsx")]
    registered = _rows(
        spark, "select file_name from raw._loaded_files where table_name = 'technicians'"
    )
    assert sorted(name for (name,) in registered) == ["01.csv", "02.xlsx"]


def test_spark_ingest_reads_through_the_vendor_mapping(
    spark, warehouse: Path, tmp_path: Path
) -> None:
    """A Chinese DMS-shaped landing directory (with its ``_mapping.yml``) gives the same
    raw rows on Spark as on DuckDB: both ingests apply the same mapping."""
    import re
    from datetime import date

    import duckdb

    from orchestration.engines.duckdb.ingest import ingest_landing
    from orchestration.sample_data import generate

    landing = tmp_path / "dms"
    generate(
        landing,
        shape="dms_cn",
        seed=4,
        days=3,
        branches=2,
        orders_per_day=5,
        start_date=date(2025, 9, 1),
    )
    ingest_landing_spark(landing, warehouse, spark=spark)
    duck = tmp_path / "duck.duckdb"
    ingest_landing(landing, duck)
    for table in ("branches", "tickets", "callbacks"):
        names = sorted(p.name for p in (landing / table).iterdir())
        columns = ", ".join(f"`{c}`" for c in TABLES[table].columns)
        # filtered here: a partition filter in the query trips the embedded metastore
        on_spark = [
            row
            for row in _rows(
                spark,
                f"select {columns}, _source_file, _row_number from raw.{table} "
                "order by _source_file, _row_number",
            )
            if row[-2] in names
        ]
        with duckdb.connect(str(duck), read_only=True) as con:
            on_duckdb = con.execute(
                f"select {columns.replace('`', chr(34))}, _source_file, _row_number "
                f"from raw.{table} order by _source_file, _row_number"
            ).fetchall()
        assert on_spark == on_duckdb and on_duckdb, table
    # callbacks' attempted_at is contract text (2025-09-01 10:00:00), not 2025/9/1 10:00
    attempted = [row[2] for row in on_duckdb]
    assert all(re.fullmatch(r"2025-09-0[1-4] [0-9]{2}:[0-9]{2}:[0-9]{2}", a) for a in attempted)
