"""The landing leaves the page cache before each stage that reads it: the hand-written pass
and every ingest, so the full / hand-written ratio compares reads that start alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orchestration.benchmark import page_cache
from orchestration.benchmark.page_cache import evict_files
from orchestration.benchmark.refresh_bench import MODES, Runs, _before, bench_settings


def _landing(root: Path) -> list[Path]:
    files = [root / "tickets" / "a.csv", root / "tickets" / "b.parquet", root / "callbacks" / "c"]
    for index, path in enumerate(files):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * (index + 1) * 10)
    return files


def _record_advice(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, int]]:
    advised: list[tuple[str, int, int, int]] = []

    def advise(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((os.readlink(f"/proc/self/fd/{fd}"), offset, length, advice))

    monkeypatch.setattr(page_cache.os, "posix_fadvise", advise, raising=False)
    return advised


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc to name the fds")
def test_every_file_is_advised_out_of_the_cache_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _landing(tmp_path)
    advised = _record_advice(monkeypatch)
    eviction = evict_files(tmp_path)
    assert sorted(a[0] for a in advised) == sorted(str(f) for f in files)
    assert {a[1:] for a in advised} == {(0, 0, os.POSIX_FADV_DONTNEED)}
    assert (eviction.files, eviction.bytes, eviction.supported) == (3, 60, True)


def test_without_the_call_nothing_is_evicted_and_the_report_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _landing(tmp_path)
    monkeypatch.delattr(page_cache.os, "posix_fadvise", raising=False)
    assert evict_files(tmp_path).as_json() == {"files": 3, "bytes": 60, "supported": False}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc to name the fds")
def test_the_hand_pass_and_each_ingest_start_with_the_landing_evicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = bench_settings(tmp_path)
    _landing(settings.landing_dir)
    advised = _record_advice(monkeypatch)
    runs = Runs()
    _before("hand", "hand_pass", settings, tmp_path, runs)
    assert len(advised) == 3 and runs.evicted["files"] == 3
    for mode in MODES:
        advised.clear()
        _before(mode, "ingest", settings, tmp_path, runs)
        assert {Path(a[0]).parent.parent for a in advised} == {settings.landing_dir}, mode
        assert len(advised) == runs.evicted["files"] > 0, mode
    advised.clear()
    for stage in ("dbt_build", "gx", "publish"):
        _before("full", stage, settings, tmp_path, runs)
    assert advised == []  # only the stages that read the landing
