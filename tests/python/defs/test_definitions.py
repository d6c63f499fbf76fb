"""The Dagster code location loads, is wired as documented, and a failing GX check blocks
publish. The manifest is prepared once per session with ``dbt parse``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from orchestration.config import Settings
from orchestration.engines.spark.tables import table_dir
from orchestration.quality.kpi_values_suite import KPI_VALUES_COLUMNS
from orchestration.serving.selection import served_tables


@pytest.fixture(scope="session")
def orch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """Import the definitions with a freshly parsed manifest.

    dbt artifacts go to the session's temporary ``DBT_TARGET_PATH`` (``conftest.py``), which
    ``orchestration.defs.dbt.project`` reads when it is first imported.
    """
    base = tmp_path_factory.mktemp("definitions")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AFTERSALES_WAREHOUSE_DIR", str(base / "warehouse"))
        patch.setenv("AFTERSALES_SERVING_DIR", str(base / "serving"))
        patch.setenv("AFTERSALES_LANDING_DIR", str(base / "landing"))
        patch.delenv("AFTERSALES_SCHEDULE_CRON", raising=False)
        patch.delenv("AFTERSALES_SCHEDULE_TZ", raising=False)
        patch.delenv("DAGSTER_IS_DEV_CLI", raising=False)

        from orchestration.config import load_settings
        from orchestration.defs.dbt.project import dbt_project, prepare_manifest

        assert not dbt_project.manifest_path.is_relative_to(dbt_project.project_dir)
        prepare_manifest(load_settings())

        from orchestration import definitions
        from orchestration.defs.automation import schedule
        from orchestration.defs.checks import gx
        from orchestration.defs.dbt import assets as dbt_assets
        from orchestration.defs.ingest import assets as ingest_assets
        from orchestration.defs.ingest import freshness
        from orchestration.defs.publish import assets as publish_assets
        from orchestration.defs.resources import AftersalesConfig

        assets = SimpleNamespace(
            INGEST_KEY=ingest_assets.INGEST_KEY,
            PUBLISH_KEY=publish_assets.PUBLISH_KEY,
            KPI_VALUES_KEY=dbt_assets.KPI_VALUES_KEY,
            AftersalesConfig=AftersalesConfig,
            dbt_project=dbt_project,
            publish_warehouse=publish_assets.publish_warehouse,
            dbt_build=dbt_assets.dbt_build,
            ingest=ingest_assets.ingest,
        )
        checks = SimpleNamespace(
            gx_blocking_suites=gx.gx_blocking_suites,
            gx_kpi_trend=gx.gx_kpi_trend,
            landing_freshness_check=freshness.landing_freshness_check,
        )
        yield SimpleNamespace(
            assets=assets, checks=checks, definitions=definitions, schedule=schedule
        )


def test_definitions_load(orch: SimpleNamespace) -> None:
    from dagster import Definitions

    Definitions.validate_loadable(orch.definitions.defs)


def test_schedule_is_daily_and_running_by_default(
    orch: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dagster import DefaultScheduleStatus

    schedule = orch.definitions.defs.resolve_schedule_def("daily_refresh")
    assert schedule.default_status == DefaultScheduleStatus.RUNNING
    assert schedule.cron_schedule == "0 5 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "refresh"

    monkeypatch.setenv("AFTERSALES_SCHEDULE_CRON", "30 6 * * 1-5")
    monkeypatch.setenv("AFTERSALES_SCHEDULE_TZ", "Europe/Berlin")
    custom = orch.schedule.daily_schedule()
    assert (custom.cron_schedule, custom.execution_timezone) == ("30 6 * * 1-5", "Europe/Berlin")
    assert custom.default_status == DefaultScheduleStatus.RUNNING


def test_refresh_job_covers_all_assets_and_checks(orch: SimpleNamespace) -> None:
    from dagster import AssetCheckKey

    a = orch.assets
    job = orch.definitions.defs.resolve_job_def("refresh")
    keys = set(job.asset_layer.executable_asset_keys)
    assert {a.INGEST_KEY, a.PUBLISH_KEY, a.KPI_VALUES_KEY} <= keys
    assert set(a.dbt_build.keys) <= keys

    check_keys = set(job.asset_layer.asset_graph.asset_check_keys)
    gx_key = AssetCheckKey(a.KPI_VALUES_KEY, "gx_kpi_values_suite")
    assert gx_key in check_keys
    dbt_check_keys = check_keys - {gx_key}
    assert dbt_check_keys, "dbt tests should be loaded as asset checks"
    assert any(key.asset_key == a.KPI_VALUES_KEY for key in dbt_check_keys)


def test_one_job_graph_for_both_engines(orch: SimpleNamespace) -> None:
    """The engine is a resource setting: the Spark job has the DuckDB job's assets and
    checks, and its resource resolves to the Spark engine."""
    from orchestration.engines.duckdb.engine import DuckDbEngine
    from orchestration.engines.spark.engine import SparkEngine

    def graph(target: str) -> tuple[set, set]:
        config = orch.assets.AftersalesConfig(target=target)
        job = orch.definitions.build_definitions(config).resolve_job_def("refresh")
        return set(job.asset_layer.executable_asset_keys), set(
            job.asset_layer.asset_graph.asset_check_keys
        )

    assert graph("spark") == graph("duckdb")
    assert isinstance(orch.assets.AftersalesConfig(target="spark").engine(), SparkEngine)
    assert isinstance(orch.assets.AftersalesConfig(target="duckdb").engine(), DuckDbEngine)


def test_the_resource_gives_back_the_settings_it_was_made_of(
    orch: SimpleNamespace, tmp_path: Path
) -> None:
    from orchestration.config import Settings

    settings = Settings(
        tmp_path / "landing", tmp_path / "wh", tmp_path / "serving", "2025-06-30 18:00:00", "spark"
    )
    config = orch.assets.AftersalesConfig.of(settings, full_refresh=True)
    assert config.settings() == settings
    assert config.full_refresh is True
    assert orch.assets.AftersalesConfig.of(settings).full_refresh is False


def test_groups_and_lineage(orch: SimpleNamespace) -> None:
    a = orch.assets
    graph = orch.definitions.defs.resolve_asset_graph()
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups[a.INGEST_KEY] == "raw"
    assert groups[a.PUBLISH_KEY] == "serving"
    assert groups[a.KPI_VALUES_KEY] == "marts"
    dbt_groups = {groups[key] for key in a.dbt_build.keys}
    assert dbt_groups <= {"staging", "intermediate", "marts", "config"}
    assert {"staging", "marts", "config"} <= dbt_groups

    # dbt sources are the ingest asset: raw -> staging.
    children_of_ingest = graph.get(a.INGEST_KEY).child_keys
    assert children_of_ingest
    assert all(groups[key] == "staging" for key in children_of_ingest)
    parents = graph.get(a.PUBLISH_KEY).parent_keys
    assert a.KPI_VALUES_KEY in parents
    # publish also waits for the staging models whose GX suites are blocking
    staging_parents = {key.path[-1] for key in parents if groups[key] == "staging"}
    assert staging_parents == {"stg_dms__tickets", "stg_dms__part_requests", "stg_dms__callbacks"}
    assert {groups[key] for key in parents} == {"marts", "staging"}


def test_gx_check_is_blocking(orch: SimpleNamespace) -> None:
    checks = orch.checks.gx_blocking_suites.check_specs
    specs = [spec for spec in checks if spec.name == "gx_kpi_values_suite"]
    assert len(specs) == 1 and specs[0].blocking
    assert specs[0].asset_key == orch.assets.KPI_VALUES_KEY


def test_checks_blocking_and_warning(orch: SimpleNamespace) -> None:
    c = orch.checks
    blocking = list(c.gx_blocking_suites.check_specs)
    staging = [s for s in blocking if s.name == "gx_staging_suite"]
    assert {s.asset_key.path[-1] for s in staging} == {
        "stg_dms__tickets",
        "stg_dms__part_requests",
        "stg_dms__callbacks",
    }
    assert len(blocking) == 4 and all(s.blocking for s in blocking)
    assert not any(s.blocking for s in c.gx_kpi_trend.check_specs)
    freshness = next(iter(c.landing_freshness_check.check_specs))
    assert freshness.asset_key == orch.assets.INGEST_KEY and not freshness.blocking

    # The job runs every blocking check before publish.
    job = orch.definitions.defs.resolve_job_def("refresh")
    upstream = {
        output.node_name
        for outputs in job.graph.dependency_structure.input_to_upstream_outputs_for_node(
            "publish"
        ).values()
        for output in (outputs if isinstance(outputs, list) else [outputs])
    }
    assert "gx_blocking_suites" in upstream


def test_warehouse_steps_share_one_pool_and_retry(orch: SimpleNamespace) -> None:
    from dagster import Backoff

    from orchestration.defs.automation.policies import WAREHOUSE_POOL

    a, c = orch.assets, orch.checks
    definitions = [
        a.ingest,
        a.dbt_build,
        a.publish_warehouse,
        c.gx_blocking_suites,
        c.gx_kpi_trend,
        c.landing_freshness_check,
    ]
    for definition in definitions:
        op = definition.op
        assert op.pool == WAREHOUSE_POOL, op.name
        assert op.retry_policy is not None and op.retry_policy.backoff == Backoff.EXPONENTIAL
    job = orch.definitions.defs.resolve_job_def("refresh")
    assert {hook.name for hook in job.hook_defs} == {"record_failure"}


def test_instance_config_limits_the_pool_to_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from dagster import DagsterInstance

    from orchestration.config import PROJECT_DIR
    from orchestration.defs.automation.policies import WAREHOUSE_POOL

    shutil.copy(PROJECT_DIR / "orchestration" / "dagster_home" / "dagster.yaml", tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        assert info.limit == 1


def test_sensor_and_freshness_policy(orch: SimpleNamespace) -> None:
    from datetime import timedelta

    from dagster import DefaultSensorStatus

    defs = orch.definitions.defs
    sensor = defs.resolve_sensor_def("landing_files")
    assert sensor.default_status == DefaultSensorStatus.RUNNING
    assert sensor.job_name == "refresh"
    policy = defs.resolve_asset_graph().get(orch.assets.PUBLISH_KEY).freshness_policy
    assert policy.warn_window.to_timedelta() == timedelta(hours=26)
    assert policy.fail_window.to_timedelta() == timedelta(hours=52)


def test_schedule_tick_requests_a_refresh(orch: SimpleNamespace) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dagster import build_schedule_context

    schedule = orch.definitions.defs.resolve_schedule_def("daily_refresh")
    tick = datetime(2025, 4, 1, 5, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    assert len(result.run_requests) == 1


def test_definitions_load_without_parsing_dbt(orch: SimpleNamespace) -> None:
    """Outside ``dagster dev`` an existing manifest is used as it is: no ``dbt parse``."""
    import os
    import subprocess
    import sys
    import time

    from orchestration.defs.dbt.project import dbt_project

    manifest = dbt_project.manifest_path
    before = manifest.stat().st_mtime_ns
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_IS_DEV_CLI"}
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", "import orchestration.definitions"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert manifest.stat().st_mtime_ns == before
    print(f"definitions loaded in {elapsed:.1f}s")


def _kpi_rows(value: float) -> pd.DataFrame:
    march = date(2025, 3, 1)
    row = ("revisit_rate", "month", march, "BJ01", 13.0, 20.0, value, 0.65, ">", True)
    labels = ("回访率", "Follow-up (revisit) rate", date(2025, 3, 31), True, False)
    return pd.DataFrame([(*row, *labels)], columns=list(KPI_VALUES_COLUMNS))


def _write_build(settings: Settings, manifest_path: Path, value: float) -> None:
    """A stand-in for the dbt build: kpi_values, the KPI definitions and the other served
    marts, written where the engine's dbt build writes them."""
    tables = {
        "marts.kpi_values": "select * from rows",
        "config.kpi_definitions": "select 'revisit_rate' as kpi_code, 'ratio' as kind, 1 as scale",
    }
    for table in served_tables(manifest_path):
        parts_column = f", date '2026-01-01' as {table.parts_by}" if table.parts_by else ""
        tables.setdefault(table.qualified, f"select 1 as x{parts_column}")
    with duckdb.connect(
        str(settings.warehouse_path) if settings.target == "duckdb" else ":memory:"
    ) as con:
        con.register("rows", _kpi_rows(value))
        for qualified, sql in tables.items():
            schema, name = qualified.split(".")
            if settings.target == "duckdb":
                con.execute(f"create schema if not exists {schema}")
                con.execute(f"create or replace table {qualified} as {sql}")
            else:  # a Spark table: a directory of Parquet files
                directory = table_dir(settings.warehouse_dir, schema, name)
                directory.mkdir(parents=True, exist_ok=True)
                con.execute(f"copy ({sql}) to '{directory / 'part-00000.parquet'}'")


@pytest.mark.parametrize("target", ["duckdb", "spark"])
@pytest.mark.parametrize(("value", "published"), [(0.65, True), (1.5, False)])
def test_failing_gx_check_blocks_publish(
    orch: SimpleNamespace, tmp_path: Path, value: float, published: bool, target: str
) -> None:
    """A stand-in for the dbt-built kpi_values, with the real GX check and publish asset,
    on both engines: the same assets and checks, the engine's storage."""
    from dagster import asset, materialize

    a = orch.assets
    config = a.AftersalesConfig(
        warehouse_dir=str(tmp_path / "warehouse"),
        serving_dir=str(tmp_path / "serving"),
        target=target,
    )

    @asset(key=a.KPI_VALUES_KEY, required_resource_keys={"aftersales"})
    def kpi_values_stub(context) -> None:
        settings = context.resources.aftersales.settings()
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        _write_build(settings, a.dbt_project.manifest_path, value)

    result = materialize(
        [kpi_values_stub, orch.checks.gx_blocking_suites, a.publish_warehouse],
        resources={"aftersales": config},
        raise_on_error=False,
    )

    evaluations = result.get_asset_check_evaluations()
    assert [e.passed for e in evaluations] == [published]
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert (a.PUBLISH_KEY in materialized) is published
    served = "aftersales.duckdb" if target == "duckdb" else "parquet/marts/kpi_values"
    assert (tmp_path / "serving" / served).exists() is published
