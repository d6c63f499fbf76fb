"""Asset checks beyond dbt's tests: Great Expectations suites and freshness.

Blocking (severity ERROR; a failure skips ``publish`` in the same run, so the served file
stays as it was):

- ``gx_kpi_values_suite`` on ``kpi_values`` (``orchestration/quality/kpi_values_suite.py``), including the
  row-count band against the file served now;
- ``gx_staging_suite`` on ``stg_dms__tickets``, ``stg_dms__part_requests`` and
  ``stg_dms__callbacks`` (``orchestration/quality/staging_suites.py``).

Warnings (severity WARN, never block):

- ``gx_kpi_trend`` on ``kpi_values``: a branch's monthly value far from its trailing mean
  (``orchestration/quality/trend_suite.py``);
- ``landing_freshness`` on ``ingest``: every raw table received a newly loaded file within
  the ``freshness.warn_after`` of ``models/staging/dms/_dms__sources.yml`` (2 days), read
  from the ingest register, so the refresh invokes dbt once; a stale landing feed shows up
  as a failed warning check;
- the ``publish`` asset carries a Dagster ``FreshnessPolicy`` (``orchestration/defs/assets.py``):
  warn when nothing was published for ``AFTERSALES_PUBLISH_MAX_AGE_HOURS`` (default 26 h),
  fail after twice that.

dbt's own tests are asset checks too (dagster-dbt loads them from the manifest); a failing
error-severity dbt test fails the ``dbt build`` step, which also stops ``publish``.

Each GX check writes a GX data-docs site of its validation to
``<warehouse_dir>/data_docs/<suite>/``, for operators: it is not served (its samples of
unexpected values may show raw values, and its pages load styles from a CDN; D-045).
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    asset_check,
    multi_asset_check,
)

from orchestration.contract import TABLES
from orchestration.defs.assets import (
    INGEST_KEY,
    KPI_VALUES_KEY,
    AftersalesConfig,
    build_docs_dir,
    dbt_build,
)
from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.dbt.project import dbt_project
from orchestration.engines.duckdb.connection import connect
from orchestration.engines.duckdb.ingest import LOADED_FILES_TABLE
from orchestration.quality.gx_runner import SuiteResult
from orchestration.quality.kpi_values_suite import run_suite
from orchestration.quality.staging_suites import STAGING_SUITES, run_staging_suite
from orchestration.quality.trend_suite import anomaly_sigmas, run_trend_suite

STAGING_CHECK_NAME = "gx_staging_suite"


def outcome_table(result: SuiteResult) -> str:
    """The suite's outcomes as a markdown table."""
    lines = ["| expectation | column | passed | unexpected |", "|---|---|---|---|"]
    for outcome in result.outcomes:
        unexpected = "" if outcome.unexpected_count is None else str(outcome.unexpected_count)
        lines.append(
            f"| {outcome.description} | {outcome.column or ''} | "
            f"{'yes' if outcome.success else '**no**'} | {unexpected} |"
        )
    return "\n".join(lines)


def check_result(
    result: SuiteResult,
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR,
    **identity: Any,
) -> AssetCheckResult:
    metadata: dict[str, Any] = {
        "rows": result.row_count,
        "expectations": len(result.outcomes),
        "expectations_failed": len(result.failed),
        "failed": MetadataValue.json(
            [
                {
                    "expectation": o.expectation,
                    "description": o.description,
                    "column": o.column,
                    "unexpected_count": o.unexpected_count,
                    "observed_value": o.observed_value,
                    "sample": o.partial_unexpected[:10],
                }
                for o in result.failed
            ]
        ),
        "outcomes": MetadataValue.md(outcome_table(result)),
    }
    if result.docs_index is not None:
        metadata["data_docs"] = MetadataValue.path(str(result.docs_index))
    return AssetCheckResult(
        passed=result.success,
        severity=severity,
        description=result.summary().splitlines()[0],
        metadata=metadata,
        **identity,
    )


@asset_check(
    asset=KPI_VALUES_KEY,
    name="gx_kpi_values_suite",
    blocking=True,
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    description=(
        "Great Expectations suite: contract columns, keys, grains, KPI codes, per-KPI value "
        "bounds from kpi_definitions (value_min/value_max), non-negative denominators, "
        "target/meets_target consistency, row count within the band of the last publish."
    ),
)
def gx_kpi_values_suite(
    context: AssetCheckExecutionContext, aftersales: AftersalesConfig
) -> AssetCheckResult:
    settings = aftersales.settings()
    with retry_only_transient("gx_kpi_values_suite"):
        result = run_suite(
            settings.warehouse_path,
            served_path=settings.serving_path,
            docs_dir=build_docs_dir(settings) / "kpi_values",
        )
    context.log.info(result.summary())
    return check_result(result)


def _model_key(model: str) -> Any:
    for spec in dbt_build.specs:
        if spec.key.path[-1] == model:
            return spec.key
    raise KeyError(f"no dbt asset for {model}")


STAGING_CHECK_KEYS: dict[str, AssetCheckKey] = {
    model: AssetCheckKey(_model_key(model), STAGING_CHECK_NAME) for model in STAGING_SUITES
}


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            STAGING_CHECK_NAME,
            asset=key.asset_key,
            blocking=True,
            description=f"Great Expectations suite on {model}: columns, key, enumerations, "
            "required values, non-negative quantities and amounts.",
        )
        for model, key in STAGING_CHECK_KEYS.items()
    ],
    name="gx_staging_suites",
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
)
def gx_staging_suites(context: AssetCheckExecutionContext, aftersales: AftersalesConfig):
    settings = aftersales.settings()
    for model, key in STAGING_CHECK_KEYS.items():
        with retry_only_transient(f"gx_staging_suite on {model}"):
            result = run_staging_suite(
                settings.warehouse_path, model, docs_dir=build_docs_dir(settings) / model
            )
        context.log.info(result.summary())
        yield check_result(result, asset_key=key.asset_key, check_name=key.name)


@asset_check(
    asset=KPI_VALUES_KEY,
    name="gx_kpi_trend",
    blocking=False,
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    description=(
        "WARNING: a branch's monthly KPI value (last full month) more than "
        "AFTERSALES_ANOMALY_SIGMAS (default 3) standard deviations from its mean over the "
        "AFTERSALES_ANOMALY_WINDOW (default 6) months before."
    ),
)
def gx_kpi_trend(
    context: AssetCheckExecutionContext, aftersales: AftersalesConfig
) -> AssetCheckResult:
    settings = aftersales.settings()
    with retry_only_transient("gx_kpi_trend"):
        result, frame = run_trend_suite(
            settings.warehouse_path, docs_dir=build_docs_dir(settings) / "kpi_values_trend"
        )
    flagged = frame[frame["abs_z_score"] > anomaly_sigmas()] if len(frame) else frame
    context.log.info(result.summary())
    check = check_result(result, AssetCheckSeverity.WARN)
    return AssetCheckResult(
        passed=check.passed,
        severity=check.severity,
        description=f"{len(flagged)} of {len(frame)} branch KPIs outside the band",
        metadata={
            **check.metadata,
            "flagged": MetadataValue.json(
                [
                    {k: (str(v) if k == "period_start" else v) for k, v in row.items()}
                    for row in flagged.head(50).to_dict(orient="records")
                ]
            ),
        },
    )


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
    warehouse_path: Path, warn_after: timedelta, now: datetime | None = None
) -> tuple[bool, list[dict[str, Any]]]:
    """(every raw table fresh, one row per table) from the ingest register.

    A table is fresh when a file with rows was loaded into it (``raw._loaded_files``,
    status ``loaded``) less than ``warn_after`` ago. This replaces a second dbt invocation
    (``dbt source freshness``) in every refresh: the register already knows when each
    table last received a file.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with connect(warehouse_path, read_only=True) as con:
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
    settings = aftersales.settings()
    warn_after = landing_warn_after(dbt_project.manifest_path)
    with retry_only_transient("landing_freshness"):
        fresh, rows = landing_freshness(settings.warehouse_path, warn_after)
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


JOB_CHECKS = [gx_kpi_values_suite, gx_staging_suites, gx_kpi_trend, landing_freshness_check]
