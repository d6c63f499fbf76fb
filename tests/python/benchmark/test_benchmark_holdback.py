"""The daily delivery of the benchmark and the per-stage child processes, on a tiny landing:
the last batch is held back, the full ingest leaves it out, the daily ingest loads exactly
it; each stage reports its own time and peak memory, and a stage that fails is named."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from orchestration.benchmark.child import run_in_child
from orchestration.benchmark.holdback import batch_files, hold_back, last_batch, put_back
from orchestration.benchmark.refresh_bench import bench_settings, child_env
from orchestration.benchmark.sizing import choose_sizing


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.sample_data import generate

    base = tmp_path_factory.mktemp("bench_holdback")
    generate(
        base / "landing",
        seed=5,
        days=12,
        branches=2,
        orders_per_day=4,
        start_date=date(2025, 3, 1),
        batch_days=1,
    )
    return base


def _spec(base: Path) -> dict[str, str]:
    settings = bench_settings(base)
    return {
        "landing_dir": str(settings.landing_dir),
        "warehouse_dir": str(settings.warehouse_dir),
        "serving_dir": str(settings.serving_dir),
    }


def test_the_last_batch_is_the_latest_export_of_every_table_that_has_one(workdir: Path) -> None:
    last = last_batch(workdir / "landing")
    stems = {path.stem for path in batch_files(workdir / "landing")}
    assert {path.stem for path in last} == {max(stems)}
    assert len({path.parent.name for path in last}) == len(last)  # one file per table
    assert any(path.parent.name == "tickets" for path in last)


def test_the_daily_ingest_loads_exactly_the_held_back_files(workdir: Path) -> None:
    landing, held = workdir / "landing", workdir / "held_back"
    before = batch_files(landing)
    env = child_env(bench_settings(workdir), workdir, None)
    moved = hold_back(landing, held)
    assert moved and not any((landing / name).exists() for name in moved)

    full = run_in_child("ingest", _spec(workdir), workdir, env, "test-full-ingest")
    assert full.ok, full.error
    assert not set(full.detail["files_loaded"]) & set(moved)
    assert full.detail["rows_loaded"] > 0 and full.detail["files_rejected"] == 0

    put_back(landing, held, moved)
    assert batch_files(landing) == before
    daily = run_in_child("ingest", _spec(workdir), workdir, env, "test-daily-ingest")
    assert daily.ok, daily.error
    assert sorted(daily.detail["files_loaded"]) == sorted(moved)
    for run in (full, daily):  # the child's own time and high-water mark
        assert run.seconds > 0 and run.wall_seconds >= run.seconds
        assert 20 < run.peak_mb < 4096
    kept = json.loads((workdir / "runs" / "test-daily-ingest.rusage.json").read_text())
    assert kept["exit"] == "exit status 0" and kept["peak_rss_mb"] == daily.peak_rss_mb
    # the child's CPU time: some user time, and no more than the machine's cores' worth
    assert kept["user_s"] > 0 and kept["system_s"] >= 0
    assert kept["user_s"] + kept["system_s"] <= kept["wall_s"] * (os.cpu_count() or 1) + 1


def test_a_failing_stage_is_named_with_its_exit_and_peak(workdir: Path) -> None:
    spec = {**_spec(workdir), "landing_dir": str(workdir / "no_such_landing")}
    env = child_env(bench_settings(workdir), workdir, None)
    run = run_in_child("hand_pass", spec, workdir, env, "test-failing")
    assert not run.ok
    assert run.error.startswith("hand_pass: exit status 1")
    assert "MiB" in run.error and "no_such_landing" in run.error


def test_sizing_is_a_year_of_daily_exports_with_branches_growing_with_size() -> None:
    assert choose_sizing(100_000).days == 365
    for work_orders in (300, 100_000, 1_000_000, 10_000_000):
        sizing = choose_sizing(work_orders)
        assert work_orders <= sizing.work_orders < work_orders * 1.1 + 365 * sizing.branches
        assert sizing.orders_per_day <= 80
    with pytest.raises(ValueError, match="--work-orders"):
        choose_sizing(0)
