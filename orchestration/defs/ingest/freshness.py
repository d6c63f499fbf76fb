"""``landing_freshness``: a warning when a raw table has not received a file for too long.

Read from the ingest register (``raw._loaded_files``) through the engine, so the refresh
invokes dbt once (no ``dbt source freshness``) and the check is the same on both engines.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from orchestration.contract import TABLES
from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.ingest.assets import INGEST_KEY
from orchestration.defs.resources import AftersalesConfig
from orchestration.engines import Engine
from orchestration.landing.register import LOADED_FILES_TABLE

FRESHNESS_PERIOD_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}
DEFAULT_WARN_AFTER = timedelta(days=2)


def landing_warn_after(manifest_path: Path) -> timedelta:
    """The raw sources' ``freshness.warn_after`` (``models/staging/dms/_dms__sources.yml``),
    read from the manifest so that the threshold is written once; 2 days when unset."""
    try:
        sources = json.loads(manifest_path.read_text()).get("sources", {})
    except (OSError, ValueError):
        return DEFAULT_WARN_AFTER
    for source in sources.values():
        warn = ((source.get("freshness") or {}).get("warn_after")) or {}
        count, period = warn.get("count"), warn.get("period")
        if count and period in FRESHNESS_PERIOD_HOURS:
            return timedelta(hours=float(count) * FRESHNESS_PERIOD_HOURS[period])
    return DEFAULT_WARN_AFTER


def landing_freshness(
    engine: Engine, warn_after: timedelta, now: datetime | None = None
) -> tuple[bool, list[dict[str, Any]]]:
    """(every raw table fresh, one row per table) from the ingest register.

    A table is fresh when a file with rows was loaded into it (``raw._loaded_files``,
    status ``loaded``) less than ``warn_after`` ago. This replaces a second dbt invocation
    (``dbt source freshness``) in every refresh: the register already knows when each
    table last received a file.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with engine.read_build() as con:
        last = dict(
            con.execute(
                f"select table_name, max(loaded_at) from {LOADED_FILES_TABLE} "
                "where status = 'loaded' group by table_name"
            ).fetchall()
        )
    rows = []
    for table in TABLES:
        loaded_at = last.get(table)
        age = None if loaded_at is None else now - loaded_at
        rows.append(
            {
                "table": table,
                "status": "pass" if age is not None and age < warn_after else "warn",
                "last_loaded_at": None if loaded_at is None else loaded_at.isoformat(" "),
                "age_hours": None if age is None else round(age.total_seconds() / 3600, 1),
            }
        )
    return all(row["status"] == "pass" for row in rows), rows


@asset_check(
    asset=INGEST_KEY,
    name="landing_freshness",
    blocking=False,
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    description=(
        "WARNING: every raw table received a newly loaded landing file within the sources' "
        "freshness.warn_after (2 days), read from the ingest register raw._loaded_files."
    ),
)
def landing_freshness_check(
    context: AssetCheckExecutionContext, aftersales: AftersalesConfig
) -> AssetCheckResult:
    warn_after = landing_warn_after(dbt_project.manifest_path)
    with retry_only_transient("landing_freshness"):
        fresh, rows = landing_freshness(aftersales.engine(), warn_after)
    stale = [row["table"] for row in rows if row["status"] != "pass"]
    context.log.info(f"landing freshness: {len(rows) - len(stale)}/{len(rows)} tables fresh")
    return AssetCheckResult(
        passed=fresh,
        severity=AssetCheckSeverity.WARN,
        description="every raw table is fresh" if fresh else f"stale: {', '.join(stale)}",
        metadata={
            "tables": MetadataValue.json(rows),
            "stale": len(stale),
            "warn_after_hours": warn_after.total_seconds() / 3600,
        },
    )
