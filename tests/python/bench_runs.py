"""Benchmark stage runs made up for tests: each repeat's refresh total given, all of it in
the ingest stage, the other stages at zero (a dbt build with an empty breakdown)."""

from __future__ import annotations

from orchestration.benchmark.child import StageRun
from orchestration.benchmark.refresh_bench import REFRESH_STAGES

DBT_DETAIL = {"by_group": {}, "node_s": {}, "args": []}


def stage_runs(totals: list[float]) -> dict[str, list[StageRun]]:
    """Stage runs whose refresh total in repeat ``i`` is ``totals[i]``."""
    return {
        stage: [
            StageRun(
                stage,
                True,
                total if stage == "ingest" else 0.0,
                0.0,
                0.0,
                detail=DBT_DETAIL if stage == "dbt_build" else {},
            )
            for total in totals
        ]
        for stage in REFRESH_STAGES
    }
