"""The run log survives a full disk: a failed write leaves the previous log intact, and a
0-byte or damaged log from before is moved aside instead of failing every later record."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from orchestration.defs.automation import run_log
from orchestration.defs.automation.run_log import (
    RunFailure,
    read_run_log,
    record_failure,
    run_log_path,
)


def _failure(run_id: str) -> RunFailure:
    return RunFailure(run_id, "refresh", "dbt_build", "Failure", f"boom {run_id}")


def test_a_zero_byte_log_is_moved_aside_and_recording_goes_on(tmp_path: Path) -> None:
    run_log_path(tmp_path).write_bytes(b"")  # what a full disk left behind
    assert record_failure(tmp_path, _failure("r1"), webhook_url="") == "not configured"
    rows = read_run_log(tmp_path)
    assert [r["run_id"] for r in rows] == ["r1", "r1"]
    assert "unreadable" in str(rows[0]["message"]) and rows[1]["message"] == "boom r1"
    assert len(list(tmp_path.glob("run_log.duckdb.unreadable-*"))) == 1
    record_failure(tmp_path, _failure("r2"), webhook_url="")
    assert [r["message"] for r in read_run_log(tmp_path)][-1] == "boom r2"


def test_enospc_while_writing_keeps_the_previous_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_failure(tmp_path, _failure("r1"), webhook_url="")
    before = run_log_path(tmp_path).read_bytes()

    def full_disk(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:100])  # a partial copy
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(run_log.shutil, "copyfile", full_disk)
    with pytest.raises(OSError, match="No space left"):
        record_failure(tmp_path, _failure("r2"), webhook_url="")
    assert run_log_path(tmp_path).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []
    monkeypatch.undo()  # space freed: recording works again, nothing was lost
    record_failure(tmp_path, _failure("r3"), webhook_url="")
    assert [r["run_id"] for r in read_run_log(tmp_path)] == ["r1", "r3"]
