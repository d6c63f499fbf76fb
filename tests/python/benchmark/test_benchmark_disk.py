"""The benchmark's disk check: the estimate per part, the refusal and its message."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.benchmark import disk, run
from orchestration.benchmark.disk import (
    BYTES_PER_WORK_ORDER,
    GIB,
    HEADROOM,
    LANDING_PART,
    SERVED_PART,
    SPILL_FROM_WORK_ORDERS,
    SPILL_PART,
    WAREHOUSE_PART,
    DiskNeed,
    disk_need,
    disk_problem,
    replaced_bytes,
)


def test_the_need_grows_with_the_work_orders_and_counts_the_spill_from_its_threshold() -> None:
    small = disk_need(1_000_000)
    assert SPILL_PART not in small.parts
    assert small.parts["landing files"] == BYTES_PER_WORK_ORDER["landing files"] * 1_000_000
    large = disk_need(10_000_000)
    assert large.parts[SPILL_PART] == BYTES_PER_WORK_ORDER[SPILL_PART] * 10_000_000
    assert SPILL_FROM_WORK_ORDERS <= 10_000_000


def test_the_need_is_the_larger_of_the_two_phases() -> None:
    # the hand-written pass runs before any warehouse exists: its spill and the warehouse
    # are never on disk together (at 10 M: 17 + 27 GB, then 17 + 32 + 15 GB)
    need = disk_need(10_000_000)
    assert set(need.peak_parts) == {LANDING_PART, WAREHOUSE_PART, SERVED_PART}
    assert need.total == int(sum(need.peak_parts.values()) * HEADROOM)
    assert need.total > 64 * 10**9  # measured at 72a2e32: 17.3 + 32 + 15 GB
    assert need.total < sum(need.parts.values())
    # a pass that spills more than the build holds makes its phase the peak
    parts = {LANDING_PART: 1, SPILL_PART: 100, WAREHOUSE_PART: 10, SERVED_PART: 10}
    assert set(DiskNeed(parts).peak_parts) == {LANDING_PART, SPILL_PART}


def test_a_run_that_fits_is_not_refused(tmp_path: Path) -> None:
    assert disk_problem(tmp_path, 1_000_000, free=lambda _: 100 * GIB) is None


def test_a_run_that_does_not_fit_is_refused_with_its_parts_and_what_to_do(tmp_path: Path) -> None:
    problem = disk_problem(tmp_path, 10_000_000, free=lambda _: 50 * GIB)
    assert problem is not None
    assert str(tmp_path) in problem
    assert "50 GiB free" in problem
    for part in (LANDING_PART, WAREHOUSE_PART, SERVED_PART):
        assert part in problem
    assert "--workdir" in problem and "--work-orders" in problem
    assert "--skip-disk-check" in problem


def test_an_earlier_run_in_the_work_directory_counts_as_free(tmp_path: Path) -> None:
    need = disk_need(1_000_000).total
    assert disk_problem(tmp_path, 1_000_000, free=lambda _: need - 10) is not None
    assert disk_problem(tmp_path, 1_000_000, free=lambda _: need - 10, already_used=10) is None
    problem = disk_problem(tmp_path, 10_000_000, free=lambda _: 20 * GIB, already_used=5 * GIB)
    assert problem is not None
    assert "20 GiB free and an earlier run there that this one replaces holds 5 GiB" in problem


def test_replaced_bytes_are_those_of_the_folders_a_run_replaces(tmp_path: Path) -> None:
    (tmp_path / "landing" / "tickets").mkdir(parents=True)
    (tmp_path / "landing" / "tickets" / "a.csv").write_bytes(b"x" * 100)
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "aftersales.duckdb").write_bytes(b"x" * 50)
    (tmp_path / "report.json").write_bytes(b"x" * 1000)  # not replaced by a run
    assert replaced_bytes(tmp_path) == 150
    assert replaced_bytes(tmp_path / "missing") == 0


def test_free_bytes_of_a_directory_not_made_yet_is_its_parents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []

    def usage(path: Path) -> SimpleNamespace:
        asked.append(path)
        return SimpleNamespace(free=123)

    monkeypatch.setattr(disk.shutil, "disk_usage", usage)
    assert disk.free_bytes(tmp_path / "not" / "yet") == 123
    assert asked == [tmp_path]


def test_the_command_refuses_before_generating_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(disk, "free_bytes", lambda _: 1 * GIB)

    def must_not_run(config: object) -> dict:
        raise AssertionError("the benchmark ran although the disk is too small")

    monkeypatch.setattr(run, "run_benchmark", must_not_run)
    workdir = tmp_path / "bench"
    code = run.main(["--work-orders", "10000000", "--workdir", str(workdir)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("benchmark failed: a run of about 10,")
    assert list(workdir.iterdir()) == []


def test_skip_disk_check_runs_anyway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(disk, "free_bytes", lambda _: 1 * GIB)

    class Started(Exception):
        pass

    def started(config: object) -> dict:
        raise Started

    monkeypatch.setattr(run, "run_benchmark", started)
    args = ["--work-orders", "10000000", "--workdir", str(tmp_path), "--skip-disk-check"]
    with pytest.raises(Started):
        run.main(args)
