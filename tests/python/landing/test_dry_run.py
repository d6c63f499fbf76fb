"""``aftersales-check-landing``: reads every file as the refresh would, builds the staging
quarantine in a throw-away warehouse, names what would block, prints no personal data and
touches no warehouse. Damaged but readable files are among them: for every loaded batch,
arrived = kept + quarantined."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from orchestration.contract import TABLES
from orchestration.landing.dry_run import check_landing, format_report, main

BAD_BATCH = "2025-12-31T020000.csv"


def _values(folder: Path, columns: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                found |= {row[c].strip() for c in columns if len(row.get(c, "").strip()) > 3}
    return found


def _damaged_but_readable(landing: Path) -> None:
    """Files that load (odd but valid shape) and whose rows go to staging."""
    source = max((landing / "callbacks").glob("*.csv"), key=lambda p: p.stat().st_size)
    text = source.read_text(encoding="utf-8-sig")
    header, *lines = text.splitlines()
    # plain lines only (no quoted commas or line breaks), so ";" can replace ","
    lines = [line for line in lines if '"' not in line and line.count(",") == header.count(",")]
    assert len(lines) >= 8
    folder = landing / "callbacks"
    # header only; NA/null texts; a stray quote inside a quoted field; extra column; GB18030
    (folder / "2025-12-20T000000.csv").write_text(header + "\n", encoding="utf-8")
    columns = TABLES["callbacks"].columns
    na_row = ",".join("NA" if c != "comment" else "null" for c in columns)
    (folder / "2025-12-21T000000.csv").write_text(f"{header}\n{na_row}\n", encoding="utf-8")
    (folder / "2025-12-22T000000.csv").write_text(
        header + ",vendor_note\n" + "\n".join(f'{line},"a ""quoted"" note"' for line in lines[:5]),
        encoding="utf-8",
    )
    (folder / "2025-12-23T000000.csv").write_bytes(
        (header + "\n" + "\n".join(lines[5:8]) + "\n").replace(",", ";").encode("gb18030")
    )


def test_dry_run_names_what_would_block_and_prints_no_personal_data(
    small_landing: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    source = sorted((landing / "tickets").glob("*.csv"))[-1]
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:20]
    with (landing / "tickets" / BAD_BATCH).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "status": "teleported"} for row in rows)
    (landing / "callbacks" / "2025-12-31T020000.csv").write_bytes(b"")
    _damaged_but_readable(landing)
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("AFTERSALES_WAREHOUSE_DIR", str(warehouse))

    run = check_landing(landing, tmp_path)
    out = format_report(run)
    assert not run.would_publish
    assert f"tickets/{BAD_BATCH}: 20 rows, 20 would be quarantined (100.0%)  OVER LIMIT" in out
    assert "invalid_code:status: 20" in out
    assert "e.g. data row 1 (key " in out
    assert "REJECTED  callbacks/2025-12-31T020000.csv: the file is empty" in out
    # the one-row file of NA texts is 100 % quarantined too
    assert "callbacks/2025-12-21T000000.csv: 1 rows, 1 would be quarantined (100.0%)" in out
    assert "BLOCKED: 1 rejected file(s), 2 batch(es) over the quarantine limit" in out
    loaded = {f.where: f.batch for f in run.files if f.batch is not None}
    statuses = {f.where: f.status for f in run.files}
    assert statuses["callbacks/2025-12-20T000000.csv"] == "loaded"  # header only: 0 rows
    assert loaded["callbacks/2025-12-21T000000.csv"].rows_quarantined == 1
    assert loaded["callbacks/2025-12-22T000000.csv"].rows_arrived == 5
    assert loaded["callbacks/2025-12-23T000000.csv"].rows_arrived == 3
    assert run.unbalanced == []  # arrived = kept + quarantined, for every loaded batch
    personal = _values(landing / "technicians", ("full_name", "phone"))
    personal |= _values(landing / "callbacks", ("comment",))
    assert personal
    assert not [value for value in personal if value in out]
    assert not warehouse.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landing"]  # work dir cleaned up


def test_dry_run_refuses_a_mistyped_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main([str(tmp_path / "nope")]) == 2
    assert str(tmp_path / "nope") in capsys.readouterr().err
