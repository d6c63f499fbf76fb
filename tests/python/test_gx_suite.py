"""The GX suite passes on a consistent kpi_values table and names what is wrong otherwise."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.config import PROJECT_DIR
from orchestration.gx_suite import (
    KPI_VALUES_COLUMNS,
    KpiDefinition,
    run_suite,
    validate_kpi_values,
    value_bounds,
)

DEFINITIONS = [
    KpiDefinition("open_rate", "ratio", 1.0),
    KpiDefinition("labor_efficiency", "ratio", 1.0),
    KpiDefinition("revisit_rate", "ratio", 1.0),
    KpiDefinition("nps", "ratio", 100.0),
    KpiDefinition("backlog_open", "snapshot", 1.0),
    KpiDefinition("early_failure_count", "count", 1.0),
]
MARCH = date(2025, 3, 1)


def good_rows() -> list[tuple]:
    return [
        # kpi_code, grain, period_start, branch_code, num, den, value, target, cmp, meets
        ("open_rate", "month", MARCH, "BJ01", 120.0, 100.0, 1.2, 0.85, ">", True),
        ("open_rate", "month", MARCH, None, 170.0, 200.0, 0.85, 0.85, ">", False),
        ("labor_efficiency", "day", MARCH, "BJ01", 30.0, 20.0, 1.5, 0.85, ">", True),
        ("revisit_rate", "month", MARCH, "BJ01", 13.0, 20.0, 0.65, 0.65, ">", False),
        ("revisit_rate", "day", MARCH, "BJ01", 0.0, 0.0, None, 0.65, ">", None),
        ("nps", "month", MARCH, "BJ01", -3.0, 6.0, -50.0, 30.0, ">", False),
        ("backlog_open", "day", MARCH, "BJ01", 7.0, None, 7.0, None, None, None),
        ("early_failure_count", "month", MARCH, "BJ01", 3.0, None, 3.0, 400.0, "<=", True),
        ("early_failure_count", "day", MARCH, "BJ01", 1.0, None, 1.0, None, None, None),
    ]


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(KPI_VALUES_COLUMNS))


def failed(rows: list[tuple] | pd.DataFrame) -> set[str]:
    data = rows if isinstance(rows, pd.DataFrame) else frame(rows)
    result = validate_kpi_values(data, DEFINITIONS)
    assert result.success == (not result.failed)
    return {outcome.description for outcome in result.failed}


def replace(row: tuple, **changes: object) -> tuple:
    values = dict(zip(KPI_VALUES_COLUMNS, row, strict=True))
    values.update(changes)
    return tuple(values[c] for c in KPI_VALUES_COLUMNS)


def test_good_table_passes() -> None:
    result = validate_kpi_values(frame(good_rows()), DEFINITIONS)
    assert result.success, result.summary()
    assert result.row_count == len(good_rows())
    assert len(result.outcomes) >= 15


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda rows: [replace(rows[3], denominator=-20.0, value=-0.65), *rows[4:]],
            {"denominator >= 0 when not null", "value in [0.0, 1.0] for revisit_rate"},
            id="negative-denominator",
        ),
        pytest.param(
            lambda rows: [*rows[:3], replace(rows[3], numerator=30.0, value=1.5), *rows[4:]],
            {"value in [0.0, 1.0] for revisit_rate"},
            id="rate-above-one",
        ),
        pytest.param(
            lambda rows: [*rows, rows[1]],
            {"one row per (kpi_code, grain, period_start, branch_code)"},
            id="duplicate-network-key",
        ),
        pytest.param(
            lambda rows: [*rows, replace(rows[0], kpi_code="made_up_rate")],
            {"kpi_code is defined in config.kpi_definitions"},
            id="unknown-kpi",
        ),
        pytest.param(
            lambda rows: [
                *rows,
                replace(rows[6], period_start=date(2025, 3, 2), numerator=-1.0, value=-1.0),
            ],
            {
                "numerator >= 0 except for signed scores (nps)",
                "value in [0.0, ∞] for backlog_open, early_failure_count, labor_efficiency, "
                "open_rate",
            },
            id="negative-count",
        ),
        pytest.param(
            lambda rows: [*rows, replace(rows[0], grain="fortnight")],
            {"grain is known"},
            id="unknown-grain",
        ),
        pytest.param(
            lambda rows: [
                replace(rows[0], meets_target=None),
                *rows[1:4],
                replace(rows[4], meets_target=False),
                *rows[5:],
            ],
            {
                "meets_target is set when there are a value and a target",
                "meets_target is null without a value",
            },
            id="meets-target-inconsistent",
        ),
        pytest.param(
            lambda rows: [replace(rows[4], value=0.0, meets_target=False), *rows[:4], *rows[5:]],
            {"value is null when the denominator is 0"},
            id="value-with-zero-denominator",
        ),
    ],
)
def test_bad_tables_fail_on_the_right_expectation(change, expected: set[str]) -> None:
    assert failed(change(good_rows())) == expected


def test_columns_out_of_order_fail() -> None:
    data = frame(good_rows())
    swapped = data[["grain", "kpi_code", *KPI_VALUES_COLUMNS[2:]]]
    assert "columns are the published contract, in order" in failed(swapped)


def seed_definitions() -> list[KpiDefinition]:
    with (PROJECT_DIR / "seeds" / "kpi_definitions.csv").open(encoding="utf-8") as handle:
        return [
            KpiDefinition(row["kpi_code"], row["kind"], float(row["scale"]))
            for row in csv.DictReader(handle)
        ]


def test_bounds_derived_from_the_definitions_seed() -> None:
    bounds = {d.kpi_code: value_bounds(d) for d in seed_definitions()}
    assert bounds["revisit_rate"] == (0.0, 1.0)
    assert bounds["parts_fill_rate"] == (0.0, 1.0)
    assert bounds["nps"] == (-100.0, 100.0)
    assert bounds["open_rate"] == (0.0, None)
    assert bounds["labor_efficiency"] == (0.0, None)
    assert bounds["productivity_index"] == (0.0, None)
    assert bounds["mttr_hours"] == (0.0, None)
    assert bounds["backlog_open"] == (0.0, None)
    assert bounds["warranty_leakage_amount"] == (0.0, None)
    proportions = {code for code, (_, high) in bounds.items() if high == 1.0}
    assert all(code.endswith("_rate") for code in proportions)


def test_run_suite_reads_the_warehouse_read_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "aftersales.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create schema config")
        con.register("rows", frame(good_rows()))
        con.execute("create table marts.kpi_values as select * from rows")
        con.register(
            "defs",
            pd.DataFrame(
                [(d.kpi_code, d.kind, d.scale) for d in DEFINITIONS],
                columns=["kpi_code", "kind", "scale"],
            ),
        )
        con.execute("create table config.kpi_definitions as select * from defs")
    reader = duckdb.connect(str(warehouse), read_only=True)  # another reader is fine
    try:
        result = run_suite(warehouse)
    finally:
        reader.close()
    assert result.success, result.summary()
    assert result.row_count == len(good_rows())
