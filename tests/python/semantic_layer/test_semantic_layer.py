"""The MetricFlow semantic layer (``models/marts/semantic/``).

- The committed ``_semantic__metrics.yml`` is exactly what ``orchestration.semantic_layer.build``
  generates from the seed and the KPI registry (so a new or moved KPI forces regeneration).
- Generator rules per kind, scale and per-period KPIs, on hand-made seed rows.
- End to end: a warehouse built from the generated sample (``small_landing``), then
  ``mf query`` (the venv's MetricFlow CLI, CSV output) for every metric by branch and
  month, by region and month and for the network, compared with ``marts.kpi_values``;
  technician metrics compared with ``marts.fct_technician_kpi_values``.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.config import PROJECT_DIR
from orchestration.engines.duckdb.ingest import ingest_landing
from orchestration.semantic_layer import build as sl

BIN = Path(sys.executable).parent
RELATIVE_TOLERANCE = 1e-9
# Everything the semantic models and the comparisons read: seeds and models, no tests
# (the project's dbt build runs those).
SELECTION = [
    "+fct_kpi_daily",
    "+fct_technician_kpi_daily",
    "+metricflow_time_spine",
    "+dim_branches",
    "+dim_technicians",
    "+kpi_values",
    "+fct_technician_kpi_values",
]
NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def _definition(code: str, kind: str, scale: str = "1") -> sl.KpiDefinition:
    name_en = code.replace("_", " ")
    return sl.KpiDefinition(code, "中文", name_en, "area", kind, Decimal(scale), "001")


def _by_name(items: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(item["name"]): item for item in items}


# --- generator ----------------------------------------------------------------------------


def test_committed_yaml_is_what_the_generator_writes() -> None:
    assert sl.OUTPUT_PATH.read_text(encoding="utf-8") == sl.generate(), (
        "models/marts/semantic/_semantic__metrics.yml is out of date: "
        "run `python -m orchestration.semantic_layer.build`"
    )


def test_every_seeded_kpi_has_a_metric_unless_fed_per_period() -> None:
    definitions = sl.read_definitions()
    periods = sl.period_model_codes(definitions, sl.read_registry())
    document = sl.build_semantic_layer(definitions, periods)
    metrics = _by_name(document["metrics"])
    for d in definitions:
        assert (d.code in metrics) != (d.code in periods), d.code
    assert {"technician_open_rate", "technician_labor_efficiency"} <= set(metrics)


def test_generator_rules_per_kind_and_scale() -> None:
    definitions = [
        _definition("a_rate", "ratio"),
        _definition("a_score", "ratio", "100"),
        _definition("a_count", "count"),
        _definition("an_amount", "amount"),
        _definition("a_backlog", "snapshot"),
        _definition("a_distinct_rate", "ratio"),
        _definition("open_rate", "ratio"),
        _definition("labor_efficiency", "ratio"),
        _definition("productivity_index", "ratio"),
    ]
    document = sl.build_semantic_layer(definitions, {"a_distinct_rate"})
    kpi_daily = _by_name(document["semantic_models"])["kpi_daily"]
    measures = _by_name(kpi_daily["measures"])  # type: ignore[arg-type]
    metrics = _by_name(document["metrics"])

    assert measures["a_rate_numerator"]["expr"] == (
        "case when kpi_code = 'a_rate' then numerator end"
    )
    assert metrics["a_rate"]["type"] == "ratio"
    assert metrics["a_rate"]["type_params"] == {
        "numerator": "a_rate_numerator",
        "denominator": "a_rate_denominator",
    }
    assert metrics["a_score"]["type"] == "derived"
    assert "* 100 /" in metrics["a_score"]["type_params"]["expr"]  # type: ignore[index]
    for code in ("a_count", "an_amount", "a_backlog"):
        assert metrics[code]["type"] == "simple"
        assert f"{code}_denominator" not in measures
    assert measures["a_backlog_numerator"]["non_additive_dimension"] == {
        "name": "date_day",
        "window_choice": "max",
        "window_groupings": ["branch", "kpi"],
    }
    assert "non_additive_dimension" not in measures["a_count_numerator"]
    assert "a_distinct_rate" not in metrics
    assert "a_distinct_rate_numerator" not in measures
    assert "a_distinct_rate" in sl.render(definitions, {"a_distinct_rate"}).split("version:")[0]


def test_registry_parsing_finds_per_period_models_and_ignores_comments() -> None:
    definitions = [_definition("rate", "ratio"), _definition("rate_bc", "ratio")]
    registry = """
        {#- per-period models: 'int_kpi_rate_periods' in a comment does not count -#}
        {% macro kpi_models_by_area() -%}
            {{ return({'x': ['int_kpi_rate_daily', 'int_kpi_rate_bc_periods']}) }}
        {%- endmacro %}
    """
    assert sl.period_model_codes(definitions, registry) == {"rate_bc"}


def test_generator_rejects_unusable_seed_rows(tmp_path: Path) -> None:
    seed = tmp_path / "kpi_definitions.csv"
    header = "kpi_code,name_zh,name_en,area,kind,scale,seed_source,value_min,value_max\n"
    seed.write_text(header + "bad__name,x,x,a,ratio,1,001,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a MetricFlow name"):
        sl.read_definitions(seed)
    seed.write_text(header + "a_rate,x,x,a,average,1,001,0,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown kind"):
        sl.read_definitions(seed)


# --- end to end: mf query against kpi_values ----------------------------------------------


@dataclass
class Warehouse:
    project: Path  # a view of the project whose target/ holds this build's manifests
    env: dict[str, str]
    path: Path
    tmp: Path

    results: dict[tuple[tuple[str, ...], tuple[str, ...]], pd.DataFrame] = field(
        default_factory=dict
    )

    def query(self, metrics: list[str], group_by: list[str]) -> pd.DataFrame:
        """``mf query`` (each call costs seconds of start-up: same questions are asked once)."""
        key = (tuple(metrics), tuple(group_by))
        if key not in self.results:
            self.results[key] = self._run_mf(metrics, group_by)
        return self.results[key]

    def _run_mf(self, metrics: list[str], group_by: list[str]) -> pd.DataFrame:
        out = self.tmp / f"mf_{len(self.results)}.csv"
        args = [str(BIN / "mf"), "query", "--metrics", ",".join(metrics), "--csv", str(out)]
        if group_by:
            args += ["--group-by", ",".join(group_by)]
        result = subprocess.run(
            args, cwd=self.project, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0 and out.exists(), result.stdout + result.stderr
        with out.open(newline="") as handle:
            return pd.DataFrame(list(csv.DictReader(handle)))

    def sql(self, query: str) -> pd.DataFrame:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(query).df()


def _project_view(target: Path) -> Path:
    """A directory that looks like the project (symlinks) but has its own target/: mf
    reads ``<project>/target/semantic_manifest.json`` whatever DBT_TARGET_PATH says, and the
    project's own target/ is shared."""
    view = target.parent / "project"
    view.mkdir()
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in {"target", "logs", "data", ".git"}:
            (view / entry.name).symlink_to(entry)
    (view / "target").symlink_to(target)
    return view


@pytest.fixture(scope="module")
def warehouse(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    base = tmp_path_factory.mktemp("semantic_layer")
    warehouse_dir, target = base / "warehouse", base / "target"
    warehouse_dir.mkdir()
    target.mkdir()
    path = warehouse_dir / "aftersales.duckdb"
    ingest_landing(small_landing, path)
    env = {k: v for k, v in os.environ.items() if k != "AFTERSALES_AS_OF"}
    env.update(
        AFTERSALES_WAREHOUSE_DIR=str(warehouse_dir),
        AFTERSALES_LANDING_DIR=str(small_landing),
        DBT_TARGET_PATH=str(target),
        DBT_LOG_PATH=str(base / "logs"),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    dbt = shutil.which("dbt", path=env["PATH"]) or "dbt"
    result = subprocess.run(
        [dbt, "build", "--project-dir", str(PROJECT_DIR), "--select", *SELECTION, *NO_TESTS],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert (target / "semantic_manifest.json").exists()
    yield Warehouse(_project_view(target), env, path, base)


def _exposed_metrics(warehouse: Warehouse) -> dict[str, tuple[str, float]]:
    """Metric name -> (kind, scale) for every generated KPI metric with rows in kpi_values."""
    definitions = sl.read_definitions()
    periods = sl.period_model_codes(definitions, sl.read_registry())
    present = set(warehouse.sql("select distinct kpi_code from marts.kpi_values")["kpi_code"])
    return {
        d.code: (d.kind, float(d.scale))
        for d in definitions
        if d.code not in periods and d.code in present
    }


def _expected(rows: pd.DataFrame, keys: list[str], kind: str, scale: float) -> dict:
    """Region / network roll-up of kpi_values rows: sums of numerators and denominators."""
    out: dict[tuple[object, ...], float | None] = {}
    for key, group in rows.groupby(keys, dropna=False):
        numerator = float(group["numerator"].astype(float).sum())
        if kind == "ratio":
            denominator = float(group["denominator"].astype(float).sum())
            out[key] = None if denominator == 0 else numerator * scale / denominator
        else:
            out[key] = numerator
    return out


def _mf_value(text: str) -> float | None:
    return None if text in ("", "None", "nan", "NaN") else float(text)


def _month(text: str) -> date:
    return pd.Timestamp(text).date()


def _compare(
    actual: dict[tuple[object, ...], float | None],
    expected: dict[tuple[object, ...], float | None],
    metric: str,
) -> None:
    assert expected, f"{metric}: nothing to compare"
    for key, value in expected.items():
        got = actual.get(key)
        if value is None:
            assert got is None, (metric, key, got)
        else:
            assert got is not None and math.isclose(
                got, value, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9
            ), (metric, key, got, value)
    extra = {k: v for k, v in actual.items() if k not in expected and v not in (None, 0.0)}
    assert not extra, f"{metric}: rows that kpi_values does not have: {extra}"


def _month_rows(warehouse: Warehouse, table: str, codes: list[str]) -> pd.DataFrame:
    listed = ", ".join(f"'{c}'" for c in codes)
    return warehouse.sql(
        f"select * from marts.{table} where grain = 'month' and kpi_code in ({listed})"
    )


def test_revisit_rate_by_region_and_month_adds_branch_numerators_and_denominators(
    warehouse: Warehouse,
) -> None:
    metrics = sorted(_exposed_metrics(warehouse))  # the same question as the test below
    assert "revisit_rate" in metrics
    result = warehouse.query(metrics, ["metric_time__month", "branch__region"])
    rows = _month_rows(warehouse, "kpi_values", ["revisit_rate"])
    branches = warehouse.sql("select branch_code, region from marts.dim_branches")
    rows = rows[rows["branch_code"].notna()].merge(branches, on="branch_code")
    rows["month"] = [pd.Timestamp(v).date() for v in rows["period_start"]]
    expected = _expected(rows, ["month", "region"], "ratio", 1.0)
    assert len({region for _, region in expected}) >= 2, "the sample should span regions"
    actual = {
        (_month(r["metric_time__month"]), r["branch__region"]): _mf_value(r["revisit_rate"])
        for r in result.to_dict("records")
    }
    _compare(actual, expected, "revisit_rate")


@pytest.mark.parametrize("by", ["branch", "region", "network"])
def test_every_metric_by_month_equals_kpi_values(warehouse: Warehouse, by: str) -> None:
    metrics = _exposed_metrics(warehouse)
    assert {"open_rate", "revisit_rate"} <= set(metrics)
    dimension = {"branch": ["branch"], "region": ["branch__region"], "network": []}[by]
    result = warehouse.query(sorted(metrics), ["metric_time__month", *dimension])
    assert len(result) > 0
    rows = _month_rows(warehouse, "kpi_values", sorted(metrics))
    rows["month"] = [pd.Timestamp(v).date() for v in rows["period_start"]]
    if by == "network":
        rows, keys, column = rows[rows["branch_code"].isna()], ["month"], None
    else:
        rows = rows[rows["branch_code"].notna()]
        if by == "region":
            branches = warehouse.sql("select branch_code, region from marts.dim_branches")
            rows = rows.merge(branches, on="branch_code")
        keys = ["month", "branch_code" if by == "branch" else "region"]
        column = dimension[0]
    for metric, (kind, scale) in metrics.items():
        group = rows[rows["kpi_code"] == metric]
        expected = {
            (key if isinstance(key, tuple) else (key,)): value
            for key, value in _expected(group, keys, kind, scale).items()
        }
        actual = {
            (_month(r["metric_time__month"]),) + ((r[column],) if column else ()): _mf_value(
                r[metric]
            )
            for r in result.to_dict("records")
        }
        _compare(actual, expected, metric)


def test_technician_metrics_equal_fct_technician_kpi_values(warehouse: Warehouse) -> None:
    codes = list(sl.TECHNICIAN_KPIS)
    metrics = [f"technician_{code}" for code in codes]
    rows = _month_rows(warehouse, "fct_technician_kpi_values", codes)
    rows["month"] = [pd.Timestamp(v).date() for v in rows["period_start"]]
    for group_by, branch_rows in (
        (["metric_time__month", "technician", "branch"], True),
        (["metric_time__month", "technician"], False),
    ):
        result = warehouse.query(metrics, group_by)
        selected = rows[rows["branch_code"].notna() == branch_rows]
        keys = ["month", "employee_id", *(["branch_code"] if branch_rows else [])]
        for code in codes:
            expected = _expected(selected[selected["kpi_code"] == code], keys, "ratio", 1.0)
            actual = {
                (_month(r["metric_time__month"]), r["technician"])
                + ((r["branch"],) if branch_rows else ()): _mf_value(r[f"technician_{code}"])
                for r in result.to_dict("records")
            }
            _compare(actual, expected, f"technician_{code}")
