"""The Spark refresh's publish, rollback and wiring, without a JVM.

Spark-built tables are stood in for by Parquet directories written with DuckDB in the
layout of the ``spark`` target (``<warehouse>/spark/tables/<schema>.db/<table>/``). The
whole refresh on a real Spark build is tested in ``test_spark_parity.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration import spark_refresh
from orchestration.engines.spark.refresh import (
    PARQUET_LINK,
    SparkRefreshError,
    data_files,
    mart_tables,
    parquet_source,
    publish_parquet,
    read_build_info,
    read_parquet_summary,
    rollback_parquet,
    selected_target,
    served_build_id,
    table_dir,
    warehouse_lock,
)

TABLES = [("marts", "kpi_values"), ("marts", "dim_branches")]


def _write_table(warehouse: Path, schema: str, table: str, sql: str, parts: int = 1) -> None:
    directory = table_dir(warehouse, schema, table)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    with duckdb.connect() as con:
        for part in range(parts):
            target = directory / f"part-{part:05d}-x-c000.snappy.parquet"
            con.execute(f"copy ({sql}) to '{target}' (format parquet)")
    (directory / "_SUCCESS").write_text("")
    (directory / ".part-00000-x-c000.snappy.parquet.crc").write_text("crc")


def _build(warehouse: Path, value: float) -> None:
    """A stand-in Spark build whose kpi_values rows carry ``value``."""
    _write_table(
        warehouse,
        "marts",
        "kpi_values",
        "select 'open_rate' as kpi_code, 'month' as grain, date '2025-03-01' as period_start, "
        f"b as branch_code, cast(1 as decimal(38, 6)) as numerator, "
        f"cast(2 as decimal(38, 6)) as denominator, {value} as value, "
        "cast(0.8 as decimal(18, 4)) as target, '>=' as comparator, false as meets_target, "
        "'开工率' as kpi_name_zh, 'Open rate' as kpi_name_en, date '2025-03-31' as period_end, "
        "true as is_period_complete, b is null as is_network "
        "from (values ('EC01'), (null)) as t(b)",
    )
    _write_table(warehouse, "marts", "dim_branches", "select 'EC01' as branch_code", parts=2)
    _write_table(
        warehouse,
        "intermediate",
        "int_as_of_resolved",
        "select timestamp '2025-04-13 21:46:00' as as_of, 'data' as as_of_source",
    )


def _served_values(serving: Path) -> list[float]:
    with duckdb.connect() as con:
        source = parquet_source(serving / PARQUET_LINK / "marts" / "kpi_values")
        return [row[0] for row in con.execute(f"select distinct value from {source}").fetchall()]


def test_data_files_skip_spark_bookkeeping(tmp_path: Path) -> None:
    _build(tmp_path, 0.5)
    files = data_files(table_dir(tmp_path, "marts", "kpi_values"))
    assert [f.name for f in files] == ["part-00000-x-c000.snappy.parquet"]
    assert data_files(tmp_path / "missing") == []


def test_publish_swaps_builds_and_keeps_the_previous(tmp_path: Path) -> None:
    warehouse, serving = tmp_path / "wh", tmp_path / "serving"
    _build(warehouse, 0.5)
    first = publish_parquet(warehouse, serving, TABLES)
    assert (serving / PARQUET_LINK).is_symlink()
    assert first.tables == ("marts.kpi_values", "marts.dim_branches")
    assert first.kpi_values_rows == 2 and first.previous_build_id is None
    assert _served_values(serving) == [0.5]
    info = read_build_info(serving / PARQUET_LINK)
    assert info["build_id"] == first.build_id and info["as_of"] == "2025-04-13T21:46:00"
    assert len(data_files(serving / PARQUET_LINK / "marts" / "dim_branches")) == 2
    assert not (serving / PARQUET_LINK / "marts" / "kpi_values" / "_SUCCESS").exists()

    _build(warehouse, 0.25)
    second = publish_parquet(warehouse, serving, TABLES)
    assert second.previous_build_id == first.build_id
    assert served_build_id(serving) == second.build_id
    assert _served_values(serving) == [0.25]

    _build(warehouse, 0.125)
    third = publish_parquet(warehouse, serving, TABLES)
    kept = sorted(p.name for p in serving.iterdir() if p.name.startswith(".spark-parquet-"))
    assert kept == sorted(f".spark-parquet-{b.build_id}" for b in (second, third))

    assert rollback_parquet(serving) == second.build_id
    assert _served_values(serving) == [0.25]
    assert rollback_parquet(serving) == third.build_id  # and forward again
    assert _served_values(serving) == [0.125]


def test_failed_publish_leaves_the_served_build(tmp_path: Path) -> None:
    warehouse, serving = tmp_path / "wh", tmp_path / "serving"
    _build(warehouse, 0.5)
    served = publish_parquet(warehouse, serving, TABLES)
    with pytest.raises(SparkRefreshError, match="no data files"):
        publish_parquet(warehouse, serving, [*TABLES, ("marts", "never_built")])
    with pytest.raises(SparkRefreshError, match="kpi_values"):
        publish_parquet(warehouse, serving, [("marts", "dim_branches")])
    assert served_build_id(serving) == served.build_id
    assert [p.name for p in serving.iterdir() if p.name.startswith(".spark-parquet-")] == [
        f".spark-parquet-{served.build_id}"
    ]
    with pytest.raises(SparkRefreshError, match="nothing to roll back"):
        rollback_parquet(serving)


def test_summary_from_published_parquet(tmp_path: Path) -> None:
    warehouse, serving = tmp_path / "wh", tmp_path / "serving"
    _build(warehouse, 0.5)
    publish_parquet(warehouse, serving, TABLES)
    summary = read_parquet_summary(serving / PARQUET_LINK)
    assert str(summary.month_start) == "2025-03-01"
    assert summary.rows["EC01"]["open_rate"].value == 0.5
    assert summary.rows["(network)"]["open_rate"].meets_target is False


def test_mart_tables_from_the_manifest(tmp_path: Path) -> None:
    def node(name: str, schema: str, materialized: str, **extra: object) -> dict:
        return {
            "resource_type": extra.pop("resource_type", "model"),
            "name": name,
            "alias": extra.pop("alias", name),
            "schema": schema,
            "config": {
                "materialized": materialized,
                "enabled": extra.pop("enabled", True),
                "meta": extra.pop("meta", {}),
            },
        }

    nodes = [
        node("kpi_values", "marts", "table"),
        node("fct_x", "marts", "incremental"),
        node("v", "marts", "view"),
        node("e", "marts", "ephemeral"),
        node("stg", "staging", "table"),
        node("t", "marts", "test", resource_type="test"),
        node("off", "marts", "table", enabled=False),
        node("model_name", "marts", "table", alias="aliased"),
        node("fct_kpi_daily", "marts", "table", meta={"served": False}),
        node("dim_x", "marts", "table", meta={"served": True}),
    ]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {str(i): n for i, n in enumerate(nodes)}}))
    assert mart_tables(manifest) == [
        ("marts", "aliased"),
        ("marts", "dim_x"),
        ("marts", "fct_x"),
        ("marts", "kpi_values"),
    ]


def test_target_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    assert selected_target({}) == "duckdb"
    assert selected_target({"AFTERSALES_TARGET": ""}) == "duckdb"
    assert selected_target({"AFTERSALES_TARGET": "spark"}) == "spark"
    monkeypatch.setenv("AFTERSALES_TARGET", "spark_cluster")
    assert spark_refresh.main(["--no-publish"]) == 2  # a cluster is not run from here


def test_one_refresh_per_warehouse(tmp_path: Path) -> None:
    with (
        warehouse_lock(tmp_path),
        pytest.raises(SparkRefreshError, match="another refresh"),
        warehouse_lock(tmp_path),
    ):
        pass
    with warehouse_lock(tmp_path):  # released again
        pass


def test_failed_step_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing_ingest(settings: object, stream: object = None) -> None:
        raise SparkRefreshError("the Spark ingest failed (exit 1)")

    monkeypatch.setattr(spark_refresh, "run_spark_ingest", failing_ingest)
    monkeypatch.setenv("AFTERSALES_TARGET", "spark")
    code = spark_refresh.main(
        ["--warehouse-dir", str(tmp_path / "wh"), "--serving-dir", str(tmp_path / "serving")]
    )
    assert code == 1
    assert "Refresh FAILED" in capsys.readouterr().out
    assert not (tmp_path / "serving" / PARQUET_LINK).exists()


def test_cli_delegates_to_the_spark_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration import cli, dbt_resource

    def no_duckdb_refresh(settings: object) -> None:
        raise AssertionError("the DuckDB refresh ran")

    # without the delegation the DuckDB refresh would start: stop it at its first step
    monkeypatch.setattr(dbt_resource, "prepare_manifest", no_duckdb_refresh)
    for name in ("LANDING", "WAREHOUSE", "SERVING"):
        monkeypatch.setenv(f"AFTERSALES_{name}_DIR", str(tmp_path / name.lower()))
    calls: list[list[str]] = []
    monkeypatch.setattr(spark_refresh, "main", lambda argv=None: calls.append(argv) or 7)
    monkeypatch.setenv("AFTERSALES_TARGET", "spark")
    assert cli.main(["--no-publish"]) == 7
    assert calls == [["--no-publish"]]


def test_dagster_spark_job_runs_the_steps_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spark code location's job: ingest → dbt build + kpi_values suite → publish."""
    from dagster import DagsterInstance

    from orchestration.engines.spark.definitions import SparkRefreshConfig, build_spark_definitions

    warehouse, serving, target = tmp_path / "wh", tmp_path / "serving", tmp_path / "target"
    steps: list[str] = []

    def fake_ingest(settings, stream=None) -> None:
        steps.append("ingest")
        print("loaded 2 files", file=stream)

    def fake_dbt_build(settings, *, target_path=None, extra_args=(), stream=None) -> Path:
        steps.append("dbt build")
        _build(settings.warehouse_dir, 0.5)
        _write_table(
            settings.warehouse_dir,
            "config",
            "kpi_definitions",
            "select 'open_rate' as kpi_code, 'ratio' as kind, 1.0 as scale, "
            "cast(0 as double) as value_min, cast(null as double) as value_max",
        )
        target.mkdir(exist_ok=True)
        nodes = {
            f"model.aftersales.{t}": {
                "resource_type": "model",
                "name": t,
                "alias": t,
                "schema": s,
                "config": {"materialized": "table", "enabled": True},
            }
            for s, t in TABLES
        }
        (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
        return target

    monkeypatch.setattr(spark_refresh, "run_spark_ingest", fake_ingest)
    monkeypatch.setattr(spark_refresh, "run_dbt_build", fake_dbt_build)
    monkeypatch.setenv("DBT_TARGET_PATH", str(target))
    config = SparkRefreshConfig(warehouse_dir=str(warehouse), serving_dir=str(serving))
    defs = build_spark_definitions(config)
    job = defs.resolve_job_def("refresh")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success
    assert steps == ["ingest", "dbt build"]
    assert _served_values(serving) == [0.5]
    assert read_build_info(serving / PARQUET_LINK)["tables"] == [
        "marts.dim_branches",
        "marts.kpi_values",
    ]
