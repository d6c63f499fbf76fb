"""The ``refresh`` job and its daily schedule: one job for both engines."""

from __future__ import annotations

import os

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

from orchestration.defs.automation.hooks import record_failure_hook

JOB_NAME = "refresh"
SCHEDULE_NAME = "daily_refresh"
DEFAULT_CRON = "0 5 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"

refresh_job = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    description=(
        "Ingest new landing files, dbt build (with data tests), GX checks, landing "
        "freshness, publish; on the engine of AFTERSALES_TARGET (DuckDB or Spark)."
    ),
    hooks={record_failure_hook},
)


def daily_schedule() -> ScheduleDefinition:
    """``AFTERSALES_SCHEDULE_CRON`` (default 05:00) in ``AFTERSALES_SCHEDULE_TZ``."""
    return ScheduleDefinition(
        name=SCHEDULE_NAME,
        job=refresh_job,
        cron_schedule=os.environ.get("AFTERSALES_SCHEDULE_CRON") or DEFAULT_CRON,
        execution_timezone=os.environ.get("AFTERSALES_SCHEDULE_TZ") or DEFAULT_TIMEZONE,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Refresh the KPIs once a day.",
    )
