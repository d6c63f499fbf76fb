"""Regions are sums of branch parts, never averages; meets_target follows the comparator."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.dashboard.rollup import kpi_value, meets_target, roll_up

CATALOGUE = pd.DataFrame(
    {
        "kpi_code": ["rate", "nps", "count", "backlog", "per_tech"],
        "kind": ["ratio", "ratio", "count", "snapshot", "snapshot"],
        "scale": [1, 100, 1, 1, 1],
    }
)


def _rows(code: str, parts: list[tuple[float | None, float | None]], target=None, comp=None):
    return pd.DataFrame(
        {
            "kpi_code": code,
            "branch_code": [f"B{i}" for i in range(len(parts))],
            "numerator": [p[0] for p in parts],
            "denominator": [p[1] for p in parts],
            "target": target,
            "comparator": comp,
        }
    )


def test_region_rate_is_sum_of_parts_not_mean_of_rates() -> None:
    # 1/1 = 100 % and 1/9 = 11 %: the mean would be 55.6 %, the region is 2/10 = 20 %.
    out = roll_up(_rows("rate", [(1, 1), (1, 9)], 0.5, ">"), ["kpi_code"], CATALOGUE)
    assert out.loc[0, "numerator"] == 2 and out.loc[0, "denominator"] == 10
    assert out.loc[0, "value"] == pytest.approx(0.2)
    assert out["meets_target"].tolist() == [False]


def test_scale_counts_and_snapshots() -> None:
    nps = roll_up(_rows("nps", [(3, 10), (-1, 10)]), ["kpi_code"], CATALOGUE)
    assert nps.loc[0, "value"] == pytest.approx(10.0)
    count = roll_up(_rows("count", [(4, None), (6, None)], 8, "<="), ["kpi_code"], CATALOGUE)
    assert count.loc[0, "value"] == 10 and count["meets_target"].tolist() == [False]
    backlog = roll_up(_rows("backlog", [(4, None), (6, None)]), ["kpi_code"], CATALOGUE)
    assert backlog.loc[0, "value"] == 10 and backlog["meets_target"].tolist() == [None]
    per_tech = roll_up(_rows("per_tech", [(4, 2), (6, 3)]), ["kpi_code"], CATALOGUE)
    assert per_tech.loc[0, "value"] == pytest.approx(2.0)


def test_zero_denominator_has_no_value() -> None:
    out = roll_up(_rows("rate", [(0, 0), (0, 0)], 0.5, ">"), ["kpi_code"], CATALOGUE)
    assert out["value"].isna().all() and out["meets_target"].tolist() == [None]


@pytest.mark.parametrize(
    ("value", "comparator", "target", "expected"),
    [
        (0.85, ">", 0.85, False),
        (0.85, ">=", 0.85, True),
        (0.02, "<", 0.02, False),
        (400, "<=", 400, True),
        (None, ">", 1, None),
        (1, ">", None, None),
    ],
)
def test_meets_target(value, comparator, target, expected) -> None:
    assert meets_target(value, comparator, target) is expected


def test_kpi_value_matches_the_macro_rules() -> None:
    assert kpi_value("amount", 12.5, None, 1) == 12.5
    assert kpi_value("ratio", 1, None, 1) is None
    assert kpi_value("snapshot", 3, None, 1) == 3
