"""Great Expectations suite on the published table ``marts.kpi_values``.

The table and the KPI definitions seed are read into pandas through a read-only DuckDB
connection and validated with an ephemeral GX context and a pandas data source (GX's SQL
data source does not work on DuckDB). Nothing is written: no GX project directory, no data
docs, no analytics.

Value bounds per KPI are derived from ``config.kpi_definitions`` (``kind``, ``scale``) and
the KPI code (see :func:`value_bounds`):

- ``count``, ``amount``, ``snapshot`` KPIs: ``value >= 0`` (quantities, amounts and ticket
  counts are never negative), no upper bound.
- ``ratio`` KPIs that are signed scores (``nps``: promoters minus detractors over the
  answers, times ``scale``): ``-scale <= value <= scale``; their numerator may be negative.
- ``ratio`` KPIs named ``*_rate`` are proportions (the numerator counts a subset of what
  the denominator counts): ``0 <= value <= scale``. One exception, ``open_rate``: its
  numerator (job time, attributed to the job start date) and denominator (shift time,
  attributed to the shift start date) are measured separately, and job time clocked outside
  a paired shift or across midnight can exceed the day's shift time, so it has no upper
  bound.
- every other ``ratio`` KPI (``labor_efficiency``, ``productivity_index``, hours and amounts
  per ticket, ``mttr_hours`` …): ``value >= 0``, no upper bound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

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
)
KEY_COLUMNS: tuple[str, ...] = ("kpi_code", "grain", "period_start", "branch_code")
GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
COMPARATORS: tuple[str, ...] = (">", ">=", "<", "<=")
# Ratio KPIs whose numerator may be negative: value in [-scale, scale].
SIGNED_SCORE_CODES: frozenset[str] = frozenset({"nps"})
# ``*_rate`` KPIs that are not proportions of their denominator (see the module docstring).
UNBOUNDED_RATE_CODES: frozenset[str] = frozenset({"open_rate"})
UNBOUNDED_KINDS: frozenset[str] = frozenset({"count", "amount", "snapshot"})


@dataclass(frozen=True)
class KpiDefinition:
    kpi_code: str
    kind: str
    scale: float


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, in plain Python types."""

    expectation: str
    column: str | None
    description: str
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    partial_unexpected: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class SuiteResult:
    success: bool
    row_count: int
    outcomes: list[ExpectationOutcome]

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        passed = sum(o.success for o in self.outcomes)
        text = f"{passed}/{len(self.outcomes)} expectations passed on {self.row_count} rows"
        for outcome in self.failed:
            text += (
                f"\n  FAILED {outcome.description}: {outcome.unexpected_count} unexpected, "
                f"e.g. {outcome.partial_unexpected[:5]}"
            )
        return text


def value_bounds(definition: KpiDefinition) -> tuple[float | None, float | None]:
    """The (min, max) a KPI's value can take by its formula; None is unbounded."""
    if definition.kind in UNBOUNDED_KINDS:
        return 0.0, None
    if definition.kpi_code in SIGNED_SCORE_CODES:
        return -definition.scale, definition.scale
    if definition.kpi_code.endswith("_rate") and definition.kpi_code not in UNBOUNDED_RATE_CODES:
        return 0.0, definition.scale
    return 0.0, None


def read_tables(warehouse_path: Path) -> tuple[pd.DataFrame, list[KpiDefinition]]:
    """Read kpi_values and the KPI definitions through a read-only connection."""
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        kpi_values = con.execute(f"select * from {KPI_VALUES_TABLE}").df()
        rows = con.execute(
            f"select kpi_code, kind, scale from {KPI_DEFINITIONS_TABLE} order by kpi_code"
        ).fetchall()
    definitions = [KpiDefinition(str(code), str(kind), float(scale)) for code, kind, scale in rows]
    return kpi_values, definitions


def build_suite(definitions: list[KpiDefinition]) -> Any:
    """The expectation suite for kpi_values, parameterised by the KPI definitions."""
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
    for column in ("kpi_code", "grain", "period_start"):
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
    signed = sorted(SIGNED_SCORE_CODES)
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


def _ephemeral_context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _partial_unexpected(details: dict[str, Any]) -> list[Any]:
    """Sample of offending values, or the mismatch details of a table-level expectation."""
    sample = details.get("partial_unexpected_list")
    if sample is None and details.get("details"):
        sample = [details["details"]]
    return _jsonable(list(sample or []))


def validate_kpi_values(kpi_values: pd.DataFrame, definitions: list[KpiDefinition]) -> SuiteResult:
    """Validate a kpi_values frame against the suite; never raises on bad data."""
    context = _ephemeral_context()
    source = context.data_sources.add_pandas("aftersales")
    asset = source.add_dataframe_asset("kpi_values")
    batch = asset.add_batch_definition_whole_dataframe("whole_table").get_batch(
        batch_parameters={"dataframe": kpi_values}
    )
    suite = build_suite(definitions)
    result = batch.validate(suite)
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column"),
                description=config.description or config.type,
                success=bool(item.success),
                element_count=details.get("element_count"),
                unexpected_count=details.get("unexpected_count"),
                partial_unexpected=_partial_unexpected(details),
            )
        )
    return SuiteResult(success=bool(result.success), row_count=len(kpi_values), outcomes=outcomes)


def run_suite(warehouse_path: Path) -> SuiteResult:
    """Read kpi_values from the warehouse (read-only) and validate it."""
    kpi_values, definitions = read_tables(warehouse_path)
    return validate_kpi_values(kpi_values, definitions)
