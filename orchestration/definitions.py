"""Dagster code location: ``dagster dev -m orchestration.definitions``.

One job, ``refresh`` (ingest → dbt build with tests → GX check → publish), and a daily
schedule that is on by default. The schedule's cron and time zone come from
``AFTERSALES_SCHEDULE_CRON`` (default ``0 5 * * *``) and ``AFTERSALES_SCHEDULE_TZ``
(default ``Asia/Shanghai``). ``aftersales-refresh`` runs the same job in-process.
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

from orchestration.assets import AftersalesConfig, dbt_build, ingest, publish_warehouse
from orchestration.checks import gx_kpi_values_suite
from orchestration.dbt_resource import make_dbt_resource

JOB_NAME = "refresh"
SCHEDULE_NAME = "daily_refresh"
DEFAULT_CRON = "0 5 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"

refresh_job = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    description="Ingest new landing files, dbt build (with tests), GX check, publish.",
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
    return Definitions(
        assets=[ingest, dbt_build, publish_warehouse],
        asset_checks=[gx_kpi_values_suite],
        jobs=[refresh_job],
        schedules=[daily_schedule()],
        resources={"dbt": make_dbt_resource(), "aftersales": aftersales or AftersalesConfig()},
        loggers=dict(loggers) if loggers else None,
    )


defs = build_definitions()
