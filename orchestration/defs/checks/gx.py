"""Great Expectations suites as Dagster asset checks, the same on both engines.

Blocking (severity ERROR; a failure skips ``publish`` in the same run, so what is served
stays as it was):

- ``gx_kpi_values_suite`` on ``kpi_values`` (``orchestration/quality/kpi_values_suite.py``),
  including the row-count band against what is served now; it reads the rows that have
  not passed the same suite before (``orchestration/quality/validated_rows.py``);
- ``gx_staging_suite`` on ``stg_dms__tickets``, ``stg_dms__part_requests`` and
  ``stg_dms__callbacks`` (``orchestration/quality/staging_suites.py``).

One step runs the four (``gx_blocking_suites``), side by side in worker processes when
they read many rows (``orchestration/quality/suite_runs.py``, D-121, D-123); a run that
selects some of its checks runs those only.

Warning (severity WARN, never blocks): ``gx_kpi_trend`` on ``kpi_values``, a branch's
monthly value far from its trailing mean (``orchestration/quality/trend_suite.py``).

Every suite validates a frame read through ``Engine.read_build`` (a read-only DuckDB
connection to the warehouse file, or views over the Spark tables' Parquet files). Each
writes a GX data-docs site to ``<warehouse_dir>/data_docs/<suite>/``, for operators: it is
not served (its samples of unexpected values may show raw values, and its pages load
styles from a CDN; D-045).
"""

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

from orchestration.config import Settings
from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.checks.results import check_result
from orchestration.defs.dbt.assets import KPI_VALUES_KEY, dbt_build
from orchestration.defs.resources import AftersalesConfig
from orchestration.quality.staging_suites import STAGING_SUITES
from orchestration.quality.suite_runs import KPI_VALUES_SUITE, run_blocking_suites
from orchestration.quality.trend_suite import anomaly_sigmas, run_trend_suite
from orchestration.quality.validated import scope
from orchestration.quality.validated_rows import scope as kpi_values_scope

STAGING_CHECK_NAME = "gx_staging_suite"
DOCS_DIR_NAME = "data_docs"


def build_docs_dir(settings: Settings) -> Path:
    """Where this build's GX data-docs sites are written (one sub-directory per suite)."""
    return settings.warehouse_dir / DOCS_DIR_NAME


def _model_key(model: str) -> Any:
    for spec in dbt_build.specs:
        if spec.key.path[-1] == model:
            return spec.key
    raise KeyError(f"no dbt asset for {model}")


KPI_VALUES_CHECK_NAME = "gx_kpi_values_suite"
# each blocking suite's check (orchestration.quality.suite_runs.BLOCKING_SUITES)
BLOCKING_CHECK_KEYS: dict[str, AssetCheckKey] = {
    KPI_VALUES_SUITE: AssetCheckKey(KPI_VALUES_KEY, KPI_VALUES_CHECK_NAME),
    **{model: AssetCheckKey(_model_key(model), STAGING_CHECK_NAME) for model in STAGING_SUITES},
}


def _description(suite: str) -> str:
    if suite == KPI_VALUES_SUITE:
        return (
            "Great Expectations suite: contract columns, keys, grains, KPI codes, per-KPI "
            "value bounds from kpi_definitions (value_min/value_max), non-negative "
            "denominators, target/meets_target consistency, row count within the band of "
            "the last publish."
        )
    return (
        f"Great Expectations suite on {suite}: columns, key, enumerations, required values, "
        "non-negative quantities and amounts."
    )


def _read_scope(warehouse_dir: Path, suite: str) -> str:
    if suite == KPI_VALUES_SUITE:
        return kpi_values_scope(warehouse_dir)
    return scope(warehouse_dir, suite)


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            key.name, asset=key.asset_key, blocking=True, description=_description(suite)
        )
        for suite, key in BLOCKING_CHECK_KEYS.items()
    ],
    name="gx_blocking_suites",
    can_subset=True,
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
)
def gx_blocking_suites(context: AssetCheckExecutionContext, aftersales: AftersalesConfig):
    engine = aftersales.engine()
    warehouse_dir = engine.settings.warehouse_dir
    selected = context.selected_asset_check_keys
    suites = [suite for suite, key in BLOCKING_CHECK_KEYS.items() if key in selected]
    read = {suite: _read_scope(warehouse_dir, suite) for suite in suites}
    with retry_only_transient("gx_blocking_suites"):
        runs = run_blocking_suites(engine.settings, build_docs_dir(engine.settings), suites=suites)
    if runs.processes > 1:
        context.log.info(
            f"GX suites ran in {runs.processes} worker processes, peaks "
            f"{', '.join(f'{mb:.0f}' for mb in runs.worker_peaks_mb.values())} MiB "
            f"(with this process: at most {runs.held_at_once_mb:.0f} MiB at once)"
        )
    for suite in suites:
        key = BLOCKING_CHECK_KEYS[suite]
        result = runs.results[suite]
        context.log.info(f"{result.summary()} (read: {read[suite]})")
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
    engine = aftersales.engine()
    with retry_only_transient("gx_kpi_trend"), engine.read_build() as con:
        result, frame = run_trend_suite(
            con, docs_dir=build_docs_dir(engine.settings) / "kpi_values_trend"
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


GX_CHECKS = [gx_blocking_suites, gx_kpi_trend]
