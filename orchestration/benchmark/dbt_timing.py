"""How long ``dbt build`` spends per layer and per node, from ``run_results.json``.

Per layer (:func:`dbt_breakdown`): by model folder (staging / intermediate / marts), seeds,
data tests and unit tests. ``busy`` is the sum of the nodes' execution times, ``span`` the
wall time from the group's first node start to its last node end (dbt runs tests as soon
as their model is built, so groups overlap). Per node (:func:`node_times`): each node's
execution time, so that a report can name the nodes a build spends most on, and which of
them a daily batch makes dearer than a build with no new file."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from orchestration.config import PROJECT_DIR
from orchestration.defs.dbt.project import ensure_dbt_on_path

DBT_GROUPS = ("seeds", "staging", "intermediate", "marts", "data_tests", "unit_tests")


def run_dbt(args: Sequence[str], env: dict[str, str], log: Path) -> None:
    ensure_dbt_on_path()
    command = [shutil.which("dbt") or "dbt", *args, "--profiles-dir", str(PROJECT_DIR)]
    with log.open("a", encoding="utf-8") as handle:
        completed = subprocess.run(
            command, cwd=PROJECT_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    if completed.returncode != 0:
        tail = log.read_text(encoding="utf-8").splitlines()[-30:]
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n" + "\n".join(tail))


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class DbtRun:
    """The last dbt invocation's results, with the manifest's nodes (models, tests, unit
    tests) they name."""

    nodes: dict[str, dict[str, Any]]
    results: list[dict[str, Any]]


def read_run(target: Path) -> DbtRun:
    """``manifest.json`` and ``run_results.json`` of the dbt target folder ``target``, read
    once for :func:`dbt_breakdown` and :func:`node_times`."""
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    run_results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    return DbtRun(nodes, run_results["results"])


def dbt_breakdown(run: DbtRun) -> dict[str, dict[str, float]]:
    """Per group (seeds, model folders, data/unit tests): nodes, busy and span seconds."""
    nodes = run.nodes
    groups: dict[str, dict[str, Any]] = {}
    for result in run.results:
        unique_id = result["unique_id"]
        kind = unique_id.split(".", 1)[0]
        if kind == "model":
            fqn = nodes.get(unique_id, {}).get("fqn", [])
            group = fqn[1] if len(fqn) > 2 else "models"
        elif kind == "seed":
            group = "seeds"
        elif kind == "test":
            group = "data_tests"
        elif kind == "unit_test":
            group = "unit_tests"
        else:
            group = kind
        entry = groups.setdefault(group, {"nodes": 0, "busy_s": 0.0, "starts": [], "ends": []})
        entry["nodes"] += 1
        entry["busy_s"] += float(result.get("execution_time") or 0.0)
        for timing in result.get("timing", []):
            if timing.get("started_at") and timing.get("completed_at"):
                entry["starts"].append(_parse_time(timing["started_at"]))
                entry["ends"].append(_parse_time(timing["completed_at"]))
    out: dict[str, dict[str, float]] = {}
    for group, entry in groups.items():
        span = (max(entry["ends"]) - min(entry["starts"])).total_seconds() if entry["ends"] else 0
        out[group] = {
            "nodes": entry["nodes"],
            "busy_s": round(entry["busy_s"], 3),
            "span_s": round(span, 3),
        }
    return out


def node_times(run: DbtRun) -> dict[str, float]:
    """Each node's execution time in the dbt invocation ``run``, by ``<resource type>
    <name>`` (``model kpi_values``, ``test unique_fct_work_orders_ticket_id``)."""
    times: dict[str, float] = {}
    for result in run.results:
        unique_id = result["unique_id"]
        kind, _, rest = unique_id.partition(".")
        name = run.nodes.get(unique_id, {}).get("name") or rest.rpartition(".")[2]
        times[f"{kind} {name}"] = round(float(result.get("execution_time") or 0.0), 3)
    return times


def median_node_times(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per node, the median of its times over the runs that have it."""
    names = dict.fromkeys(name for run in runs for name in run)
    return {
        name: round(statistics.median(run[name] for run in runs if name in run), 3)
        for name in names
    }


def largest(times: dict[str, float], count: int) -> list[tuple[str, float]]:
    """The ``count`` largest of ``times``, largest first (ties by name)."""
    return sorted(times.items(), key=lambda item: (-item[1], item[0]))[:count]


def difference(minuend: dict[str, float], subtrahend: dict[str, float]) -> dict[str, float]:
    """Per node, its time in ``minuend`` less its time in ``subtrahend`` (0 where absent)."""
    return {
        name: round(minuend.get(name, 0.0) - subtrahend.get(name, 0.0), 3)
        for name in dict.fromkeys([*minuend, *subtrahend])
    }


def median_breakdown(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    groups = sorted({g for run in runs for g in run}, key=_group_order)
    return {
        group: {
            metric: round(statistics.median(run.get(group, {}).get(metric, 0) for run in runs), 3)
            for metric in ("nodes", "busy_s", "span_s")
        }
        for group in groups
    }


def _group_order(group: str) -> tuple[int, str]:
    return (DBT_GROUPS.index(group) if group in DBT_GROUPS else len(DBT_GROUPS), group)
