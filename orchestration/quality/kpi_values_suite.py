"""Great Expectations suite on the published table ``marts.kpi_values``.

The table and the KPI definitions seed are read into pandas through a read-only DuckDB
connection and validated in an ephemeral GX context (``orchestration/quality/gx_runner.py``).

Value bounds per KPI come from ``config.kpi_definitions`` (``value_min``, ``value_max``:
the range the KPI's formula allows, empty = unbounded). A warehouse built before those
columns existed falls back to :func:`formula_bounds`, the same rule derived from ``kind``,
``scale`` and the code: quantities and amounts ``>= 0``; signed scores (``nps``) in
``[-scale, scale]``; proportions named ``*_rate`` in ``[0, scale]`` except ``open_rate``
(job time and shift time are attributed separately and job time can exceed shift time);
every other ratio ``>= 0``. A KPI whose lower bound is negative is a signed score: its
numerator may be negative.

Row count: with the row count of the previously published ``kpi_values``, the new count
must lie within ``± band`` of it (``AFTERSALES_ROWCOUNT_BAND``, default 0.5 = ±50 %); the
first publish has nothing to compare with and skips that expectation.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from orchestration.quality.gx_runner import (
    ExpectationOutcome,
    Part,
    SuiteResult,
    WholeTableCheck,
    read_parts,
    suite_fingerprint,
    validate_parts,
)
from orchestration.quality.validated_rows import record_validated, unvalidated_where

__all__ = ["ExpectationOutcome", "SuiteResult"]

KPI_VALUES_TABLE = "marts.kpi_values"
KPI_DEFINITIONS_TABLE = "config.kpi_definitions"
KPI_VALUES_COLUMNS: tuple[str, ...] = (
    "kpi_code",
    "grain",
    "period_start",
    "branch_code",
    "numerator",
    "denominator",
    "value",
    "target",
    "comparator",
    "meets_target",
    # added for BI (names without a join, the period's end, completeness, network flag)
    "kpi_name_zh",
    "kpi_name_en",
    "period_end",
    "is_period_complete",
    "is_network",
)
KEY_COLUMNS: tuple[str, ...] = ("kpi_code", "grain", "period_start", "branch_code")
# Columns only present for BI (names without a join, the period's end): build_suite
# checks that they are there, in order, but no expectation reads their values, so
# run_suite reads them as nulls. Every other column's values are read.
UNCHECKED_COLUMNS: tuple[str, ...] = ("kpi_name_zh", "kpi_name_en", "period_end")
CHECKED_COLUMNS: set[str] = set(KPI_VALUES_COLUMNS) - set(UNCHECKED_COLUMNS)
# text columns of a few distinct codes, read as categoricals (gx_runner.as_codes)
CODE_COLUMNS: frozenset[str] = frozenset({"kpi_code", "grain", "branch_code", "comparator"})
# a row's identity for "passed before": its checked columns, in contract order
HASHED_COLUMNS: tuple[str, ...] = tuple(c for c in KPI_VALUES_COLUMNS if c in CHECKED_COLUMNS)
GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
COMPARATORS: tuple[str, ...] = (">", ">=", "<", "<=")
DEFAULT_ROWCOUNT_BAND = 0.5
# Fallback only (warehouses without value_min/value_max): signed scores, unbounded rates.
SIGNED_SCORE_CODES: frozenset[str] = frozenset({"nps"})
# ``*_rate`` KPIs that are not proportions of their denominator (see the module docstring).
UNBOUNDED_RATE_CODES: frozenset[str] = frozenset({"open_rate"})
UNBOUNDED_KINDS: frozenset[str] = frozenset({"count", "amount", "snapshot"})


@dataclass(frozen=True)
class KpiDefinition:
    kpi_code: str
    kind: str
    scale: float
    value_min: float | None = None
    value_max: float | None = None
    bounds_from_seed: bool = False


def value_bounds(definition: KpiDefinition) -> tuple[float | None, float | None]:
    """The (min, max) a KPI's value can take; None is unbounded.

    From the seed's ``value_min``/``value_max`` when the warehouse has them, else
    :func:`formula_bounds`.
    """
    if definition.bounds_from_seed:
        return definition.value_min, definition.value_max
    return formula_bounds(definition)


def formula_bounds(definition: KpiDefinition) -> tuple[float | None, float | None]:
    """The (min, max) derived from the KPI's kind, scale and code (see the module doc)."""
    if definition.kind in UNBOUNDED_KINDS:
        return 0.0, None
    if definition.kpi_code in SIGNED_SCORE_CODES:
        return -definition.scale, definition.scale
    if definition.kpi_code.endswith("_rate") and definition.kpi_code not in UNBOUNDED_RATE_CODES:
        return 0.0, definition.scale
    return 0.0, None


def rowcount_band() -> float:
    """Allowed relative change of kpi_values' row count (``AFTERSALES_ROWCOUNT_BAND``)."""
    try:
        band = float(os.environ.get("AFTERSALES_ROWCOUNT_BAND") or DEFAULT_ROWCOUNT_BAND)
    except ValueError:
        band = DEFAULT_ROWCOUNT_BAND
    return max(0.0, band)


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def read_definitions(con: duckdb.DuckDBPyConnection) -> list[KpiDefinition]:
    """The KPI definitions, from a read-only view of the build."""
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'config' and table_name = 'kpi_definitions'"
        ).fetchall()
    }
    from_seed = {"value_min", "value_max"} <= columns
    bounds = "value_min, value_max" if from_seed else "null, null"
    rows = con.execute(
        f"select kpi_code, kind, scale, {bounds} from {KPI_DEFINITIONS_TABLE} order by kpi_code"
    ).fetchall()
    return [
        KpiDefinition(str(code), str(kind), float(scale), _number(low), _number(high), from_seed)
        for code, kind, scale, low, high in rows
    ]


def previous_row_count(served: duckdb.DuckDBPyConnection | None) -> int | None:
    """Row count of kpi_values in what is served now; None before the first publish
    (or when the served copy cannot be read)."""
    if served is None:
        return None
    try:
        return int(served.execute(f"select count(*) from {KPI_VALUES_TABLE}").fetchone()[0])
    except duckdb.Error:
        return None


def rowcount_range(previous: int, band: float) -> tuple[int, int]:
    return math.floor(previous * (1 - band)), math.ceil(previous * (1 + band))


def build_suite(definitions: list[KpiDefinition]) -> Any:
    """The expectation suite for kpi_values' rows, parameterised by the KPI definitions.
    Every expectation holds part by part when the rows are split by the key (the row
    count is :func:`build_row_count_suite`)."""
    import great_expectations as gx
    from great_expectations.expectations.row_conditions import Column

    ex = gx.expectations
    codes = sorted(d.kpi_code for d in definitions)
    suite = gx.ExpectationSuite(name="kpi_values")

    def add(expectation: Any, description: str) -> None:
        expectation.description = description
        suite.add_expectation(expectation)

    add(
        ex.ExpectTableColumnsToMatchOrderedList(column_list=list(KPI_VALUES_COLUMNS)),
        "columns are the published contract, in order",
    )
    for column in ("kpi_code", "grain", "period_start", "is_period_complete", "is_network"):
        add(ex.ExpectColumnValuesToNotBeNull(column=column), f"{column} is never null")
    add(ex.ExpectColumnValuesToBeInSet(column="grain", value_set=list(GRAINS)), "grain is known")
    add(
        ex.ExpectColumnValuesToBeInSet(column="kpi_code", value_set=codes),
        "kpi_code is defined in config.kpi_definitions",
    )
    add(
        ex.ExpectCompoundColumnsToBeUnique(column_list=list(KEY_COLUMNS)),
        "one row per (kpi_code, grain, period_start, branch_code)",
    )
    add(
        ex.ExpectColumnValuesToBeBetween(column="denominator", min_value=0),
        "denominator >= 0 when not null",
    )
    signed = sorted(d.kpi_code for d in definitions if (value_bounds(d)[0] or 0) < 0) or ["(none)"]
    add(
        ex.ExpectColumnValuesToBeBetween(
            column="numerator", min_value=0, row_condition=Column("kpi_code").is_not_in(signed)
        ),
        f"numerator >= 0 except for signed scores ({', '.join(signed)})",
    )
    add(
        ex.ExpectColumnValuesToBeNull(column="value", row_condition=Column("denominator") == 0),
        "value is null when the denominator is 0",
    )
    by_bounds: dict[tuple[float | None, float | None], list[str]] = {}
    for definition in definitions:
        by_bounds.setdefault(value_bounds(definition), []).append(definition.kpi_code)
    for (low, high), members in sorted(by_bounds.items(), key=lambda item: str(item[0])):
        shown = ", ".join(sorted(members))
        add(
            ex.ExpectColumnValuesToBeBetween(
                column="value",
                min_value=low,
                max_value=high,
                row_condition=Column("kpi_code").is_in(sorted(members)),
            ),
            f"value in [{low}, {'∞' if high is None else high}] for {shown}",
        )
    add(
        ex.ExpectColumnValuesToBeInSet(column="comparator", value_set=list(COMPARATORS)),
        "comparator is one of > >= < <=",
    )
    add(
        ex.ExpectColumnValuesToBeNull(
            column="comparator", row_condition=Column("target").is_null()
        ),
        "no comparator without a target",
    )
    add(
        ex.ExpectColumnValuesToNotBeNull(
            column="comparator", row_condition=Column("target").is_not_null()
        ),
        "a target always has a comparator",
    )
    add(
        ex.ExpectColumnValuesToBeNull(
            column="meets_target", row_condition=Column("value").is_null()
        ),
        "meets_target is null without a value",
    )
    add(
        ex.ExpectColumnValuesToBeNull(
            column="meets_target", row_condition=Column("target").is_null()
        ),
        "meets_target is null without a target",
    )
    add(
        ex.ExpectColumnValuesToNotBeNull(
            column="meets_target",
            row_condition=Column("value").is_not_null() & Column("target").is_not_null(),
        ),
        "meets_target is set when there are a value and a target",
    )
    return suite


def build_row_count_suite(previous_rows: int, band: float) -> Any:
    """kpi_values' row count within ``± band`` of the previous publish's."""
    import great_expectations as gx

    low, high = rowcount_range(previous_rows, band)
    expectation = gx.expectations.ExpectTableRowCountToBeBetween(min_value=low, max_value=high)
    expectation.description = (
        f"row count within ±{band:.0%} of the previous publish ({previous_rows} rows)"
    )
    suite = gx.ExpectationSuite(name="kpi_values_row_count")
    suite.add_expectation(expectation)
    return suite


def row_count_check(rows: int, previous_rows: int | None, band: float) -> WholeTableCheck | None:
    """The row-count expectation, run once on a one-column frame of ``rows`` rows that
    stands for kpi_values (it may be validated in parts); none before the first publish."""
    if previous_rows is None:
        return None
    return WholeTableCheck(
        read=lambda: pd.DataFrame({"row": np.ones(rows, dtype=np.int8)}),
        make_suite=lambda: build_row_count_suite(previous_rows, band),
        asset_name="kpi_values_rows",
    )


def validate_kpi_values_parts(
    parts: list[Part],
    rows: int,
    definitions: list[KpiDefinition],
    *,
    previous_rows: int | None = None,
    band: float = DEFAULT_ROWCOUNT_BAND,
    docs_dir: Path | None = None,
) -> SuiteResult:
    """Validate kpi_values (``rows`` rows, read in ``parts`` split by its key) against
    the suite, and its row count once; never raises on bad data."""
    return validate_parts(
        parts,
        lambda: build_suite(definitions),
        "kpi_values",
        docs_dir,
        whole=row_count_check(rows, previous_rows, band),
    )


def validate_kpi_values(
    kpi_values: pd.DataFrame,
    definitions: list[KpiDefinition],
    *,
    previous_rows: int | None = None,
    band: float = DEFAULT_ROWCOUNT_BAND,
    docs_dir: Path | None = None,
) -> SuiteResult:
    """Validate a kpi_values frame against the suite; never raises on bad data."""
    return validate_kpi_values_parts(
        [Part(lambda: kpi_values, "all rows")],
        len(kpi_values),
        definitions,
        previous_rows=previous_rows,
        band=band,
        docs_dir=docs_dir,
    )


def run_suite(
    con: duckdb.DuckDBPyConnection,
    *,
    served: duckdb.DuckDBPyConnection | None = None,
    band: float | None = None,
    docs_dir: Path | None = None,
    warehouse_dir: Path | None = None,
) -> SuiteResult:
    """Read kpi_values from a read-only view of the build, in parts of at most
    ``AFTERSALES_GX_PART_ROWS`` rows split by its key, and validate it; with ``served``
    (a view of what is served now), compare the row count with it. With
    ``warehouse_dir``, read only the rows that have not passed this suite before
    (``validated_rows``) and, when it passes, record every row as passed; the result's
    ``row_count`` is then the number of rows read."""
    definitions = read_definitions(con)
    where, fingerprint = "", ""
    if warehouse_dir is not None:
        fingerprint = suite_fingerprint(lambda: build_suite(definitions))
        where = unvalidated_where(warehouse_dir, fingerprint, HASHED_COLUMNS)
    parts = read_parts(
        con, KPI_VALUES_TABLE, CHECKED_COLUMNS, KEY_COLUMNS, where, codes=CODE_COLUMNS
    )
    (rows,) = con.execute(f"select count(*) from {KPI_VALUES_TABLE}").fetchone()
    result = validate_kpi_values_parts(
        parts,
        int(rows),
        definitions,
        previous_rows=previous_row_count(served),
        band=rowcount_band() if band is None else band,
        docs_dir=docs_dir,
    )
    if warehouse_dir is not None and result.success:
        record_validated(con, KPI_VALUES_TABLE, HASHED_COLUMNS, warehouse_dir, fingerprint)
    return result
