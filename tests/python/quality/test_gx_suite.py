"""The GX suite passes on a consistent kpi_values table and names what is wrong otherwise."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.config import PROJECT_DIR, Settings
from orchestration.engines import engine_for
from orchestration.quality.gx_runner import SuiteResult, as_codes, validate_frame
from orchestration.quality.kpi_values_suite import (
    CODE_COLUMNS,
    KPI_VALUES_COLUMNS,
    KpiDefinition,
    read_definitions,
    run_suite,
    validate_kpi_values,
    value_bounds,
)
from orchestration.quality.staging_suites import STAGING_SUITES, build_staging_suite
from orchestration.quality.trend_suite import build_trend_suite, trend_frame

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


def with_labels(row: tuple) -> tuple:
    """A 10-column test row with the BI label columns kpi_values carries after them."""
    if len(row) == len(KPI_VALUES_COLUMNS):
        return row
    code, _grain, start, branch = row[:4]
    return (*row, code, code, start, True, branch is None)


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([with_labels(r) for r in rows], columns=list(KPI_VALUES_COLUMNS))


def verdicts(result: SuiteResult) -> list[tuple]:
    return [
        (o.description, o.success, o.element_count, o.unexpected_count, o.partial_unexpected)
        for o in result.outcomes
    ]


def failed(rows: list[tuple] | pd.DataFrame) -> set[str]:
    """The failed expectations; the same, value for value, when the code columns are
    categoricals, as run_suite reads them (gx_runner.as_codes)."""
    data = rows if isinstance(rows, pd.DataFrame) else frame(rows)
    result = validate_kpi_values(data, DEFINITIONS)
    assert result.success == (not result.failed)
    coded = validate_kpi_values(as_codes(data.copy(), CODE_COLUMNS), DEFINITIONS)
    assert verdicts(coded) == verdicts(result)
    return {outcome.description for outcome in result.failed}


def replace(row: tuple, **changes: object) -> tuple:
    values = dict(zip(KPI_VALUES_COLUMNS, with_labels(row), strict=True))
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
    engine = engine_for(Settings(tmp_path, tmp_path, tmp_path / "serving", None))
    reader = duckdb.connect(str(warehouse), read_only=True)  # another reader is fine
    try:
        with engine.read_build() as con, engine.read_served() as served:
            assert served is None  # nothing published yet: no row-count band
            result = run_suite(con, served=served)
    finally:
        reader.close()
    assert result.success, result.summary()
    assert result.row_count == len(good_rows())


def test_seed_bounds_are_used_when_the_warehouse_has_them(tmp_path: Path) -> None:
    warehouse = tmp_path / "aftersales.duckdb"
    seeded = [
        ("revisit_rate", "ratio", 1.0, 0.0, 1.0),
        ("nps", "ratio", 100.0, -100.0, 100.0),
        ("open_rate", "ratio", 1.0, 0.0, None),
    ]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create schema config")
        rows = [r for r in good_rows() if r[0] in {"revisit_rate", "nps", "open_rate"}]
        con.register("rows", frame(rows))
        con.execute("create table marts.kpi_values as select * from rows")
        con.register(
            "defs",
            pd.DataFrame(seeded, columns=["kpi_code", "kind", "scale", "value_min", "value_max"]),
        )
        con.execute("create table config.kpi_definitions as select * from defs")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        definitions = read_definitions(con)
    assert {d.kpi_code: value_bounds(d) for d in definitions} == {
        "nps": (-100.0, 100.0),
        "open_rate": (0.0, None),
        "revisit_rate": (0.0, 1.0),
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert run_suite(con).success


def test_seed_bounds_agree_with_the_formulas() -> None:
    with (PROJECT_DIR / "seeds" / "kpi_definitions.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            definition = KpiDefinition(row["kpi_code"], row["kind"], float(row["scale"]))
            low = float(row["value_min"]) if row["value_min"] else None
            high = float(row["value_max"]) if row["value_max"] else None
            if low is not None and low < 0:
                assert low == -definition.scale, row["kpi_code"]  # a signed score
            else:
                assert low == 0.0, row["kpi_code"]
            if high is not None:
                assert high == definition.scale, row["kpi_code"]


@pytest.mark.parametrize(
    ("previous", "rows", "passes"),
    [(None, 9, True), (10, 9, True), (18, 9, True), (20, 9, False), (6, 9, True), (5, 9, False)],
)
def test_row_count_band_against_the_previous_publish(
    previous: int | None, rows: int, passes: bool
) -> None:
    data = frame(good_rows())
    assert len(data) == rows
    result = validate_kpi_values(data, DEFINITIONS, previous_rows=previous, band=0.5)
    assert result.success is passes
    band_checks = [o for o in result.outcomes if "previous publish" in o.description]
    assert len(band_checks) == (0 if previous is None else 1)


def test_staging_suite_names_broken_rows() -> None:
    spec = STAGING_SUITES["stg_dms__part_requests"]
    good = {c: "x" for c in spec.columns}
    good.update(qty_requested=2.0, qty_from_stock=1.0, unit_price=10.0, part_class="a")
    good.update(status="issued", request_line_id="L1")
    rows = [
        good,
        {**good, "request_line_id": "L2", "qty_from_stock": -1.0, "part_class": "z"},
        {**good, "status": "lost"},  # a duplicate key too
    ]
    data = pd.DataFrame(rows, columns=spec.columns)
    result = validate_frame(data, lambda: build_staging_suite(spec), "t")
    coded = as_codes(data.copy(), spec.codes)
    assert {"part_class", "status", "branch_code"} <= spec.codes
    assert verdicts(validate_frame(coded, lambda: build_staging_suite(spec), "t")) == verdicts(
        result
    )
    failed = {o.description for o in result.failed}
    assert failed == {
        "one row per request_line_id",
        "part_class is one of a, b, c",
        "status is one of requested, issued, backordered, cancelled",
        "qty_from_stock >= 0 when not null",
    }
    assert not validate_frame(
        pd.DataFrame([good], columns=spec.columns), lambda: build_staging_suite(spec), "t"
    ).failed
    missing = pd.DataFrame([good], columns=spec.columns).drop(columns=["_source_file"])
    assert not validate_frame(missing, lambda: build_staging_suite(spec), "t").success


def monthly(values: dict[str, list[float]], start: date = date(2024, 9, 1)) -> pd.DataFrame:
    rows = []
    for branch, series in values.items():
        for offset, value in enumerate(series):
            index = start.year * 12 + start.month - 1 + offset
            rows.append(("open_rate", branch, date(index // 12, index % 12 + 1, 1), value))
    return pd.DataFrame(rows, columns=["kpi_code", "branch_code", "period_start", "value"])


def test_trend_flags_a_branch_far_from_its_trailing_mean() -> None:
    data = monthly(
        {
            "EC01": [0.80, 0.82, 0.79, 0.81, 0.80, 0.82, 0.40],  # collapses in March
            "NC01": [0.70, 0.75, 0.72, 0.71, 0.74, 0.73, 0.72],
            "EU01": [0.70, 0.71, 0.72],  # too little history for March
        }
    )
    march = date(2025, 3, 1)
    trend = trend_frame(data, march, window=6)
    assert list(trend["branch_code"]) == ["EC01", "NC01"]
    assert trend.set_index("branch_code").loc["EC01", "abs_z_score"] > 3
    assert trend.set_index("branch_code").loc["NC01", "abs_z_score"] < 3
    result = validate_frame(trend, lambda: build_trend_suite(3.0), "trend")
    assert not result.success
    assert result.failed[0].unexpected_count == 1
    assert validate_frame(
        trend[trend["branch_code"] == "NC01"], lambda: build_trend_suite(3.0), "t"
    ).success


def test_trend_of_a_flat_history() -> None:
    """Trailing values all equal: the same value again is no anomaly, any other is."""
    data = monthly(
        {
            "EC01": [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
            "NC01": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6],
            "SW01": [0.3, 0.2, None, 0.4, None, None, 0.3],  # three values in the window
        }
    )
    trend = trend_frame(data, date(2025, 3, 1), window=6).set_index("branch_code")
    assert trend.loc["EC01", "abs_z_score"] == 0.0
    assert trend.loc["NC01", "abs_z_score"] == math.inf
    assert trend.loc["SW01", "trailing_periods"] == 3
    assert trend.loc["SW01", "trailing_mean"] == pytest.approx(0.3)
    assert trend.loc["SW01", "abs_z_score"] == pytest.approx(0.0)
    assert trend.loc["NC01", "trailing_std"] == 0.0


def test_gx_data_docs_site_is_written(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "kpi_values"
    result = validate_kpi_values(frame(good_rows()), DEFINITIONS, docs_dir=docs)
    assert result.docs_index == docs / "index.html"
    assert "kpi_values" in result.docs_index.read_text(encoding="utf-8")
    assert list((docs / "validations").rglob("*.html"))
