"""The benchmark's plan: the hand-written pass first, on a disk without the last build, and
its comparison after the refreshes; the rows it keeps for that comparison; what the day's
batch cost, paired within a repeat."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench_runs import stage_runs

from orchestration.benchmark.hand_pass import read_rows, write_rows
from orchestration.benchmark.refresh_bench import (
    MODES,
    REFRESH_STAGES,
    Runs,
    _before,
    _paired_difference,
    _plan,
    bench_settings,
)


def test_each_repeat_starts_with_the_hand_pass_and_ends_with_its_comparison() -> None:
    plan = _plan(2)
    assert plan[:2] == [("setup", "generate", 0), ("setup", "prepare", 0)]
    refreshes = [(mode, stage) for mode in MODES for stage in REFRESH_STAGES]
    for index in range(2):
        steps = [(mode, stage) for mode, stage, i in plan[2:] if i == index]
        assert steps == [("hand", "hand_pass"), *refreshes, ("hand", "compare")]


def test_the_hand_pass_starts_without_the_previous_build(tmp_path: Path) -> None:
    settings = bench_settings(tmp_path)
    for directory in (settings.warehouse_dir, settings.serving_dir, settings.landing_dir):
        directory.mkdir(parents=True)
        (directory / "file").write_text("x", encoding="utf-8")
    _before("hand", "hand_pass", settings, tmp_path, Runs())
    assert not settings.warehouse_dir.exists()
    assert not settings.serving_dir.exists()
    assert (settings.landing_dir / "file").is_file()  # the pass reads it


def test_the_kept_rows_read_back_as_the_pass_wrote_them(tmp_path: Path) -> None:
    rows = [
        ("open_rate", "B01", date(2025, 1, 1), 3.0, 4.0, 0.75),
        ("revisit_rate", "B02", date(2025, 2, 1), 0, None, None),
    ]
    path = tmp_path / "runs" / "hand-rows-0.json"
    write_rows(rows, path)
    assert read_rows(path) == rows


def test_what_arrived_pairs_the_refreshes_of_one_repeat() -> None:
    # the repeats' batches cost 5, 30 and 30: median 30; the medians' difference would
    # be 60 - 35 = 25
    daily = stage_runs([40.0, 90.0, 60.0])
    unchanged = stage_runs([35.0, 60.0, 30.0])
    assert _paired_difference(daily, unchanged) == 30.0
    assert _paired_difference(daily, {}) != _paired_difference(daily, {})  # nan: no floor
