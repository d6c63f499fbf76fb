"""The refresh benchmark: full refresh, daily refresh and the hand-written pass, one run.

On a year of generated daily exports (``aftersales-generate --batch-days 1``):

1. the **hand-written pass** computes the headline KPIs over all the files, before any
   warehouse exists (its spill and the warehouse never share the disk: at 10 M work orders
   they are more than 27 GB and 32 GB, ``disk.py``); its rows are kept for step 5;
2. the last export batch is held back; a **full refresh** from an empty warehouse and an
   empty serving directory runs its stages (ingest, ``dbt build``, GX, publish);
3. the batch is put back and the **daily refresh** runs the same stages on top of it
   (only the new files are ingested; dbt rebuilds what it rebuilds);
4. a **refresh with no new file** runs the same stages once more: what every refresh
   pays whatever arrived (dbt's nodes, the known-outcome windows the as-of time reopens,
   the GX checkpoints, the publish), the floor under the daily refresh;
5. the hand-written pass's rows are compared with ``marts.kpi_values`` (untimed), which
   now holds every file too.

The hand-written pass and every ingest start with the landing files out of the page cache
(``page_cache.py``), so the two reads that the full / hand-written ratio compares start
from the same state in every run.

Every stage runs in its own process (``child.py``), so each has its own peak memory; a
stage that fails or dies stops the run, and the report says which, why and at what peak.
``repeat`` repeats steps 1 to 5 (the generated data stays); the report gives medians.
"""

from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.benchmark.child import StageRun, run_in_child
from orchestration.benchmark.dbt_timing import median_breakdown, median_node_times
from orchestration.benchmark.holdback import hold_back, put_back
from orchestration.benchmark.page_cache import evict_files
from orchestration.benchmark.sizing import Sizing
from orchestration.config import Settings
from orchestration.defs.dbt.incremental import full_refresh_threads

REFRESH_STAGES = ("ingest", "dbt_build", "gx", "publish")
MODES = ("full", "daily", "unchanged")  # "unchanged": a refresh with no new file
DAILY_TARGET = 0.10  # daily / full (issue 12)
HAND_PASS_TARGET = 3.0  # full / hand-written pass (issue 12)
DEFAULT_MEMORY_BUDGET_GIB = 8.0


class StageFailed(RuntimeError):
    def __init__(self, run: StageRun) -> None:
        super().__init__(run.error)
        self.run = run


@dataclass
class Runs:
    """Every run of every stage, by mode (``full``, ``daily``, ``unchanged``, ``hand``,
    ``setup``)."""

    by_mode: dict[str, dict[str, list[StageRun]]] = field(default_factory=dict)
    held_back: list[str] = field(default_factory=list)
    failure: StageRun | None = None
    not_run: list[str] = field(default_factory=list)
    evicted: dict[str, Any] = field(default_factory=dict)  # the last eviction of the landing

    def add(self, mode: str, run: StageRun) -> None:
        self.by_mode.setdefault(mode, {}).setdefault(run.stage, []).append(run)


@dataclass(frozen=True)
class BenchConfig:
    sizing: Sizing
    workdir: Path
    repeat: int = 1
    seed: int = 42
    threads: int | None = None
    memory_budget_gib: float = DEFAULT_MEMORY_BUDGET_GIB
    reuse_landing: bool = False  # reuse the work directory's landing (landing_record.py)


def bench_settings(workdir: Path) -> Settings:
    return Settings(
        landing_dir=workdir / "landing",
        warehouse_dir=workdir / "warehouse",
        serving_dir=workdir / "serving",
        as_of=None,
    )


def child_env(settings: Settings, workdir: Path, threads: int | None) -> dict[str, str]:
    """The stages' environment: the settings as the refresh passes them to dbt, dbt's
    artifacts in the work directory, no settle time (the files are complete)."""
    env = {**os.environ, **settings.dbt_env()}
    env["DBT_TARGET_PATH"] = str(workdir / "dbt_target")
    env["DBT_LOG_PATH"] = str(workdir / "dbt_target" / "logs")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["AFTERSALES_LANDING_SETTLE_SECONDS"] = "0"
    if threads:
        env["AFTERSALES_DBT_THREADS"] = str(threads)
    return env


def run_benchmark(config: BenchConfig) -> dict[str, Any]:
    workdir = config.workdir
    settings = bench_settings(workdir)
    env = child_env(settings, workdir, config.threads)
    spec = {
        "landing_dir": str(settings.landing_dir),
        "warehouse_dir": str(settings.warehouse_dir),
        "serving_dir": str(settings.serving_dir),
        "dbt_target_dir": env["DBT_TARGET_PATH"],
        "log": str(workdir / "dbt.log"),
        "workdir": str(workdir),
        "seed": config.seed,
        "reuse_landing": config.reuse_landing,
        **config.sizing.as_json(),
    }
    runs = Runs()
    plan = _plan(config.repeat)
    try:
        for index, (mode, stage, repeat_index) in enumerate(plan):
            runs.not_run = [f"{m} {s}" for m, s, _ in plan[index:]]
            _before(mode, stage, settings, workdir, runs)
            stage_spec = spec
            if mode == "hand":
                stage_spec = {**spec, "hand_rows": str(hand_rows_path(workdir, repeat_index))}
            run = run_in_child(stage, stage_spec, workdir, env, f"{mode}-{stage}-{repeat_index}")
            runs.add(mode, run)
            if not run.ok:
                raise StageFailed(run)
        runs.not_run = []
    except StageFailed as failed:
        runs.failure = failed.run
        runs.not_run = runs.not_run[1:]
        _restore(settings, workdir)
    return build_report(config, runs)


def _restore(settings: Settings, workdir: Path) -> None:
    """After a failure: any held-back file goes back to the landing directory."""
    held = held_back_dir(workdir)
    if held.is_dir():
        files = [p.relative_to(held).as_posix() for p in held.rglob("*") if p.is_file()]
        put_back(settings.landing_dir, held, files)


def held_back_dir(workdir: Path) -> Path:
    """Where the last export batch waits while the full refresh runs without it."""
    return workdir / "held_back"


def hand_rows_path(workdir: Path, repeat_index: int) -> Path:
    """Where the hand-written pass of a repeat leaves its rows for the comparison."""
    return workdir / "runs" / f"hand-rows-{repeat_index}.json"


def _plan(repeat: int) -> list[tuple[str, str, int]]:
    plan = [("setup", "generate", 0), ("setup", "prepare", 0)]
    for index in range(repeat):
        plan.append(("hand", "hand_pass", index))
        for mode in MODES:
            plan += [(mode, stage, index) for stage in REFRESH_STAGES]
        plan.append(("hand", "compare", index))
    return plan


def _before(mode: str, stage: str, settings: Settings, workdir: Path, runs: Runs) -> None:
    """Empty the build before the hand-written pass; start a full refresh from nothing
    with the last batch held back; put it back before the daily refresh."""
    held = held_back_dir(workdir)
    if mode == "setup" and stage == "generate" and settings.landing_dir.is_dir():
        _restore(settings, workdir)  # files an earlier run held back and did not put back
    elif mode == "hand" and stage == "hand_pass":
        # the previous repeat's build is not needed any more: its disk goes to the spill
        _empty_build(settings)
    elif mode == "full" and stage == "ingest":
        _empty_build(settings)
        runs.held_back = hold_back(settings.landing_dir, held)
    elif mode == "daily" and stage == "ingest":
        put_back(settings.landing_dir, held, runs.held_back)
    if stage in ("hand_pass", "ingest"):
        runs.evicted = evict_files(settings.landing_dir).as_json()


def _empty_build(settings: Settings) -> None:
    """Remove the warehouse and the served builds."""
    for directory in (settings.warehouse_dir, settings.serving_dir):
        shutil.rmtree(directory, ignore_errors=True)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


def _mode_summary(stages: dict[str, list[StageRun]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, stage_runs in stages.items():
        ok = [run for run in stage_runs if run.ok]
        entry: dict[str, Any] = {
            "median_s": _median([run.seconds for run in ok]),
            "runs_s": [round(run.seconds, 3) for run in ok],
            "peak_rss_mb": max((run.peak_mb for run in stage_runs), default=0.0),
            "child_wall_median_s": _median([run.wall_seconds for run in ok]),
        }
        if ok:
            entry["detail"] = ok[-1].detail
        if name == "dbt_build" and ok:
            entry["by_group"] = median_breakdown([run.detail["by_group"] for run in ok])
            entry["node_s"] = median_node_times([run.detail.get("node_s", {}) for run in ok])
            # the scope is the same in every repeat (the same files): the last run's
            entry["detail"] = {"args": ok[-1].detail["args"], "scope": ok[-1].detail.get("scope")}
        out[name] = entry
    return out


def _repeat_totals(stages: dict[str, list[StageRun]]) -> list[float]:
    """The sum of the refresh stages of each repeat (none unless every stage succeeded)."""
    counts = [len(stages.get(name, [])) for name in REFRESH_STAGES]
    if min(counts) == 0 or not all(run.ok for name in REFRESH_STAGES for run in stages[name]):
        return []
    return [sum(stages[name][i].seconds for name in REFRESH_STAGES) for i in range(min(counts))]


def _total(stages: dict[str, list[StageRun]]) -> float:
    """Median over repeats of the sum of the refresh stages of one repeat."""
    return _median(_repeat_totals(stages))


def _paired_difference(
    minuend: dict[str, list[StageRun]], subtrahend: dict[str, list[StageRun]]
) -> float:
    """Median over repeats of one refresh's total less the other's in the same repeat
    (the machine's speed changes between repeats, not within one)."""
    pairs = zip(_repeat_totals(minuend), _repeat_totals(subtrahend), strict=False)
    return _median([first - second for first, second in pairs])


def _ratio(numerator: float, denominator: float) -> float:
    """Not rounded: the report's verdict compares it with the target as measured (a
    daily refresh of 0.1003 full refreshes is over 0.10, though it rounds to 0.100)."""
    if denominator != denominator or numerator != numerator or denominator <= 0:
        return float("nan")
    return numerator / denominator


def build_report(config: BenchConfig, runs: Runs) -> dict[str, Any]:
    modes = {mode: _mode_summary(stages) for mode, stages in runs.by_mode.items()}
    totals = {mode: _total(runs.by_mode.get(mode, {})) for mode in MODES}
    ingests = {mode: modes.get(mode, {}).get("ingest", {}).get("detail", {}) for mode in MODES}
    hand_stages = modes.get("hand", {})
    hand = hand_stages.get("hand_pass", {})
    comparison = hand_stages.get("compare", {}).get("detail", {}).get("comparison")
    if hand and comparison:
        hand = {**hand, "detail": {**hand.get("detail", {}), "comparison": comparison}}
    hand_s = hand.get("median_s", float("nan"))
    setup = modes.get("setup", {})
    generated = setup.get("generate", {}).get("detail", {})
    budget_mb = config.memory_budget_gib * 1024
    over_budget = [
        f"{mode} {stage}: {entry['peak_rss_mb']:.0f} MiB"
        for mode, stages in modes.items()
        for stage, entry in stages.items()
        if entry["peak_rss_mb"] > budget_mb
    ]
    return {
        "requested_work_orders": config.sizing.work_orders,
        "sizing": config.sizing.as_json(),
        "work_orders": generated.get("work_orders"),
        "files": generated.get("files"),
        "raw_rows": generated.get("rows"),
        "repeat": config.repeat,
        "dbt_threads": int(config.threads or os.environ.get("AFTERSALES_DBT_THREADS") or 2),
        "dbt_full_refresh_threads": full_refresh_threads(),
        "held_back": runs.held_back,
        "setup": setup,
        **{mode: modes.get(mode, {}) for mode in MODES},
        "hand_pass": hand,
        "hand_compare": hand_stages.get("compare", {}),
        "totals_s": {**totals, "hand_pass": hand_s},
        "ratios": {
            **{
                f"{mode}_over_full": _ratio(totals[mode], totals["full"])
                for mode in MODES
                if mode != "full"
            },
            # the daily refresh less the floor: what the day's batch itself cost
            "arrived_over_full": _ratio(
                _paired_difference(
                    runs.by_mode.get("daily", {}), runs.by_mode.get("unchanged", {})
                ),
                totals["full"],
            ),
            "daily_target": DAILY_TARGET,
            "full_over_hand_pass": _ratio(totals["full"], hand_s),
            "hand_pass_target": HAND_PASS_TARGET,
        },
        "daily_ingested_only_held_back": (
            sorted(ingests["daily"].get("files_loaded", [])) == sorted(runs.held_back)
            if ingests["daily"]
            else None
        ),
        "unchanged_ingested_nothing": (
            ingests["unchanged"].get("files_loaded") == [] if ingests["unchanged"] else None
        ),
        "landing_evicted_from_page_cache": runs.evicted,
        "memory_budget_mb": budget_mb,
        "over_memory_budget": over_budget,
        "failure": runs.failure.error if runs.failure else None,
        "not_run": runs.not_run,
        "succeeded": runs.failure is None,
    }
