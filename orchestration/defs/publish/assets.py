"""The ``publish`` asset: the checked build, swapped in for readers, on either engine.

It runs only when the dbt build and every blocking check upstream passed; what it writes
is the engine's (``Engine.publish``): on DuckDB a served file of the BI layer (readable by
DuckDB 1.4+) plus Parquet, on Spark the served tables as Parquet. Either way the previous
build is kept for ``aftersales-refresh --rollback``.
"""

import os
from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AssetKey,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.dbt.assets import PUBLISH_DEPS
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.resources import AftersalesConfig
from orchestration.serving.files import new_build_id

PUBLISH_KEY = AssetKey("publish")
DEFAULT_PUBLISH_MAX_AGE_HOURS = 26.0


def publish_max_age() -> timedelta:
    """How long the served file may go without a publish before it is stale
    (``AFTERSALES_PUBLISH_MAX_AGE_HOURS``, default 26 h: a daily refresh plus slack)."""
    try:
        hours = float(os.environ.get("AFTERSALES_PUBLISH_MAX_AGE_HOURS") or 0)
    except ValueError:
        hours = 0
    return timedelta(hours=hours if hours > 0 else DEFAULT_PUBLISH_MAX_AGE_HOURS)


def publish_freshness_policy() -> FreshnessPolicy:
    """Warn after :func:`publish_max_age` without a publish, fail after twice that."""
    age = publish_max_age()
    return FreshnessPolicy.time_window(fail_window=2 * age, warn_window=age)


@asset(
    key=PUBLISH_KEY,
    group_name="serving",
    deps=PUBLISH_DEPS,
    kinds={"python"},
    description=(
        "Publish the BI layer of the checked build (the dbt models with meta.served, "
        "described): on DuckDB <serving_dir>/aftersales.duckdb (readable by DuckDB 1.4+, "
        "every table and column commented, ops.build_info stamped) plus Parquet unless "
        "AFTERSALES_EXPORT_PARQUET=0 (<serving_dir>/parquet/<schema>/<table>/, one file per "
        "month of a dated table; on Spark the same folders). "
        "Swapped in atomically; the build served before is kept for a rollback."
    ),
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    freshness_policy=publish_freshness_policy(),
)
def publish_warehouse(
    context: AssetExecutionContext, aftersales: AftersalesConfig
) -> MaterializeResult:
    engine = aftersales.engine()
    with retry_only_transient("publish"), engine.lock():
        result = engine.publish(new_build_id(context.run_id), dbt_project.manifest_path)
    context.log.info(
        f"published {result.served_path} ({len(result.tables)} tables) in "
        f"{result.seconds:.1f}s, build {result.build_id}"
    )
    return MaterializeResult(
        metadata={
            "engine": engine.name,
            "build_id": result.build_id,
            "kpi_values_fingerprint": result.fingerprint,
            "kpi_values_rows": result.kpi_values_rows,
            "served_tables": len(result.tables),
            "publish_seconds": round(result.seconds, 2),
            "served_path": MetadataValue.path(str(result.served_path)),
            **{name: value for name, value in result.details.items()},
        }
    )
