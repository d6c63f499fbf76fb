"""The benchmark's stages, each run in a child process (``orchestration/benchmark/child.py``).

Each takes the run's spec (a JSON object: the settings' directories, the dbt target path,
sizes) and returns ``(seconds, detail)``: the seconds of the work itself, imports and set-up
excluded. They call what the refresh calls: ``engine_for(settings).ingest()``, ``dbt`` with
``DBT_BUILD_ARGS`` and the engine's target, the GX suites of the refresh's asset checks read
through ``engine.read_build()`` / ``engine.read_served()``, ``engine.publish``.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestration.config import Settings

Spec = dict[str, Any]
Result = tuple[float, dict[str, Any]]


def settings_of(spec: Spec) -> Settings:
    return Settings(
        landing_dir=Path(spec["landing_dir"]),
        warehouse_dir=Path(spec["warehouse_dir"]),
        serving_dir=Path(spec["serving_dir"]),
        as_of=spec.get("as_of"),
    )


def generate_stage(spec: Spec) -> Result:
    """Generate the landing into an empty folder and record it (``landing_record.py``); with
    ``reuse_landing``, reuse the work directory's landing instead when its record allows."""
    from orchestration.benchmark import landing_record
    from orchestration.benchmark.refresh_bench import held_back_dir
    from orchestration.sample_data.generator import generate

    workdir, landing = Path(spec["workdir"]), Path(spec["landing_dir"])
    parameters = landing_record.parameters_of(spec)
    not_reused = ""
    if spec.get("reuse_landing"):
        record, not_reused = landing_record.reusable(workdir, landing, parameters)
        if record is not None:
            reused = f"generated at {record['generated_at']} in {record['seconds']:.0f} s"
            return 0.0, {**record["detail"], "reused": reused}
    landing_record.forget(workdir)
    shutil.rmtree(landing, ignore_errors=True)
    shutil.rmtree(held_back_dir(workdir), ignore_errors=True)  # of the landing just removed
    started = time.perf_counter()
    summary = generate(landing, **parameters, batch_days=1)
    seconds = time.perf_counter() - started
    detail: dict[str, Any] = {
        "files": len(summary.files),
        "bytes": summary.bytes_written,
        "work_orders": summary.work_orders,
        "rows": summary.rows,
    }
    landing_record.write(workdir, landing, parameters, seconds, detail)
    if not_reused:
        detail["not_reused"] = not_reused
    return seconds, detail


def prepare_stage(spec: Spec) -> Result:
    """``dbt parse`` (or the reused manifest), as ``aftersales-refresh`` does before its job."""
    from orchestration.defs.dbt.project import prepare_manifest

    started = time.perf_counter()
    manifest = prepare_manifest(settings_of(spec))
    return time.perf_counter() - started, {"manifest": str(manifest)}


def ingest_stage(spec: Spec) -> Result:
    from orchestration.engines import engine_for

    engine = engine_for(settings_of(spec))
    started = time.perf_counter()
    report = engine.ingest()
    seconds = time.perf_counter() - started
    return seconds, {
        "files_loaded": sorted(f"{f.table_name}/{f.file_name}" for f in report.files_loaded),
        "files_duplicate": len(report.files_duplicate),
        "files_rejected": len(report.files_rejected),
        "files_deferred": len(report.files_deferred),
        "rows_loaded": report.total_rows,
    }


def dbt_build_stage(spec: Spec) -> Result:
    """``dbt build`` with the refresh's arguments on the engine's target, per-layer
    breakdown from ``run_results.json``."""
    from orchestration.benchmark.dbt_timing import dbt_breakdown, node_times, read_run, run_dbt
    from orchestration.defs.dbt.assets import dbt_build_args
    from orchestration.defs.dbt.build_scope import read_last_build_scope
    from orchestration.defs.dbt.incremental import (
        data_tests_env,
        full_refresh_reason,
        mark_finished,
        mark_started,
    )
    from orchestration.engines import engine_for

    engine = engine_for(settings_of(spec))
    reason = full_refresh_reason(engine.settings)
    args = dbt_build_args(engine.name, full_refresh=reason is not None)
    target = Path(spec["dbt_target_dir"])
    started = time.perf_counter()
    mark_started(engine.settings, full_refresh=reason is not None)
    env = {**os.environ, **data_tests_env(full_refresh=reason is not None)}
    run_dbt(args, env, Path(spec["log"]))
    mark_finished(engine.settings)
    seconds = time.perf_counter() - started
    scope = read_last_build_scope(engine)
    run = read_run(target)
    return seconds, {
        "args": args,
        "full_refresh": reason,
        "by_group": dbt_breakdown(run),
        "node_s": node_times(run),
        "scope": scope.as_json() if scope else None,
    }


def gx_stage(spec: Spec) -> Result:
    """The refresh's GX asset checks: the blocking suites, kpi_values (against what is
    served) and the three staging suites (in worker processes when they read many rows:
    the workers' peaks and what this process held meanwhile add up to the stage's
    ``concurrent_peak_rss_mb``), and the trend warning, each on a read of the build."""
    from orchestration.defs.checks.gx import build_docs_dir
    from orchestration.engines import engine_for
    from orchestration.quality.suite_runs import run_blocking_suites
    from orchestration.quality.trend_suite import run_trend_suite

    engine = engine_for(settings_of(spec))
    docs = build_docs_dir(engine.settings)
    started = time.perf_counter()
    blocking = run_blocking_suites(engine.settings, docs)
    with engine.read_build() as con:
        trend, _ = run_trend_suite(con, docs_dir=docs / "kpi_values_trend")
    seconds = time.perf_counter() - started
    results = blocking.results
    passed = {name: result.success for name, result in results.items()}
    return seconds, {
        "suites": {**passed, "trend (warning)": trend.success},
        "passed": all(passed.values()),
        "expectations": sum(len(r.outcomes) for r in [*results.values(), trend]),
        "suite_processes": blocking.processes,
        "concurrent_peak_rss_mb": blocking.held_at_once_mb,
    }


def publish_stage(spec: Spec) -> Result:
    from orchestration.engines import engine_for
    from orchestration.serving.files import new_build_id

    engine = engine_for(settings_of(spec))
    manifest = Path(spec["dbt_target_dir"]) / "manifest.json"
    started = time.perf_counter()
    published = engine.publish(new_build_id(f"bench{uuid.uuid4().hex}"), manifest)
    seconds = time.perf_counter() - started
    return seconds, {"tables": len(published.tables), **published.details}


def hand_pass_stage(spec: Spec) -> Result:
    """The hand-written pass; its rows go to ``spec["hand_rows"]`` for
    :func:`compare_stage`."""
    from orchestration.benchmark.hand_pass import run_hand_pass, write_rows

    settings = settings_of(spec)
    # the spill goes to the work directory, whose disk the benchmark checked (disk.py)
    spill_parent = Path(spec["workdir"]) if spec.get("workdir") else None
    seconds, rows = run_hand_pass(
        settings.landing_dir, as_of=settings.as_of, spill_parent=spill_parent
    )
    if spec.get("hand_rows"):
        write_rows(rows, Path(spec["hand_rows"]))
    return seconds, {"rows": len(rows)}


def compare_stage(spec: Spec) -> Result:
    """(Untimed in the report) the hand-written pass's rows against ``marts.kpi_values``."""
    from orchestration.benchmark.hand_pass import compare_with_kpi_values, read_rows
    from orchestration.engines import engine_for

    started = time.perf_counter()
    rows = read_rows(Path(spec["hand_rows"]))
    with engine_for(settings_of(spec)).read_build() as con:
        comparison = compare_with_kpi_values(rows, con)
    return time.perf_counter() - started, {"comparison": comparison}


STAGES: dict[str, Callable[[Spec], Result]] = {
    "generate": generate_stage,
    "prepare": prepare_stage,
    "ingest": ingest_stage,
    "dbt_build": dbt_build_stage,
    "gx": gx_stage,
    "publish": publish_stage,
    "hand_pass": hand_pass_stage,
    "compare": compare_stage,
}
