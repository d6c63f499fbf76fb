"""``aftersales-benchmark``: what a refresh costs, stage by stage, on generated data.

``--work-orders N`` generates a year of daily exports (``aftersales-generate --batch-days
1``) of about N work orders and measures, in one run (``refresh_bench.py``): a full refresh
from an empty warehouse with the last export batch held back, then the daily refresh of
that batch, then a refresh with no new file (the floor under a daily refresh), each as
ingest / ``dbt build`` (the refresh's arguments; per layer from
``run_results.json``) / GX suites / publish, each stage in its own process with its own
peak memory; and, first, the hand-written DuckDB pass over the same files
(``hand_pass.py``), checked against ``marts.kpi_values`` once it is built. The report
gives medians over ``--repeat`` runs and the ratios daily/full and full/hand-written pass
against issue 12's targets (<= 10 %, <= 3); ``--json`` writes it as JSON. A stage that
fails or dies (e.g. out of memory) is named with its exit status and peak, and the command
exits 1. Before all that, the disk the run needs is checked (``disk.py``).

Everything runs in a temporary directory (``--keep`` keeps it; ``--workdir`` chooses it).

``--dashboard SERVED_FILE`` times the dashboard instead: every board's render from that
served file, cold and warm, the static report, and with ``--browser`` each board in headless
Chromium (``orchestration/dashboard/timing.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.benchmark.disk import disk_problem, replaced_bytes
from orchestration.benchmark.refresh_bench import (
    DEFAULT_MEMORY_BUDGET_GIB,
    BenchConfig,
    run_benchmark,
)
from orchestration.benchmark.report import format_report
from orchestration.benchmark.sizing import YEAR_DAYS, choose_sizing


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="aftersales-benchmark",
        description=(
            "Full refresh, daily refresh and a refresh with no new file, stage by stage, "
            "against a hand-written pass."
        ),
    )
    parser.add_argument("--work-orders", type=int, help="about how many tickets")
    parser.add_argument(
        "--days", type=int, default=YEAR_DAYS, help="days of daily exports (default: a year)"
    )
    parser.add_argument(
        "--dashboard",
        type=Path,
        metavar="SERVED_FILE",
        help="time the dashboard boards and the report on this served file instead",
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="with --dashboard: also time each board in headless Chromium (dev extra)",
    )
    parser.add_argument(
        "--report-period", default=None, help="period of the timed report (default: last month)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per stage (median shown)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, help="dbt threads (default: profile's, 2)")
    parser.add_argument(
        "--memory-budget-gib",
        type=float,
        default=DEFAULT_MEMORY_BUDGET_GIB,
        help="flag any stage whose peak RSS is above this (default 8)",
    )
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--workdir", type=Path, help="work here instead of a temp directory")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--reuse-landing",
        action="store_true",
        help="with --workdir: reuse the landing an earlier run generated there with the same "
        "sizes and seed (its record, landing.json, must match every file); else generate",
    )
    parser.add_argument(
        "--skip-disk-check",
        action="store_true",
        help="run even if the work directory's disk seems too small for the run",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.reuse_landing and args.workdir is None:
        parser.error("--reuse-landing needs --workdir (the work directory of the earlier run)")
    if args.work_orders is None and args.dashboard is None:
        parser.error("give --work-orders (refresh stages) or --dashboard SERVED_FILE")
    return args


def run_dashboard_benchmark(args: argparse.Namespace) -> int:
    from orchestration.dashboard.timing import format_timings, time_boards, time_report

    served = args.dashboard.resolve()
    if not served.is_file():
        print(f"benchmark failed: no served file at {served}", file=sys.stderr)
        return 1
    result = time_boards(served, repeat=args.repeat)
    if args.browser:
        from orchestration.dashboard.timing import time_boards_in_browser

        result["browser"] = time_boards_in_browser(served, repeat=args.repeat)
    period = args.report_period
    if period is None:
        with duckdb.connect(str(served), read_only=True) as con:
            row = con.execute(
                "select max(period_start) from marts.kpi_values "
                "where grain = 'month' and is_period_complete"
            ).fetchone()
        period = row[0].strftime("%Y-%m")
    result["report_period"] = period
    result["report_s"] = time_report(served, period, repeat=args.repeat)
    print(format_timings(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
        print(f"\nJSON report: {args.json}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.dashboard is not None:
        return run_dashboard_benchmark(args)
    try:
        sizing = choose_sizing(args.work_orders, args.days)
    except ValueError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if not args.skip_disk_check:
        problem = disk_problem(workdir, sizing.work_orders, already_used=replaced_bytes(workdir))
        if problem:
            print(f"benchmark failed: {problem}", file=sys.stderr)
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
            return 2
    config = BenchConfig(
        sizing=sizing,
        workdir=workdir.resolve(),
        repeat=args.repeat,
        seed=args.seed,
        threads=args.threads,
        memory_budget_gib=args.memory_budget_gib,
        reuse_landing=args.reuse_landing,
    )
    report = run_benchmark(config)
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        print(f"\nJSON report: {args.json}")
    if not report["succeeded"]:
        print(f"work directory kept: {workdir}", file=sys.stderr)
        return 1
    if args.keep:
        print(f"work directory kept: {workdir}")
    elif args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
