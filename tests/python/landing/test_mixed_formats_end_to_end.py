"""Done-when of issue 10: a landing directory where half the tickets and callbacks CSVs are
GB18030 and a third of the part requests and time punches are Excel workbooks gives exactly
the kpi_values of the all-UTF-8 CSV original (the ``refreshed`` session run)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import openpyxl
import pytest

SERVED = "aftersales.duckdb"


def _to_gb18030(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("gb18030"))


def _to_xlsx(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append([value if value != "" else None for value in row])
    book.save(path.with_suffix(".xlsx"))
    path.unlink()


def _kpis(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select * from marts.kpi_values order by all").fetchall()


def test_gb18030_and_excel_exports_give_the_same_kpis(
    refreshed: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.cli.refresh import main

    landing = tmp_path / "landing"
    shutil.copytree(refreshed.landing, landing)
    converted = {"gb18030": 0, "xlsx": 0}
    for table, every, convert, kind in (
        ("tickets", 2, _to_gb18030, "gb18030"),
        ("callbacks", 2, _to_gb18030, "gb18030"),
        ("part_requests", 3, _to_xlsx, "xlsx"),
        ("time_punches", 3, _to_xlsx, "xlsx"),
    ):
        for index, path in enumerate(sorted((landing / table).glob("*.csv"))):
            if index % every == 0:
                convert(path)
                converted[kind] += 1
    assert converted["gb18030"] > 10 and converted["xlsx"] > 10
    for name in ("landing", "warehouse", "serving"):
        monkeypatch.setenv(f"AFTERSALES_{name.upper()}_DIR", str(tmp_path / name))
    monkeypatch.delenv("AFTERSALES_AS_OF", raising=False)
    monkeypatch.delenv("AFTERSALES_EXPORT_PARQUET", raising=False)
    monkeypatch.delenv("AFTERSALES_FAILURE_WEBHOOK_URL", raising=False)
    assert main([]) == 0
    assert _kpis(tmp_path / "serving" / SERVED) == _kpis(refreshed.serving / SERVED)
    # the register lives in the warehouse; the served file holds the BI layer only
    with duckdb.connect(str(tmp_path / "warehouse" / SERVED), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from raw._landing_files where file_name like '%.xlsx' "
                "and status = 'loaded'"
            ).fetchone()[0]
            == converted["xlsx"]
        )
