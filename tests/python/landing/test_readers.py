"""Readers: every format and encoding a service desk exports gives the same text table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from landing.files import BRANCH_COLUMNS, BRANCH_ROWS, csv_text, write
from orchestration.contract import TABLES
from orchestration.landing import csv_reader
from orchestration.landing.model import ReadContext
from orchestration.landing.scan import read_landing_table

BRANCHES = TABLES["branches"]
EXPECTED = [[v or None for v in row] for row in BRANCH_ROWS]


def _rows(path: Path) -> list[list[str | None]]:
    result = read_landing_table(path, BRANCHES, path.parent.parent)
    assert result.ok, result.problems
    assert result.table is not None
    return [list(r.values()) for r in result.table.to_pylist()]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gb18030", b""),
        ("gbk", b""),
        ("utf-16", b""),  # Python writes the BOM itself
        ("utf-16-le", b"\xff\xfe"),
    ],
)
def test_csv_in_every_encoding_reads_the_same(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "branches" / "a.csv"
    write(path, bom + csv_text(BRANCH_ROWS).encode(encoding))
    assert _rows(path) == EXPECTED


def test_gb18030_after_a_long_ascii_start_is_detected(tmp_path: Path) -> None:
    """The encoding sample is the file's start; the first non-ASCII byte may be far in."""
    ascii_rows = [
        [f"B{i:04d}", "x", "r", "p", "dealer", "Asia/Shanghai", "08:00", "18:00", "1",
         "2025-01-01 00:00:00", ""]
        for i in range(20000)
    ]  # fmt: skip
    path = write(tmp_path / "branches" / "a.csv", csv_text([*ascii_rows, *BRANCH_ROWS]), "gb18030")
    assert _rows(path)[-2:] == EXPECTED


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = write(tmp_path / "branches" / "a.csv", csv_text(BRANCH_ROWS, delimiter=delimiter))
    assert _rows(path) == EXPECTED


def test_no_null_guessing_but_empty_is_null(tmp_path: Path) -> None:
    text = ",".join(BRANCH_COLUMNS) + '\nNA,null,N/A,NULL,none,"",-,nan,,x,\n'
    rows = _rows(write(tmp_path / "branches" / "a.csv", text))
    assert rows == [["NA", "null", "N/A", "NULL", "none", "", "-", "nan", None, "x", None]]


@pytest.mark.parametrize("block_size", [csv_reader.BLOCK_SIZE, 1 << 20])
def test_a_five_megabyte_field_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_size: int
) -> None:
    """pyarrow's default 1 MiB block gave "straddling object straddles two block
    boundaries": a field longer than a block is read again as one block."""
    monkeypatch.setattr(csv_reader, "BLOCK_SIZE", block_size)
    big = "长" * (5 << 20)
    rows = [[*BRANCH_ROWS[0][:1], big, *BRANCH_ROWS[0][2:]]]
    assert _rows(write(tmp_path / "branches" / "a.csv", csv_text(rows)))[0][1] == big


def test_excel_cells_become_the_text_a_csv_would_hold(tmp_path: Path) -> None:
    path = tmp_path / "branches" / "a.xlsx"
    path.parent.mkdir(parents=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(BRANCH_COLUMNS))
    sheet.append(
        ["B01", "上海一店", "华东", "上海", "dealer", "Asia/Shanghai", dt.time(8, 0), "18:00",
         123456, dt.datetime(2025, 1, 3, 8, 5), False]
    )  # fmt: skip
    sheet.append([None] * len(BRANCH_COLUMNS))  # an empty row, as Excel leaves them
    sheet.append(
        ["B02", "x", "华北", "北京", "dealer", "Asia/Shanghai", "08:30", "17:30", 1.5,
         dt.date(2025, 1, 4), None]
    )  # fmt: skip
    book.save(path)
    assert _rows(path) == [
        ["B01", "上海一店", "华东", "上海", "dealer", "Asia/Shanghai", "08:00", "18:00",
         "123456", "2025-01-03 08:05:00", "false"],
        ["B02", "x", "华北", "北京", "dealer", "Asia/Shanghai", "08:30", "17:30", "1.5",
         "2025-01-04", None],
    ]  # fmt: skip


def test_header_is_matched_trimmed_and_case_insensitive_extra_columns_noted(
    tmp_path: Path,
) -> None:
    columns = [f" {c.upper()} " for c in BRANCH_COLUMNS] + ["vendor_note"]
    text = csv_text([[*BRANCH_ROWS[0], "x"]], columns=columns)
    result = read_landing_table(write(tmp_path / "branches" / "a.csv", text), BRANCHES)
    assert result.ok
    # the landing directory's mapping (the contract) names the column it does not load
    assert "'vendor_note' map to no contract column" in "; ".join(result.warnings)


def test_pinned_encoding_wins_over_detection(tmp_path: Path) -> None:
    # the landing directory's own mapping carries the reading options (D-096)
    write(
        tmp_path / "_mapping.yml",
        "version: 1\nname: local\ntables:\n  branches:\n    encoding: latin-1\n",
    )
    text = csv_text([[*BRANCH_ROWS[0][:1], "Café", *BRANCH_ROWS[0][2:]]])
    path = write(tmp_path / "branches" / "a.csv", text.encode("utf-8"))
    # read as latin-1 on purpose: the pin is obeyed even where detection would say UTF-8
    assert _rows(path)[0][1] == "CafÃ©"


def test_read_context_is_what_readers_get() -> None:
    assert ReadContext("tickets", Path("x")).encoding is None


def test_a_quote_never_closed_is_rejected_not_swallowed(tmp_path: Path) -> None:
    """pyarrow reads a quote opened in the last row as one value running to the end of the
    file, without an error: the rows after it would vanish into that value."""
    good = "B01,n,r,p,dealer,Asia/Shanghai,08:00,18:00,1,2025-01-01 00:00:00,"
    text = "\n".join([",".join(BRANCH_COLUMNS), good, good + '"oops', good, good]) + "\n"
    result = read_landing_table(write(tmp_path / "branches" / "a.csv", text), BRANCHES)
    assert not result.ok
    assert "never closed" in result.problems[0].message
    # a quoted line break in the last row of a good file is fine
    assert (
        _rows(write(tmp_path / "branches" / "b.csv", csv_text(BRANCH_ROWS[::-1])))
        == (EXPECTED[::-1])
    )
