"""Ingest: CSV and Parquet alike, metadata recorded, idempotent by name and by content."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.contract import TABLES
from orchestration.engines.duckdb.ingest import ingest_landing

BRANCH_HEADER = ",".join(TABLES["branches"].columns)


def _write_branches_csv(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        BRANCH_HEADER,
        'B01,"上海一店, 浦东",华东,上海,dealer,Asia/Shanghai,08:00,18:00,123456,'
        "2025-01-01 00:00:00,",
        'B02,"He said ""hi""\nnext line",华北,北京,Dealer ,Asia/Shanghai,08:30,17:30,'
        "12345,2025-01-01T00:00,N",
    ]
    # a UTF-8 byte-order mark may lead a CSV file
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))


def _write_branches_parquet(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            "branch_code": ["B03"],
            "branch_name": ["柏林代表处"],
            "region": ["华东"],
            "province": ["Berlin"],
            "org_type": ["representative_office"],
            "timezone": ["Europe/Berlin"],
            "opens_at": ["09:00"],
            "closes_at": ["17:00"],
            "open_weekdays": ["12345"],
            "updated_at": pa.array([dt.datetime(2025, 1, 2, 3, 4, 5)], pa.timestamp("us")),
            "is_deleted": [False],
        }
    )
    pq.write_table(table, path)


@pytest.fixture()
def landing(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    _write_branches_csv(root / "branches" / "2025-01-01T000000.csv")
    _write_branches_parquet(root / "branches" / "2025-01-02T000000.parquet")
    return root


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_loads_csv_and_parquet_as_text_with_metadata(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    report = ingest_landing(landing, warehouse)
    assert report.rows_loaded["branches"] == 3
    rows = _rows(
        warehouse,
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
    assert rows[1][2] == "Dealer "  # normalisation is staging's job, raw keeps the text
    assert rows[2] == (
        "B03",
        "柏林代表处",
        "representative_office",
        "2025-01-02 03:04:05",
        "false",
        "2025-01-02T000000.parquet",
        1,
    )
    hashes = _rows(warehouse, "select count(distinct _file_hash) from raw.branches")
    assert hashes == [(2,)]
    # every contract table exists, even without files
    for name in TABLES:
        assert _rows(warehouse, f"select count(*) from raw.{name}")[0][0] >= 0


def test_same_file_or_same_content_adds_nothing(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    ingest_landing(landing, warehouse)
    again = ingest_landing(landing, warehouse)
    assert again.total_rows == 0
    assert again.files_skipped == 2
    shutil.copy(
        landing / "branches" / "2025-01-01T000000.csv",
        landing / "branches" / "2025-01-03T000000-resent.csv",
    )
    resent = ingest_landing(landing, warehouse)
    assert resent.total_rows == 0
    assert [f.status for f in resent.files_duplicate] == ["duplicate_content"]
    assert _rows(warehouse, "select count(*) from raw.branches") == [(3,)]
    statuses = _rows(
        warehouse, "select status, count(*) from raw._loaded_files group by status order by 1"
    )
    assert statuses == [("duplicate_content", 1), ("loaded", 2)]
    # the duplicate is now known by name: a further run does not even open it
    assert ingest_landing(landing, warehouse).files_skipped == 3


def test_only_new_files_are_read(landing: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    ingest_landing(landing, warehouse)
    # a loaded file is never changed; if it were, it would not be read again
    (landing / "branches" / "2025-01-01T000000.csv").write_text("garbage", encoding="utf-8")
    later = landing / "branches" / "2025-01-04T000000.csv"
    later.write_text(
        BRANCH_HEADER + "\nB04,n,华南,广东,supplier,Asia/Shanghai,08:00,18:00,1234567,"
        "2025-01-04 00:00:00,false\n",
        encoding="utf-8",
    )
    report = ingest_landing(landing, warehouse)
    assert [f.file_name for f in report.files_loaded] == ["2025-01-04T000000.csv"]
    assert _rows(warehouse, "select count(*) from raw.branches") == [(4,)]


def test_files_are_written_in_bulk_and_a_failed_batch_leaves_nothing(
    landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files of a table go in as one insert and one transaction with their register
    rows: a write that fails loads and registers none of them, and the next run loads
    them all, once."""
    import orchestration.engines.duckdb.ingest as ingest_module

    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    inserts: list[int] = []
    real_insert = ingest_module._insert_rows

    def failing_insert(con: duckdb.DuckDBPyConnection, table: object, parts: list) -> None:
        real_insert(con, table, parts)  # the rows are written, then the batch fails
        raise OSError("disk full")

    monkeypatch.setattr(ingest_module, "_insert_rows", failing_insert)
    with pytest.raises(OSError, match="disk full"):
        ingest_landing(landing, warehouse)
    assert _rows(warehouse, "select count(*) from raw.branches") == [(0,)]
    assert _rows(warehouse, "select count(*) from raw._loaded_files") == [(0,)]

    def counting_insert(con: duckdb.DuckDBPyConnection, table: object, parts: list) -> None:
        inserts.append(len(parts))
        real_insert(con, table, parts)

    monkeypatch.setattr(ingest_module, "_insert_rows", counting_insert)
    report = ingest_landing(landing, warehouse)
    assert inserts == [2]  # both files of the table in one insert
    assert [f.file_name for f in report.files_loaded] == [
        "2025-01-01T000000.csv",
        "2025-01-02T000000.parquet",
    ]
    assert _rows(
        warehouse,
        "select _source_file, count(*), min(_row_number), max(_row_number) from raw.branches "
        "group by 1 order by 1",
    ) == [("2025-01-01T000000.csv", 2, 1, 2), ("2025-01-02T000000.parquet", 1, 1, 1)]
    assert _rows(warehouse, "select count(*) from raw._loaded_files") == [(2,)]
