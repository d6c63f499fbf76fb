"""Every file under the landing directory ends with a status; a bad file never stops the
others and never vanishes; a landing directory that looks like a mistake is refused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from landing.files import BRANCH_ROWS, csv_text, write
from orchestration.contract import TABLES
from orchestration.engines.duckdb.ingest import LandingDirError, ingest_landing

TICKETS = TABLES["tickets"].columns


def _ticket_row(ticket_id: str) -> dict[str, str]:
    row = dict.fromkeys(TICKETS, "")
    row.update(
        ticket_id=ticket_id,
        branch_code="B01",
        customer_id="C1",
        ticket_type="repair",
        opened_at="2025-01-02 09:00:00",
        delivered_at="2025-01-03 10:00:00",
        status="delivered",
        updated_at="2025-01-03 10:00:00",
    )
    return row


def _statuses(warehouse: Path) -> dict[str, tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select folder, file_name, status, coalesce(reason, '') from raw._landing_files"
        ).fetchall()
    return {
        (f"{folder}/{name}" if folder else name): (status, why)
        for folder, name, status, why in rows
    }


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    root = tmp_path / "landing"
    write(root / "branches" / "01-good.csv", csv_text(BRANCH_ROWS))
    write(root / "branches" / "02-empty.csv", b"")
    write(
        root / "branches" / "03-quote.csv",
        csv_text(BRANCH_ROWS[:1]) + 'B09,"unbalanced,华东,上海,dealer,Asia/Shanghai\n',
    )
    write(root / "branches" / "04-semicolon.csv", csv_text(BRANCH_ROWS, delimiter=";"))
    write(root / "branches" / "05-gbk.csv", csv_text(BRANCH_ROWS[:1]).replace("B01", "B05"), "gbk")
    write(root / "branches" / "notes.txt", "remember to export callbacks")
    write(root / "branches" / "06-copy.csv.part", "half a file")
    write(root / "invoices" / "2025-01.csv", "invoice_id\n1\n")
    write(root / "README.md", "what this folder is")
    book = openpyxl.Workbook()
    book.active.append(list(TICKETS))
    book.active.append(list(_ticket_row("T1").values()))
    (root / "tickets").mkdir()
    book.save(root / "tickets" / "01.xlsx")
    columns = [c for c in TICKETS if c != "delivered_at"]  # the silent data loss case
    row = _ticket_row("T2")
    write(
        root / "tickets" / "02-no-delivered.csv",
        ",".join(columns) + "\n" + ",".join(row[c] for c in columns) + "\n",
    )
    return root


def test_every_file_gets_a_status_and_bad_files_stop_nothing(messy: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "w.duckdb"
    report = ingest_landing(messy, warehouse)
    statuses = _statuses(warehouse)
    assert {k: v[0] for k, v in statuses.items()} == {
        "branches/01-good.csv": "loaded",
        "branches/02-empty.csv": "rejected",
        "branches/03-quote.csv": "rejected",
        "branches/04-semicolon.csv": "loaded",
        "branches/05-gbk.csv": "loaded",
        "branches/notes.txt": "ignored",
        "branches/06-copy.csv.part": "deferred",
        "invoices/2025-01.csv": "ignored",
        "README.md": "ignored",
        "tickets/01.xlsx": "loaded",
        "tickets/02-no-delivered.csv": "rejected",
    }
    assert "empty" in statuses["branches/02-empty.csv"][1]
    assert "branches/03-quote.csv, line 3" in statuses["branches/03-quote.csv"][1]
    assert "delivered_at" in statuses["tickets/02-no-delivered.csv"][1]
    assert "tickets/02-no-delivered.csv, line 1" in statuses["tickets/02-no-delivered.csv"][1]
    assert "not a table" in statuses["invoices/2025-01.csv"][1]
    message = report.rejection_message()
    for name in ("02-empty.csv", "03-quote.csv", "02-no-delivered.csv"):
        assert name in message
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # the semicolon file is real rows, not NULLs; the rejected files added nothing
        assert con.execute(
            "select _source_file, count(*), count(branch_name) from raw.branches "
            "group by 1 order by 1"
        ).fetchall() == [("01-good.csv", 2, 2), ("04-semicolon.csv", 2, 2), ("05-gbk.csv", 1, 1)]
        assert con.execute("select ticket_id, delivered_at from raw.tickets").fetchall() == [
            ("T1", "2025-01-03 10:00:00")
        ]
    # a rejected file is not registered as loaded: fixed under the same name, it loads
    write(messy / "branches" / "02-empty.csv", csv_text(BRANCH_ROWS).replace("B0", "B1"))
    again = ingest_landing(messy, warehouse)
    assert [f.file_name for f in again.files_loaded] == ["02-empty.csv"]
    assert _statuses(warehouse)["branches/02-empty.csv"][0] == "loaded"


def test_a_file_still_being_written_is_deferred(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    path = write(root / "branches" / "a.csv", csv_text(BRANCH_ROWS))
    warehouse = tmp_path / "w.duckdb"
    report = ingest_landing(root, warehouse, settle_seconds=60)
    assert [o.file_name for o in report.files_deferred] == ["a.csv"]
    assert "modified" in report.files_deferred[0].reason
    past = time.time() - 120
    os.utime(path, (past, past))
    assert [
        f.file_name for f in ingest_landing(root, warehouse, settle_seconds=60).files_loaded
    ] == ["a.csv"]


@pytest.mark.parametrize("case", ["missing", "empty", "no_table_folders"])
def test_a_landing_dir_that_looks_like_a_mistake_is_refused(tmp_path: Path, case: str) -> None:
    root = tmp_path / "landing"
    if case == "empty":
        root.mkdir()
    elif case == "no_table_folders":
        write(root / "exports" / "tickets.csv", "x\n")
    warehouse = tmp_path / "wh" / "w.duckdb"
    with pytest.raises(LandingDirError, match=str(root)):
        ingest_landing(root, warehouse)
    assert not warehouse.exists()
