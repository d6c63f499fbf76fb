"""``orchestration/benchmark/dbt_timing.py``: per-node times from dbt's artifacts, their
medians over repeats, the largest, and what one build spent more than another."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.benchmark.dbt_timing import (
    dbt_breakdown,
    difference,
    largest,
    median_node_times,
    node_times,
    read_run,
)
from orchestration.benchmark.report import dbt_node_lines

TIMING = [
    {
        "name": "execute",
        "started_at": "2026-01-01T00:00:00Z",
        "completed_at": "2026-01-01T00:00:01Z",
    }
]


def _target(tmp_path: Path, results: dict[str, float]) -> Path:
    """A dbt target folder with a manifest naming the nodes and one invocation's results."""
    nodes = {
        "model.aftersales.kpi_values": {
            "name": "kpi_values",
            "fqn": ["aftersales", "marts", "kpi", "kpi_values"],
        },
        "model.aftersales.stg_dms__tickets": {
            "name": "stg_dms__tickets",
            "fqn": ["aftersales", "staging", "dms", "stg_dms__tickets"],
        },
        "test.aftersales.unique_fct_work_orders_ticket_id.0a1b2c": {
            "name": "unique_fct_work_orders_ticket_id",
            "fqn": ["aftersales", "marts", "unique_fct_work_orders_ticket_id"],
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    run_results = {
        "results": [
            {"unique_id": unique_id, "execution_time": seconds, "timing": TIMING}
            for unique_id, seconds in results.items()
        ]
    }
    (tmp_path / "run_results.json").write_text(json.dumps(run_results), encoding="utf-8")
    return tmp_path


def test_each_node_is_named_by_its_kind_and_name_with_its_own_time(tmp_path: Path) -> None:
    target = _target(
        tmp_path,
        {
            "model.aftersales.kpi_values": 2.5,
            "model.aftersales.stg_dms__tickets": 1.25,
            "test.aftersales.unique_fct_work_orders_ticket_id.0a1b2c": 0.5,
        },
    )
    run = read_run(target)
    times = node_times(run)
    assert times == {
        "model kpi_values": 2.5,
        "model stg_dms__tickets": 1.25,
        "test unique_fct_work_orders_ticket_id": 0.5,
    }
    # the nodes' times add up to the layers' busy seconds
    busy = sum(group["busy_s"] for group in dbt_breakdown(run).values())
    assert sum(times.values()) == busy


def test_a_node_the_manifest_does_not_know_keeps_the_last_part_of_its_id(tmp_path: Path) -> None:
    target = _target(tmp_path, {"seed.aftersales.kpi_targets": 0.125})
    assert node_times(read_run(target)) == {"seed kpi_targets": 0.125}


def test_medians_are_per_node_over_the_runs_that_have_it() -> None:
    runs = [{"model a": 1.0, "model b": 4.0}, {"model a": 3.0}, {"model a": 2.0, "model b": 6.0}]
    assert median_node_times(runs) == {"model a": 2.0, "model b": 5.0}


def test_largest_and_difference() -> None:
    daily = {"model a": 3.0, "model b": 1.0, "test c": 2.0}
    unchanged = {"model a": 1.0, "model b": 1.5, "model d": 0.5}
    added = difference(daily, unchanged)
    assert added == {"model a": 2.0, "model b": -0.5, "test c": 2.0, "model d": -0.5}
    # largest first, ties by name
    assert largest(added, 2) == [("model a", 2.0), ("test c", 2.0)]


def test_the_report_names_the_largest_nodes_and_what_the_batch_added() -> None:
    def build(times: dict[str, float]) -> dict:
        return {"dbt_build": {"node_s": times}}

    report = {
        "full": build({"model a": 30.0, "model b": 10.0}),
        "daily": build({"model a": 5.0, "model b": 4.0, "test c": 1.0}),
        "unchanged": build({"model a": 2.0, "model b": 4.5, "test c": 1.0}),
    }
    lines = dbt_node_lines(report, ["full", "daily", "unchanged"])
    assert lines[1] == "  full         model a 30.00; model b 10.00"
    assert lines[3] == "  no new file  model b 4.50; model a 2.00; test c 1.00"
    # only the nodes that cost more are named; the total counts every node
    assert lines[4].endswith("(daily less no new file; +2.50 s of node time in all): model a +3.00")
    assert dbt_node_lines({"full": {"dbt_build": {}}}, ["full"]) == []
