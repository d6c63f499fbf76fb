"""A stage's peak memory (orchestration/benchmark/child.py)."""

from __future__ import annotations

from orchestration.benchmark.child import StageRun


def test_a_stage_peak_is_its_largest_process_or_what_its_processes_held_at_once() -> None:
    alone = StageRun("gx", True, 1.0, 1.0, peak_rss_mb=900.0, subprocess_peak_rss_mb=2700.0)
    assert alone.peak_mb == 2700.0
    # two GX workers of 2,700 and 2,500 MiB beside a parent of 180: the sum, not the largest
    side_by_side = StageRun(
        "gx",
        True,
        1.0,
        1.0,
        peak_rss_mb=900.0,
        subprocess_peak_rss_mb=2700.0,
        detail={"concurrent_peak_rss_mb": 5380.0},
    )
    assert side_by_side.peak_mb == 5380.0
    assert (
        StageRun("gx", True, 1.0, 1.0, 900.0, detail={"concurrent_peak_rss_mb": 0.0}).peak_mb
        == 900.0
    )
