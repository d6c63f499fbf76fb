"""Dagster code location: ``dagster dev -m orchestration.definitions`` (see the README for
``DAGSTER_HOME`` and ``orchestration/dagster_home/dagster.yaml``).

One job graph for both engines; ``AFTERSALES_TARGET`` (``duckdb``, the default, or
``spark``) picks the engine the steps run on (``orchestration/engines``):

- job ``refresh``: ingest → dbt build (dbt tests as asset checks) → GX suites on the staging
  facts and kpi_values (blocking), trend and landing-freshness warnings → publish. Every
  step that touches the build runs in the ``aftersales_warehouse`` pool (limit 1) and
  retries transient failures with backoff; a failed step is recorded in
  ``<warehouse_dir>/run_log.duckdb`` (and POSTed to ``AFTERSALES_FAILURE_WEBHOOK_URL``);
- schedule ``daily_refresh`` and sensor ``landing_files``, both on by default;
- ``publish`` has a ``FreshnessPolicy``; ``landing_freshness`` warns about a stale feed.

``aftersales-refresh`` runs the same job in-process.
"""

from __future__ import annotations

from collections.abc import Mapping

from dagster import Definitions, LoggerDefinition

from orchestration.defs.automation.schedule import JOB_NAME, daily_schedule, refresh_job
from orchestration.defs.automation.sensors import make_landing_sensor
from orchestration.defs.checks.gx import GX_CHECKS
from orchestration.defs.dbt.assets import dbt_build
from orchestration.defs.dbt.project import make_dbt_resource
from orchestration.defs.ingest.assets import ingest
from orchestration.defs.ingest.freshness import landing_freshness_check
from orchestration.defs.publish.assets import publish_warehouse
from orchestration.defs.resources import AftersalesConfig

__all__ = ["JOB_NAME", "build_definitions", "defs"]


def build_definitions(
    aftersales: AftersalesConfig | None = None,
    loggers: Mapping[str, LoggerDefinition] | None = None,
) -> Definitions:
    """The code location's definitions; the CLI passes its own settings and logger."""
    config = aftersales or AftersalesConfig()
    return Definitions(
        assets=[ingest, dbt_build, publish_warehouse],
        asset_checks=[*GX_CHECKS, landing_freshness_check],
        jobs=[refresh_job],
        schedules=[daily_schedule()],
        sensors=[make_landing_sensor(refresh_job, config.engine)],
        resources={"dbt": make_dbt_resource(), "aftersales": config},
        loggers=dict(loggers) if loggers else None,
    )


defs = build_definitions()
