"""``orchestration/benchmark/report.py`` and the ratios it judges: a ratio is compared with
its target unrounded, and printed with enough decimals to show one just over it."""

from __future__ import annotations

from pathlib import Path

from bench_runs import stage_runs

from orchestration.benchmark.refresh_bench import (
    DAILY_TARGET,
    BenchConfig,
    Runs,
    build_report,
)
from orchestration.benchmark.report import ratio_text, verdict
from orchestration.benchmark.sizing import YEAR_DAYS, choose_sizing


def test_a_ratio_just_over_its_target_is_over_it(tmp_path: Path) -> None:
    # the 10 M medians of c74b757: 123.02 s against 1,226.72 s, 0.10028, which rounds to
    # 0.100 and was reported as meeting the target
    config = BenchConfig(sizing=choose_sizing(100_000, YEAR_DAYS), workdir=tmp_path)
    runs = Runs()
    for mode, total in {"full": 1226.72, "daily": 123.02, "unchanged": 64.19}.items():
        runs.by_mode[mode] = stage_runs([total])
    report = build_report(config, runs)
    ratio = report["ratios"]["daily_over_full"]
    assert ratio == 123.02 / 1226.72
    assert verdict(ratio, DAILY_TARGET) == "over the target"
    assert ratio_text(ratio) == "0.1003"


def test_a_ratio_at_or_under_its_target_meets_it() -> None:
    assert verdict(0.1, DAILY_TARGET) == "meets the target"
    assert verdict(0.0999, DAILY_TARGET) == "meets the target"
    assert verdict(float("nan"), DAILY_TARGET) == "not measured"
    assert ratio_text(float("nan")) == "-"
