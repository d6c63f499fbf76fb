"""Asset checks beyond dbt's tests: Great Expectations suites and freshness.

Blocking (severity ERROR; a failure skips ``publish`` in the same run, so the served file
stays as it was):

- ``gx_kpi_values_suite`` on ``kpi_values`` (``orchestration/gx_suite.py``), including the
  row-count band against the file served now;
- ``gx_staging_suite`` on ``stg_dms__tickets``, ``stg_dms__part_requests`` and
  ``stg_dms__callbacks`` (``orchestration/gx_staging.py``).

Warnings (severity WARN, never block):

- ``gx_kpi_trend`` on ``kpi_values``: a branch's monthly value far from its trailing mean
  (``orchestration/gx_trend.py``);
- ``dbt_source_freshness`` on ``ingest``: ``dbt source freshness`` on the raw tables (the
  ``freshness`` config in ``models/staging/dms/_dms__sources.yml``: warn after 2 days
  without a newly loaded file); a stale landing feed shows up as a failed warning check;
- the ``publish`` asset carries a Dagster ``FreshnessPolicy`` (``orchestration/assets.py``):
  warn when nothing was published for ``AFTERSALES_PUBLISH_MAX_AGE_HOURS`` (default 26 h),
  fail after twice that.

dbt's own tests are asset checks too (dagster-dbt loads them from the manifest); a failing
error-severity dbt test fails the ``dbt build`` step, which also stops ``publish``.

Each GX check writes a GX data-docs site of its validation to
``<warehouse_dir>/data_docs/<suite>/``, for operators: it is not served (its samples of
unexpected values may show raw values, and its pages load styles from a CDN; D-045).
"""

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
from dagster_dbt import DbtCliResource

from orchestration.assets import (
    INGEST_KEY,
    KPI_VALUES_KEY,
    AftersalesConfig,
    DbtTransientError,
    build_docs_dir,
    dbt_build,
)
from orchestration.dbt_resource import environment
from orchestration.gx_runner import SuiteResult
from orchestration.gx_staging import STAGING_SUITES, run_staging_suite
from orchestration.gx_suite import run_suite
from orchestration.gx_trend import anomaly_sigmas, run_trend_suite
from orchestration.policies import WAREHOUSE_POOL, retry_only_transient, writer_retry_policy
from orchestration.warehouse import is_transient_message

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


def freshness_summary(sources: dict[str, Any]) -> tuple[bool, list[dict[str, Any]]]:
    """(all sources fresh, one row per source) from dbt's ``sources.json``."""
    rows = []
    for result in sources.get("results", []):
        rows.append(
            {
                "source": str(result.get("unique_id", "")).removeprefix("source.aftersales."),
                "status": result.get("status"),
                "max_loaded_at": result.get("max_loaded_at"),
                "age_hours": round(float(result.get("max_loaded_at_time_ago_in_s") or 0) / 3600, 1),
            }
        )
    fresh = bool(rows) and all(row["status"] == "pass" for row in rows)
    return fresh, rows


@asset_check(
    asset=INGEST_KEY,
    name="dbt_source_freshness",
    blocking=False,
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    description=(
        "WARNING: dbt source freshness on the raw tables (warn after 2 days without a new "
        "landing file)."
    ),
)
def dbt_source_freshness(
    context: AssetCheckExecutionContext, dbt: DbtCliResource, aftersales: AftersalesConfig
) -> AssetCheckResult:
    with environment(aftersales.settings().dbt_env()):
        invocation = dbt.cli(["source", "freshness"], raise_on_error=False)
        invocation.wait()
    try:
        sources = invocation.get_artifact("sources.json")
    except Exception:
        error_text = str(invocation.get_error() or "dbt source freshness wrote no results")
        if is_transient_message(error_text):
            raise DbtTransientError(error_text) from None  # the retry policy retries it
        return AssetCheckResult(  # a warning check that cannot run warns; it does not fail
            passed=False,
            severity=AssetCheckSeverity.WARN,
            description="dbt source freshness did not run",
            metadata={"error": MetadataValue.text(error_text[-4000:])},
        )
    fresh, rows = freshness_summary(sources)
    stale = [row["source"] for row in rows if row["status"] != "pass"]
    context.log.info(f"source freshness: {len(rows) - len(stale)}/{len(rows)} fresh")
    return AssetCheckResult(
        passed=fresh,
        severity=AssetCheckSeverity.WARN,
        description="every raw table is fresh" if fresh else f"stale: {', '.join(stale)}",
        metadata={"sources": MetadataValue.json(rows), "stale": len(stale)},
    )


JOB_CHECKS = [gx_kpi_values_suite, gx_staging_suites, gx_kpi_trend, dbt_source_freshness]
