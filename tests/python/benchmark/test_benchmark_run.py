"""``aftersales-benchmark`` end to end at a tiny size (one real full refresh, daily refresh
and refresh with no new file: three ``dbt build`` runs, so a few minutes on a loaded 2-core
machine): the report has every stage of each refresh with its time and peak memory, the
hand-written pass, the ratios; the daily run ingested only the held-back batch and the
last run no file; ``--json`` writes the same report."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest

from orchestration.benchmark.refresh_bench import REFRESH_STAGES
from orchestration.benchmark.run import main


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, Path]:
    base = tmp_path_factory.mktemp("bench_run")
    out = base / "report.json"
    code = main(
        [
            "--work-orders",
            "200",
            "--days",
            "25",
            "--workdir",
            str(base / "work"),
            "--json",
            str(out),
        ]
    )
    return code, json.loads(out.read_text(encoding="utf-8")), base


def test_the_run_succeeds_and_measures_every_stage_of_each_refresh(run) -> None:
    code, report, _ = run
    assert code == 0 and report["succeeded"], report["failure"]
    for mode in ("full", "daily", "unchanged"):
        assert set(report[mode]) == set(REFRESH_STAGES), mode
        for stage, entry in report[mode].items():
            assert entry["median_s"] > 0, (mode, stage)
            assert entry["peak_rss_mb"] > 20, (mode, stage)
        assert set(report["full"]["dbt_build"]["by_group"]) >= {"staging", "marts", "data_tests"}
        # every node's own time, adding up to the layers' busy seconds (one run each)
        node_s = report[mode]["dbt_build"]["node_s"]
        busy = sum(group["busy_s"] for group in report[mode]["dbt_build"]["by_group"].values())
        assert "model kpi_values" in node_s and "model int_builds_scoped" in node_s, mode
        assert sum(node_s.values()) == pytest.approx(busy, abs=0.01 * len(node_s)), mode
        # the refresh's dbt arguments: no unit tests, no invariant tests (D-131)
        assert "unit_tests" not in report[mode]["dbt_build"]["by_group"]
        assert not [n for n in node_s if "assert_every_punch_paired_or_orphaned" in n], mode
        # the full refresh is a first build (no incremental state): --full-refresh, one
        # node at a time (D-114)
        args = report[mode]["dbt_build"]["detail"]["args"]
        full = ["--threads", "1", "--full-refresh"]
        expected = ["--target", "duckdb", *(full if mode == "full" else [])]
        assert args[2:] == ["unit_test", "--exclude", "tag:invariant", *expected], args
        assert report[mode]["gx"]["detail"]["passed"]
    assert report["hand_pass"]["median_s"] > 0


def test_each_build_reports_which_days_it_recomputed(run) -> None:
    _, report, _ = run
    full = report["full"]["dbt_build"]["detail"]["scope"]
    daily = report["daily"]["dbt_build"]["detail"]["scope"]
    assert full["reason"] == "full refresh" and full["recompute_from"] is None
    assert daily["reason"] == "changed days"
    # incremental: a first day and the days from it to the as-of date (at 25 days of data
    # the 31-day known-outcome window reaches back before the first day)
    first, as_of = date.fromisoformat(daily["recompute_from"]), daily["as_of"][:10]
    assert daily["days"] == (date.fromisoformat(as_of) - first).days + 1 >= 1, daily
    assert daily["built_at"] > full["built_at"]
    # no new file: the same as-of time, the known-outcome window only (no more days than
    # the daily build, whose new rows may reach further back), built later
    unchanged = report["unchanged"]["dbt_build"]["detail"]["scope"]
    assert unchanged["reason"] == "changed days"
    assert unchanged["as_of"] == daily["as_of"]
    assert unchanged["recompute_from"] >= daily["recompute_from"]
    assert unchanged["built_at"] > daily["built_at"]


def test_the_ratios_are_computed_from_the_totals(run) -> None:
    _, report, _ = run
    totals, ratios = report["totals_s"], report["ratios"]
    full = sum(report["full"][stage]["median_s"] for stage in REFRESH_STAGES)
    assert totals["full"] == pytest.approx(full, abs=5e-3)  # one repeat: the sum (rounded)
    assert ratios["daily_over_full"] == pytest.approx(totals["daily"] / totals["full"], rel=1e-3)
    assert ratios["unchanged_over_full"] == pytest.approx(
        totals["unchanged"] / totals["full"], rel=1e-3
    )
    # what the day's batch cost beyond the floor (negative if noise outweighs it)
    assert ratios["arrived_over_full"] == pytest.approx(
        (totals["daily"] - totals["unchanged"]) / totals["full"], rel=1e-3, abs=2e-3
    )
    assert ratios["full_over_hand_pass"] == pytest.approx(
        totals["full"] / totals["hand_pass"], rel=1e-3
    )
    assert not any(math.isnan(value) for value in ratios.values())


def test_the_daily_run_ingested_only_the_held_back_batch(run) -> None:
    _, report, base = run
    held = report["held_back"]
    assert held and all(name.count("/") == 1 for name in held)
    assert report["daily_ingested_only_held_back"] is True
    assert sorted(report["daily"]["ingest"]["detail"]["files_loaded"]) == sorted(held)
    assert not set(report["full"]["ingest"]["detail"]["files_loaded"]) & set(held)
    for name in held:  # put back: the landing directory is whole again
        assert (base / "work" / "landing" / name).is_file()


def test_the_refresh_with_no_new_file_ingested_nothing(run) -> None:
    _, report, _ = run
    assert report["unchanged_ingested_nothing"] is True
    ingest = report["unchanged"]["ingest"]["detail"]
    assert ingest["files_loaded"] == [] and ingest["rows_loaded"] == 0
    assert ingest["files_rejected"] == 0


def test_the_hand_pass_is_checked_against_kpi_values(run) -> None:
    _, report, _ = run
    comparison = report["hand_pass"]["detail"]["comparison"]
    assert comparison["max_value_diff"] <= 0.005
    assert all(entry["matched"] > 0 for entry in comparison["by_kpi"].values())


def test_the_text_report_names_every_stage_and_ratio(run) -> None:
    from orchestration.benchmark.report import format_report

    _, report, _ = run
    text = format_report(report)
    for label in (
        "ingest",
        "dbt build",
        "GX suites",
        "publish",
        "refresh total",
        "hand-written pass",
        "daily / full",
        "no new file / full",
        "what arrived / full",
        "no new file s",
        "full / hand-written",
        "peak MiB",
    ):
        assert label in text, label
    assert "daily ingest loaded exactly the held-back files: yes" in text
    assert "full build: every KPI day recomputed (full refresh)" in text
    assert "daily build: KPI days recomputed from " in text
    assert "no new file build: KPI days recomputed from " in text
    assert "the refresh with no new file loaded no file: yes" in text
    assert "largest dbt nodes" in text
    assert "what the daily batch added per dbt node (daily less no new file;" in text
    files = report["landing_evicted_from_page_cache"]["files"]
    assert files >= report["files"] > 0  # the export files and the generator's record
    assert f"started with the landing's {files} files (" in text


def test_the_hand_pass_ran_first_and_was_compared_last(run) -> None:
    _, report, base = run
    runs = base / "work" / "runs"
    ended = {
        path.name.removesuffix(".result.json"): path.stat().st_mtime
        for path in runs.glob("*.result.json")
    }
    assert ended["hand-hand_pass-0"] < ended["full-ingest-0"]
    assert ended["hand-compare-0"] > ended["unchanged-publish-0"]
    # the rows it kept are those it computed, and the comparison is reported with the pass
    kept = json.loads((runs / "hand-rows-0.json").read_text(encoding="utf-8"))
    assert len(kept) == report["hand_pass"]["detail"]["rows"] > 0
    assert report["hand_pass"]["detail"]["comparison"]["by_kpi"]
