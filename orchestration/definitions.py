"""Dagster code location: ``dagster dev -m orchestration.definitions`` (see the README for
``DAGSTER_HOME`` and ``orchestration/dagster_home/dagster.yaml``).

- Job ``refresh``: ingest → dbt build (dbt tests as asset checks) → GX suites on the staging
  facts and kpi_values (blocking), trend and landing-freshness warnings → publish. Every step
  that opens the build warehouse runs in the ``aftersales_warehouse`` pool (limit 1) and
  retries transient failures with backoff; a failed step is recorded in
  ``<warehouse_dir>/run_log.duckdb`` (and POSTed to ``AFTERSALES_FAILURE_WEBHOOK_URL``).
- Schedule ``daily_refresh``, on by default: ``AFTERSALES_SCHEDULE_CRON`` (default
  ``0 5 * * *``) in ``AFTERSALES_SCHEDULE_TZ`` (default ``Asia/Shanghai``).
- Sensor ``landing_files``, on by default: a run when new landing files appear
  (``orchestration/defs/automation/sensors.py``).
- Freshness: ``publish`` has a ``FreshnessPolicy`` (warn after
  ``AFTERSALES_PUBLISH_MAX_AGE_HOURS``, default 26 h, without a publish; fail after twice
  that; shown when ``freshness: enabled`` is set in dagster.yaml), and
  ``landing_freshness`` (from the ingest register) warns about a stale landing feed.

``aftersales-refresh`` runs the same job in-process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    LoggerDefinition,
    ScheduleDefinition,
    define_asset_job,
)

from orchestration.defs.assets import AftersalesConfig, dbt_build, ingest, publish_warehouse
from orchestration.defs.automation.hooks import record_failure_hook
from orchestration.defs.automation.sensors import make_landing_sensor
from orchestration.defs.checks.asset_checks import JOB_CHECKS
from orchestration.defs.dbt.project import make_dbt_resource

JOB_NAME = "refresh"
SCHEDULE_NAME = "daily_refresh"
DEFAULT_CRON = "0 5 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"

refresh_job = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    description=(
        "Ingest new landing files, dbt build (with data tests), GX checks, landing "
        "freshness, publish."
    ),
    hooks={record_failure_hook},
)


def daily_schedule() -> ScheduleDefinition:
    return ScheduleDefinition(
        name=SCHEDULE_NAME,
        job=refresh_job,
        cron_schedule=os.environ.get("AFTERSALES_SCHEDULE_CRON") or DEFAULT_CRON,
        execution_timezone=os.environ.get("AFTERSALES_SCHEDULE_TZ") or DEFAULT_TIMEZONE,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Refresh the KPIs once a day.",
    )


def build_definitions(
    aftersales: AftersalesConfig | None = None,
    loggers: Mapping[str, LoggerDefinition] | None = None,
) -> Definitions:
    """The code location's definitions; the CLI passes its own settings and logger."""
    config = aftersales or AftersalesConfig()
    return Definitions(
        assets=[ingest, dbt_build, publish_warehouse],
        asset_checks=JOB_CHECKS,
        jobs=[refresh_job],
        schedules=[daily_schedule()],
        sensors=[make_landing_sensor(refresh_job, config.settings)],
        resources={"dbt": make_dbt_resource(), "aftersales": config},
        loggers=dict(loggers) if loggers else None,
    )


def _selected_definitions() -> Definitions:
    """``AFTERSALES_TARGET=spark`` loads the Spark location, anything else DuckDB's."""
    from orchestration.engines.spark.refresh import selected_target

    if selected_target() == "spark":
        from orchestration.engines.spark.definitions import build_spark_definitions

        return build_spark_definitions()
    return build_definitions()


defs = _selected_definitions()
