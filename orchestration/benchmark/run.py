"""``aftersales-benchmark``: time every stage of a refresh on generated data.

Generates about ``--work-orders`` work orders with the sample generator (punches, part
lines and follow-ups come in proportion), then times generate, ingest, ``dbt build``,
the GX suite and publish, each ``--repeat`` times (medians reported). ``dbt build`` is
broken down from ``run_results.json`` by model folder (staging / intermediate / marts),
seeds, data tests and unit tests: ``busy`` is the sum of the nodes' execution times,
``span`` the wall time from the group's first node start to its last node end (dbt runs
tests as soon as their model is built, so the spans of groups overlap). Throughput: raw
rows ingested per second, and work orders per second end to end (ingest + dbt build + GX +
publish, generation excluded). Peak memory is the maximum resident set size of this
process and of its largest child process (dbt, the generator), from ``getrusage``.

Everything runs in a temporary directory (``--keep`` keeps it; ``--workdir`` chooses it).

``--dashboard SERVED_FILE`` times the dashboard instead: every board's render from that
served file, cold and warm, the static report, and with ``--browser`` each board in headless
Chromium (``orchestration/dashboard/timing.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from orchestration.benchmark.dbt_timing import (
    dbt_breakdown,
    dbt_env,
    median_breakdown,
    run_dbt,
)
from orchestration.config import PROJECT_DIR, Settings
from orchestration.contract import TABLES

T = TypeVar("T")


@dataclass(frozen=True)
class Sizing:
    branches: int
    days: int
    orders_per_day: int

    @property
    def work_orders(self) -> int:
        return self.branches * self.days * self.orders_per_day


def choose_sizing(work_orders: int) -> Sizing:
    """Branches, days and orders per branch-day that give about ``work_orders`` tickets.

    Up to 20 000 tickets: 4 branches; up to 200 000: 8; above: 16. Days grow up to a year
    at about 40 orders per branch and day, then orders per day grow.
    """
    if work_orders < 1:
        raise ValueError("--work-orders must be positive")
    branches = 4 if work_orders <= 20_000 else 8 if work_orders <= 200_000 else 16
    branches = min(branches, work_orders)
    days = max(1, min(365, math.ceil(work_orders / (branches * 40))))
    orders_per_day = max(1, round(work_orders / (branches * days)))
    return Sizing(branches, days, orders_per_day)


@dataclass
class Stage:
    name: str
    seconds: list[float] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def timed(stage: Stage, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = action()
    stage.seconds.append(time.perf_counter() - started)
    return value


def peak_rss_mb() -> dict[str, float]:
    """Max RSS of this process and of its largest waited-for child, in MiB (Linux: KiB)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 2**20
    return {"self_mb": round(own, 1), "children_mb": round(children, 1)}


def generate(out: Path, sizing: Sizing, seed: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    command = [
        sys.executable,
        "-m",
        "orchestration.sample_data.cli",
        "--out",
        str(out),
        "--days",
        str(sizing.days),
        "--branches",
        str(sizing.branches),
        "--orders-per-day",
        str(sizing.orders_per_day),
        "--seed",
        str(seed),
    ]
    subprocess.run(command, check=True, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL)


def raw_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = {
            name: int(con.execute(f"select count(*) from raw.{name}").fetchone()[0])
            for name in TABLES
        }
        counts["distinct_tickets"] = int(
            con.execute("select count(distinct ticket_id) from raw.tickets").fetchone()[0]
        )
    return counts


def _run_gx(warehouse_path: Path) -> Any:
    """The kpi_values suite, read through a read-only connection as in the refresh."""
    from orchestration.quality.kpi_values_suite import run_suite

    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        return run_suite(con)


def run_benchmark(
    work_orders: int, workdir: Path, *, repeat: int = 1, seed: int = 42, threads: int | None = None
) -> dict[str, Any]:
    from orchestration.engines.duckdb.ingest import ingest_landing
    from orchestration.serving.publish import publish

    sizing = choose_sizing(work_orders)
    landing = workdir / "landing"
    settings = Settings(
        landing_dir=landing,
        warehouse_dir=workdir / "warehouse",
        serving_dir=workdir / "serving",
        as_of=None,
    )
    stages = {name: Stage(name) for name in ("generate", "ingest", "dbt_build", "gx", "publish")}

    for _ in range(repeat):
        timed(stages["generate"], lambda: generate(landing, sizing, seed))

    for _ in range(repeat):
        if settings.warehouse_dir.exists():
            shutil.rmtree(settings.warehouse_dir)
        report = timed(
            stages["ingest"], lambda: ingest_landing(settings.landing_dir, settings.warehouse_path)
        )
    counts = raw_counts(settings.warehouse_path)
    raw_rows = sum(counts[name] for name in TABLES)
    stages["ingest"].detail = {"files": len(report.files_loaded), "raw_rows": raw_rows}

    target = workdir / "dbt_target"
    env = dbt_env(settings, target, threads)
    log = workdir / "dbt.log"
    run_dbt(["parse"], env, log)  # not timed: the builds below parse partially
    breakdowns = []
    for _ in range(repeat):
        timed(stages["dbt_build"], lambda: run_dbt(["build"], env, log))
        breakdowns.append(dbt_breakdown(target))
    stages["dbt_build"].detail = {"by_group": median_breakdown(breakdowns)}

    for _ in range(repeat):
        suite = timed(stages["gx"], lambda: _run_gx(settings.warehouse_path))
    stages["gx"].detail = {
        "success": suite.success,
        "rows": suite.row_count,
        "expectations": len(suite.outcomes),
    }

    for _ in range(repeat):
        published = timed(
            stages["publish"], lambda: publish(settings.warehouse_path, settings.serving_dir)
        )
    stages["publish"].detail = {"bytes": published.bytes_copied}

    pipeline_s = sum(stages[name].median for name in ("ingest", "dbt_build", "gx", "publish"))
    tickets = counts["distinct_tickets"]
    return {
        "requested_work_orders": work_orders,
        "sizing": {
            "branches": sizing.branches,
            "days": sizing.days,
            "orders_per_day": sizing.orders_per_day,
        },
        "work_orders": tickets,
        "raw_rows": counts,
        "repeat": repeat,
        "dbt_threads": int(env.get("AFTERSALES_DBT_THREADS", "2")),
        "stages": {
            name: {
                "median_s": round(stage.median, 3),
                "runs_s": [round(s, 3) for s in stage.seconds],
                **stage.detail,
            }
            for name, stage in stages.items()
        },
        "throughput": {
            "raw_rows_ingested_per_s": round(raw_rows / stages["ingest"].median, 1),
            "work_orders_per_s_end_to_end": round(tickets / pipeline_s, 1),
            "pipeline_s": round(pipeline_s, 3),
        },
        "peak_rss": peak_rss_mb(),
        "gx_passed": suite.success,
    }


def format_report(report: dict[str, Any]) -> str:
    stages = report["stages"]
    sizing = report["sizing"]
    lines = [
        f"work orders: {report['work_orders']} "
        f"({sizing['branches']} branches x {sizing['days']} days x "
        f"{sizing['orders_per_day']} per day), raw rows: "
        f"{sum(v for k, v in report['raw_rows'].items() if k != 'distinct_tickets')}, "
        f"repeat: {report['repeat']}, dbt threads: {report['dbt_threads']}",
        "",
        f"{'stage':<24}{'median s':>10}",
        f"{'-' * 24}{'-' * 10}",
    ]
    for name, stage in stages.items():
        lines.append(f"{name:<24}{stage['median_s']:>10.2f}")
        if name == "dbt_build":
            for group, numbers in stage["by_group"].items():
                lines.append(
                    f"  {group:<22}{numbers['span_s']:>10.2f}   "
                    f"(busy {numbers['busy_s']:.2f}s, {int(numbers['nodes'])} nodes)"
                )
    throughput = report["throughput"]
    lines += [
        "",
        f"raw rows ingested / s         {throughput['raw_rows_ingested_per_s']:>12,.0f}",
        f"work orders / s (end to end)  {throughput['work_orders_per_s_end_to_end']:>12,.1f}"
        f"   (ingest → publish: {throughput['pipeline_s']:.1f}s)",
        f"peak RSS: this process {report['peak_rss']['self_mb']:.0f} MiB, "
        f"largest child {report['peak_rss']['children_mb']:.0f} MiB",
        f"GX suite passed: {report['gx_passed']}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="aftersales-benchmark", description="Time each refresh stage on generated data."
    )
    parser.add_argument("--work-orders", type=int, help="about how many tickets")
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
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    parser.add_argument("--workdir", type=Path, help="work here instead of a temp directory")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
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
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        report = run_benchmark(
            args.work_orders,
            workdir.resolve(),
            repeat=args.repeat,
            seed=args.seed,
            threads=args.threads,
        )
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        print(f"work directory kept: {workdir}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"\nJSON report: {args.json}")
    if args.keep:
        print(f"work directory kept: {workdir}")
    elif args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
