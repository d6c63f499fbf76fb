"""Dagster code location of the Spark target: ``AFTERSALES_TARGET=spark``.

``dagster dev -m orchestration.engines.spark.definitions``.

Job ``refresh``, the steps of ``orchestration/engines/spark/refresh.py`` as assets:
``spark_ingest`` (the Spark ingest in its own process) → ``spark_dbt_build`` (``dbt build
--target spark`` with every data and unit test, then the blocking GX suite on kpi_values)
→ ``publish`` (the marts as Parquet under ``<serving_dir>/parquet``, swapped in atomically).
A failed step is recorded in the run log like on DuckDB (``orchestration/defs/automation/hooks.py``).
The schedule is the DuckDB job's (``AFTERSALES_SCHEDULE_CRON`` / ``_TZ``). The landing
sensor is not part of it: it reads the DuckDB file register.

The dbt models are one asset here (the Spark build runs as one ``dbt`` process, and the
embedded metastore admits one JVM at a time, so its nodes cannot run as separate steps).
"""

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    ConfigurableResource,
    DefaultScheduleStatus,
    Definitions,
    Failure,
    LoggerDefinition,
    MaterializeResult,
    MetadataValue,
    ScheduleDefinition,
    asset,
    define_asset_job,
)

from orchestration import spark_refresh
from orchestration.config import Settings, load_settings
from orchestration.defs.automation.hooks import record_failure_hook

JOB_NAME = "refresh"
SCHEDULE_NAME = "daily_refresh"
DEFAULT_CRON = "0 5 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"
INGEST_KEY = AssetKey("spark_ingest")
BUILD_KEY = AssetKey("spark_dbt_build")
PUBLISH_KEY = AssetKey("publish")


class SparkRefreshConfig(ConfigurableResource):
    """Settings of a run; unset fields come from the environment (orchestration/config.py)."""

    landing_dir: str | None = None
    warehouse_dir: str | None = None
    serving_dir: str | None = None
    as_of: str | None = None

    def settings(self) -> Settings:
        settings = load_settings()
        overrides: dict[str, object] = {
            name: Path(value).resolve()
            for name in ("landing_dir", "warehouse_dir", "serving_dir")
            if (value := getattr(self, name))
        }
        if self.as_of:
            overrides["as_of"] = self.as_of
        return dataclasses.replace(settings, **overrides)


class _LogStream:
    """A text stream that forwards complete lines to the Dagster log."""

    def __init__(self, context: AssetExecutionContext) -> None:
        self.context = context
        self.buffer = ""

    def write(self, text: str) -> int:
        self.buffer += text
        *lines, self.buffer = self.buffer.split("\n")
        for line in lines:
            if line.strip():
                self.context.log.info(line.strip())
        return len(text)

    def flush(self) -> None:
        pass


def _run(step: str, function: object, *args: object, **kwargs: object) -> object:
    try:
        return function(*args, **kwargs)  # type: ignore[operator]
    except spark_refresh.SparkRefreshError as error:
        raise Failure(description=f"{step}: {error}", allow_retries=False) from error


@asset(
    key=INGEST_KEY,
    group_name="raw",
    kinds={"python", "spark"},
    description="Load new landing files into the raw tables of the Spark warehouse.",
)
def spark_ingest(context: AssetExecutionContext, aftersales: SparkRefreshConfig) -> None:
    settings = aftersales.settings()
    with spark_refresh.warehouse_lock(settings.warehouse_dir):
        _run("ingest", spark_refresh.run_spark_ingest, settings, _LogStream(context))


@asset(
    key=BUILD_KEY,
    deps=[INGEST_KEY],
    group_name="marts",
    kinds={"dbt", "spark"},
    description="dbt build --target spark (seeds, models, data and unit tests), then the "
    "Great Expectations suite on kpi_values; a failing test or expectation fails the step.",
)
def spark_dbt_build(
    context: AssetExecutionContext, aftersales: SparkRefreshConfig
) -> MaterializeResult:
    settings = aftersales.settings()
    with spark_refresh.warehouse_lock(settings.warehouse_dir):
        _run("dbt build", spark_refresh.run_dbt_build, settings, stream=_LogStream(context))
    result = spark_refresh.check_kpi_values(settings.warehouse_dir, settings.serving_dir)
    context.log.info(result.summary())
    if not result.success:
        raise Failure(description=result.summary(), allow_retries=False)
    return MaterializeResult(metadata={"kpi_values_rows": result.row_count})


@asset(
    key=PUBLISH_KEY,
    deps=[BUILD_KEY],
    group_name="serving",
    kinds={"parquet"},
    description="Every mart as Parquet under <serving_dir>/parquet/<schema>/<table>/, "
    "swapped in atomically; the previous build is kept for a rollback.",
)
def spark_publish(aftersales: SparkRefreshConfig) -> MaterializeResult:
    settings = aftersales.settings()
    manifest = spark_refresh.dbt_target_path() / "manifest.json"
    tables = spark_refresh.mart_tables(manifest)
    published = _run(
        "publish",
        spark_refresh.publish_parquet,
        settings.warehouse_dir,
        settings.serving_dir,
        tables,
    )
    assert isinstance(published, spark_refresh.SparkPublishResult)
    return MaterializeResult(
        metadata={
            "build_id": published.build_id,
            "parquet_tables": len(published.tables),
            "kpi_values_rows": published.kpi_values_rows,
            "served_path": MetadataValue.path(str(published.parquet_dir)),
        }
    )


refresh_job = define_asset_job(
    JOB_NAME,
    selection=[INGEST_KEY, BUILD_KEY, PUBLISH_KEY],
    description="Spark: ingest, dbt build (with tests) and the kpi_values suite, publish Parquet.",
    hooks={record_failure_hook},
)


def build_spark_definitions(
    aftersales: SparkRefreshConfig | None = None,
    loggers: Mapping[str, LoggerDefinition] | None = None,
) -> Definitions:
    schedule = ScheduleDefinition(
        name=SCHEDULE_NAME,
        job=refresh_job,
        cron_schedule=os.environ.get("AFTERSALES_SCHEDULE_CRON") or DEFAULT_CRON,
        execution_timezone=os.environ.get("AFTERSALES_SCHEDULE_TZ") or DEFAULT_TIMEZONE,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Refresh the KPIs once a day (Spark).",
    )
    return Definitions(
        assets=[spark_ingest, spark_dbt_build, spark_publish],
        jobs=[refresh_job],
        schedules=[schedule],
        resources={"aftersales": aftersales or SparkRefreshConfig()},
        loggers=dict(loggers) if loggers else None,
    )


defs = build_spark_definitions()
