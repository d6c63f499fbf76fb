"""Regions from branch rows, by the rule of kpi_values' network rows.

A region's KPI = Σ of its branches' numerators ÷ Σ of their denominators * scale (count,
amount and denominator-less snapshot KPIs: Σ numerators). Rates are never averaged; the
values here are what ``kpi_value`` in ``macros/kpi/kpi_rollup.sql`` would publish for a
network made of those branches. ``meets_target`` follows ``kpi_meets_target``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import pandas as pd

_COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def _missing(x: object) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def kpi_value(kind: str, numerator: object, denominator: object, scale: float) -> float | None:
    """The published value of a numerator and denominator (``kpi_value`` macro)."""
    if kind in ("count", "amount") or (kind == "snapshot" and _missing(denominator)):
        return None if _missing(numerator) else float(numerator)
    if _missing(denominator) or float(denominator) == 0 or _missing(numerator):
        return None
    return float(numerator) / float(denominator) * float(scale)


def meets_target(value: object, comparator: object, target: object) -> bool | None:
    """value <comparator> target; None without a value, a target or a comparator."""
    if _missing(value) or _missing(target) or _missing(comparator):
        return None
    return _COMPARATORS[str(comparator)](float(value), float(target))


def _sum_or_none(series: pd.Series) -> float | None:
    present = series.dropna()
    return None if present.empty else float(present.astype(float).sum())


def roll_up(rows: pd.DataFrame, by: list[str], catalogue: pd.DataFrame) -> pd.DataFrame:
    """Add branch rows up to the ``by`` columns (which include ``kpi_code``).

    ``rows`` has kpi_code, numerator, denominator, target, comparator and the ``by``
    columns; ``catalogue`` (marts.dim_kpis) gives kind and scale per kpi_code. Returns one
    row per group with numerator, denominator, value, target, comparator, meets_target.
    """
    columns = [*by, "numerator", "denominator", "value", "target", "comparator", "meets_target"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    info = catalogue.set_index("kpi_code")[["kind", "scale"]]
    out = []
    for key, group in rows.groupby(by, dropna=False, sort=False):
        record = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        code = record["kpi_code"]
        kind, scale = info.at[code, "kind"], info.at[code, "scale"]
        numerator = _sum_or_none(group["numerator"])
        denominator = _sum_or_none(group["denominator"])
        value = kpi_value(kind, numerator, denominator, scale)
        targets = group["target"].dropna()
        target = float(targets.iloc[0]) if not targets.empty else None
        comparators = group["comparator"].dropna()
        comparator = str(comparators.iloc[0]) if not comparators.empty else None
        record.update(
            numerator=numerator,
            denominator=denominator,
            value=value,
            target=target,
            comparator=comparator,
            meets_target=meets_target(value, comparator, target),
        )
        out.append(record)
    return pd.DataFrame(out, columns=columns)
