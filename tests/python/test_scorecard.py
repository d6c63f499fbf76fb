"""The branch scorecard (``fct_branch_scorecard`` and ``fct_branch_scorecard_kpis``) against
an independent computation from the published ``kpi_values`` and the weights seed file.

A fresh refresh of its own (``aftersales-refresh`` in-process on a copy of the session's
``small_landing``): the end-to-end module's ``pipeline`` fixture is module-scoped and
sets the environment for its whole lifetime, so it is not shared.

The catalog's rule (seed 002): for a branch and a month, quarter or year, every KPI with a
value and a target scores ``s = clamp(value / target, 0, 1)`` when higher is better,
``clamp(target / value, 0, 1)`` when lower is better (1 when value <= 0); the score is
``100 * sum(weight * s) / sum(weight)``; rank 1 = best, ties share a rank (1, 1, 3).
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT = Path(__file__).resolve().parents[2]
WEIGHTS_SEED = PROJECT / "seeds" / "kpi_weights.csv"
SCORECARD_GRAINS = ("month", "quarter", "year")
TOLERANCE = 1e-9

Key = tuple[str, str, object]  # branch_code, grain, period_start


@pytest.fixture(scope="module")
def served(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from refresh_env import refresh_dirs

    from orchestration.cli.refresh import main

    with refresh_dirs(small_landing, tmp_path_factory.mktemp("scorecard")) as dirs:
        assert main([]) == 0, "the refresh failed"
    return dirs.serving / "aftersales.duckdb"


def _weights() -> dict[str, float]:
    with WEIGHTS_SEED.open(encoding="utf-8", newline="") as handle:
        return {row["kpi_code"]: float(row["weight"]) for row in csv.DictReader(handle)}


def _attainment(value: float, target: float, comparator: str) -> float:
    if comparator in (">", ">="):
        if target <= 0:
            return 1.0 if value >= target else 0.0
        return min(max(value / target, 0.0), 1.0)
    if value <= 0:
        return 1.0
    return min(max(target / value, 0.0), 1.0)


def _expected(kpi_values: pd.DataFrame) -> tuple[dict, dict]:
    """(per-KPI scores, per-branch-period score rows) from the published kpi_values."""
    weights = _weights()
    per_kpi: dict[tuple[str, str, object, str], tuple[float, float]] = {}
    sums: dict[Key, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])  # Σw, Σw·s, n
    for row in kpi_values.to_dict("records"):
        if pd.isna(row["branch_code"]) or row["grain"] not in SCORECARD_GRAINS:
            continue
        if pd.isna(row["value"]) or pd.isna(row["target"]) or row["kpi_code"] not in weights:
            continue
        start = pd.Timestamp(row["period_start"]).date()
        s = _attainment(float(row["value"]), float(row["target"]), row["comparator"])
        weight = weights[row["kpi_code"]]
        per_kpi[(row["branch_code"], row["grain"], start, row["kpi_code"])] = (s, weight)
        key = (row["branch_code"], row["grain"], start)
        bucket = sums[key]  # a branch-period with only weight-0 KPIs still gets a row
        if weight > 0:
            bucket[0] += weight
            bucket[1] += weight * s
            bucket[2] += 1
    scores = {
        key: {
            "score": 100 * total / weight if weight > 0 else None,
            "kpis_scored": int(n),
            "weight_total": weight,
        }
        for key, (weight, total, n) in sums.items()
    }
    by_period: dict[tuple[str, object], list[Key]] = defaultdict(list)
    for key in scores:
        by_period[(key[1], key[2])].append(key)
    for keys in by_period.values():
        for key in keys:
            mine = scores[key]["score"]
            scores[key]["rank"] = (
                None
                if mine is None
                else 1
                + sum(
                    1
                    for other in keys
                    if scores[other]["score"] is not None
                    and round(scores[other]["score"], 6) > round(mine, 6)
                )
            )
    return per_kpi, scores


@pytest.fixture(scope="module")
def tables(served: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with duckdb.connect(str(served), read_only=True) as con:
        return (
            con.execute("select * from marts.kpi_values").df(),
            con.execute("select * from marts.fct_branch_scorecard_kpis").df(),
            con.execute("select * from marts.fct_branch_scorecard").df(),
        )


def _close(a: float | None, b: object) -> bool:
    if a is None:
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not pd.isna(b) and abs(a - float(b)) <= TOLERANCE * max(1.0, abs(a))


def test_scorecard_kpis_match_independent_computation(tables) -> None:
    kpi_values, detail, _ = tables
    per_kpi, _ = _expected(kpi_values)
    published = {
        (r["branch_code"], r["grain"], pd.Timestamp(r["period_start"]).date(), r["kpi_code"]): r
        for r in detail.to_dict("records")
    }
    assert set(published) == set(per_kpi), (
        sorted(set(published) - set(per_kpi), key=str)[:5],
        sorted(set(per_kpi) - set(published), key=str)[:5],
    )
    problems = [
        (key, s, published[key]["kpi_score"])
        for key, (s, weight) in per_kpi.items()
        if not _close(s, published[key]["kpi_score"]) or float(published[key]["weight"]) != weight
    ]
    assert not problems, problems[:10]


def test_scorecard_matches_independent_computation(tables) -> None:
    kpi_values, _, scorecard = tables
    _, expected = _expected(kpi_values)
    published = {
        (r["branch_code"], r["grain"], pd.Timestamp(r["period_start"]).date()): r
        for r in scorecard.to_dict("records")
    }
    assert set(published) == set(expected)
    problems = []
    for key, mine in expected.items():
        theirs = published[key]
        rank = None if pd.isna(theirs["rank"]) else int(theirs["rank"])
        if (
            not _close(mine["score"], theirs["score"])
            or rank != mine["rank"]
            or int(theirs["kpis_scored"]) != mine["kpis_scored"]
            or not _close(mine["weight_total"], float(theirs["weight_total"]))
        ):
            problems.append((key, mine, theirs))
    assert not problems, problems[:10]


def test_sample_exercises_the_scorecard(tables) -> None:
    """Guards the test: several branches ranked per month, both directions of target."""
    _, detail, scorecard = tables
    months = scorecard[scorecard["grain"] == "month"]
    assert months.groupby("period_start")["branch_code"].nunique().min() >= 2
    assert (scorecard["rank"] > 1).any() and (scorecard["rank"] == 1).any()
    assert {">", "<"} <= set(detail["comparator"].str[0])
    assert ((detail["kpi_score"] > 0) & (detail["kpi_score"] < 1)).any()
    assert (detail["kpi_score"] == 1).any()
