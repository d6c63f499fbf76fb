"""The landing edge in a whole refresh: a rejected file and a mistyped landing path fail
before publishing (naming the file or path); a batch over the quarantine limit is named by
the gate, and retracting it and landing the corrected file gets back to a publish."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.defs.automation.run_log import read_run_log

SERVED = "aftersales.duckdb"
BAD_BATCH = "2025-12-31T020000.csv"


def _copy(refreshed: SimpleNamespace, destination: Path) -> SimpleNamespace:
    copies = {}
    for name in ("landing", "warehouse", "serving"):
        copies[name] = destination / name
        shutil.copytree(getattr(refreshed, name), copies[name], symlinks=True)
    return SimpleNamespace(**copies)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env(monkeypatch: pytest.MonkeyPatch, dirs: SimpleNamespace) -> None:
    monkeypatch.setenv("AFTERSALES_LANDING_DIR", str(dirs.landing))
    monkeypatch.setenv("AFTERSALES_WAREHOUSE_DIR", str(dirs.warehouse))
    monkeypatch.setenv("AFTERSALES_SERVING_DIR", str(dirs.serving))
    monkeypatch.delenv("AFTERSALES_AS_OF", raising=False)
    monkeypatch.delenv("AFTERSALES_EXPORT_PARQUET", raising=False)
    monkeypatch.delenv("AFTERSALES_FAILURE_WEBHOOK_URL", raising=False)


def _ticket_rows(landing: Path) -> list[dict[str, str]]:
    source = sorted((landing / "tickets").glob("*.csv"))[-1]
    with source.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))[:20]


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _kpis(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select * from marts.kpi_values order by all").fetchall()


def test_rejected_file_or_mistyped_landing_dir_fails_before_publish(
    refreshed: SimpleNamespace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from orchestration.cli.refresh import main

    dirs = _copy(refreshed, tmp_path)
    _env(monkeypatch, dirs)
    served = _sha(dirs.serving / SERVED)
    (dirs.landing / "callbacks" / "2025-12-31T020000.csv").write_bytes(b"")
    (dirs.landing / "invoices").mkdir()
    (dirs.landing / "invoices" / "2025-12.csv").write_text("invoice_id\n1\n", encoding="utf-8")
    assert main([]) == 1
    out = capsys.readouterr().out
    assert "callbacks/2025-12-31T020000.csv" in out and "empty" in out
    assert "IGNORED  invoices/2025-12.csv" in out
    assert _sha(dirs.serving / SERVED) == served

    assert main(["--landing-dir", str(tmp_path / "landnig")]) == 1
    out = capsys.readouterr().out
    assert str(tmp_path / "landnig") in out and "does not exist" in out
    assert _sha(dirs.serving / SERVED) == served


def test_a_batch_over_the_quarantine_limit_is_named_then_retracted_and_replaced(
    refreshed: SimpleNamespace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from orchestration.cli.refresh import main

    dirs = _copy(refreshed, tmp_path)
    _env(monkeypatch, dirs)
    served = _sha(dirs.serving / SERVED)
    rows = _ticket_rows(dirs.landing)
    bad = dirs.landing / "tickets" / BAD_BATCH
    _write(bad, [{**row, "status": "teleported"} for row in rows])

    assert main([]) == 1  # the gate blocks, and names the batch, its share and why
    # (the step's failure message is printed as progress, and recorded in the run log)
    message = str(read_run_log(dirs.warehouse)[-1]["message"])
    assert f"tickets/{BAD_BATCH}: 20 of 20 rows quarantined (100.0%)" in message
    assert "top reasons: invalid_code:status x20" in message
    assert _sha(dirs.serving / SERVED) == served
    capsys.readouterr()

    # retracting with the bad file still landed warns that it would load again
    assert main(["--retract", f"tickets/{BAD_BATCH}", "--note", "status codes wrong"]) == 0
    out = capsys.readouterr().out
    assert "20 rows removed" in out and "still in the landing directory" in out
    _write(bad, rows)  # the corrected export, same name
    assert main([]) == 0
    assert _sha(dirs.serving / SERVED) != served
    # the corrected batch repeats rows already loaded: the KPIs are the clean run's
    assert _kpis(dirs.serving / SERVED) == _kpis(refreshed.serving / SERVED)
    # the register lives in the warehouse; the served file holds the BI layer only
    with duckdb.connect(str(dirs.warehouse / SERVED), read_only=True) as con:
        assert con.execute(
            "select table_name, file_name, rows_removed, note from raw._retractions"
        ).fetchall() == [("tickets", BAD_BATCH, 20, "status codes wrong")]
        assert con.execute(
            "select row_count from raw._loaded_files where file_name = ?", [BAD_BATCH]
        ).fetchall() == [(20,)]

    assert main(["--retract", "tickets/no-such-file.csv"]) == 1
