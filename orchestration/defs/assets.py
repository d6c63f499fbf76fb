"""Dagster assets: ingest (raw), the dbt project (staging → marts, seeds), publish (serving).

Lineage: every dbt source maps to the ``ingest`` asset, so the graph reads
``ingest → staging → intermediate → marts → publish``; seeds are the ``config`` group.
dbt tests are asset checks on the models they test (dagster-dbt's default); a failing
error-severity dbt test fails the ``dbt build`` step, so nothing downstream (publish) runs.
The GX suites (``orchestration/defs/checks/asset_checks.py``) block ``publish`` too.

Every asset here opens the build warehouse: all run in the ``aftersales_warehouse``
concurrency pool and retry transient failures with backoff (``orchestration/defs/automation/policies.py``).

Manifest: ``@dbt_assets`` reads ``manifest.json`` at import. ``dagster dev`` re-parses the
project on every load (``prepare_if_dev``); everywhere else the manifest is prepared
before (``dbt parse`` in CI or the deployment build, ``aftersales-refresh`` before it
imports this module) and only parsed here if it is missing.
"""

import dataclasses
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    ConfigurableResource,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.config import PROJECT_DIR, Settings, load_settings
from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.dbt.check_descriptions import describe_dbt_test
from orchestration.defs.dbt.project import dbt_project, environment, prepare_manifest
from orchestration.engines.duckdb.connection import connect, is_transient_message
from orchestration.engines.duckdb.ingest import ingest_landing
from orchestration.landing.gate import GATE_TEST, gate_message
from orchestration.quality.staging_suites import STAGING_SUITES
from orchestration.serving.publish import new_build_id, publish
from orchestration.serving.selection import served_tables

INGEST_KEY = AssetKey("ingest")
PUBLISH_KEY = AssetKey("publish")
DBT_LAYERS = ("staging", "intermediate", "marts")
SEED_GROUP = "config"
PUBLISHED_MODEL = "kpi_values"
DOCS_DIR_NAME = "data_docs"
DEFAULT_PUBLISH_MAX_AGE_HOURS = 26.0
# The scheduled refresh builds seeds and models and runs the data tests. The dbt unit tests
# prove the SQL, which only changes with the code: they run in CI and scripts/test.sh
# (tests/python/test_dbt_unit_tests.py), not in every refresh.
DBT_BUILD_ARGS = ("build", "--exclude-resource-type", "unit_test")


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


class DbtTransientError(RuntimeError):
    """dbt failed on a lock or an I/O error: worth a retry."""


def build_docs_dir(settings: Settings) -> Path:
    """Where this build's GX data-docs sites are written (one sub-directory per suite)."""
    return settings.warehouse_dir / DOCS_DIR_NAME


class AftersalesConfig(ConfigurableResource):
    """Paths and the as-of override; an unset field falls back to the environment
    (``AFTERSALES_LANDING_DIR``, ``AFTERSALES_WAREHOUSE_DIR``, ``AFTERSALES_SERVING_DIR``,
    ``AFTERSALES_AS_OF``; see ``orchestration/config.py``). Relative paths are relative to
    the project directory, as in the environment variables."""

    landing_dir: str | None = None
    warehouse_dir: str | None = None
    serving_dir: str | None = None
    as_of: str | None = None

    def settings(self) -> Settings:
        settings = load_settings()
        overrides: dict[str, Any] = {}
        for name in ("landing_dir", "warehouse_dir", "serving_dir"):
            value = getattr(self, name)
            if value:
                path = Path(value).expanduser()
                overrides[name] = path if path.is_absolute() else PROJECT_DIR / path
        if self.as_of:
            overrides["as_of"] = self.as_of
        return dataclasses.replace(settings, **overrides)


class AftersalesDbtTranslator(DagsterDbtTranslator):
    """Groups dbt nodes by layer, maps every dbt source to the ingest asset and describes
    every dbt test's asset check in words (``orchestration/defs/dbt/check_descriptions.py``)."""

    def get_asset_check_spec(
        self,
        asset_spec: Any,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: Any,
    ) -> Any:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        test = manifest.get("nodes", {}).get(unique_id)
        if spec is None or test is None:
            return spec
        return spec._replace(description=describe_dbt_test(test))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return INGEST_KEY
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "seed":
            return SEED_GROUP
        fqn = dbt_resource_props.get("fqn") or []
        if resource_type in ("model", "snapshot") and len(fqn) > 2 and fqn[1] in DBT_LAYERS:
            return fqn[1]
        return super().get_group_name(dbt_resource_props)


translator = AftersalesDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True)
)

# The manifest must exist before @dbt_assets reads it (see orchestration/defs/dbt/project.py).
with environment(load_settings().dbt_env()):
    dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    prepare_manifest(load_settings())


@asset(
    key=INGEST_KEY,
    group_name="raw",
    kinds={"python", "duckdb"},
    description=(
        "Load new landing files (CSV in any common encoding, Excel, Parquet) into "
        "raw.<table> as text, once each; every landing file gets a status in "
        "raw._landing_files, and a rejected file fails the run before publish."
    ),
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
)
def ingest(context: AssetExecutionContext, aftersales: AftersalesConfig) -> MaterializeResult:
    settings = aftersales.settings()
    with retry_only_transient("ingest"):
        if settings.warehouse_path.exists():  # wait (with backoff) for another holder
            connect(settings.warehouse_path).close()
        report = ingest_landing(settings.landing_dir, settings.warehouse_path)
    for line in report.lines():  # ignored and deferred files are worth a line each
        context.log.info(line)
    if report.files_rejected:
        # the other files are loaded (and stay loaded); a rejected file is a failed batch:
        # nothing downstream runs, so the previous publish keeps being served
        raise Failure(description=report.rejection_message(), allow_retries=False)
    duplicates = getattr(report, "files_duplicate", [])
    return MaterializeResult(
        metadata={
            "files_loaded": len(report.files_loaded),
            "files_duplicate_content": len(duplicates),
            "files_skipped": report.files_skipped,
            "files_ignored": len(report.files_ignored),
            "files_deferred": len(report.files_deferred),
            "rows_loaded": sum(report.rows_loaded.values()),
            "rows_by_table": MetadataValue.json(dict(report.rows_loaded)),
            "files": MetadataValue.json(
                [
                    {"table": f.table_name, "file": f.file_name, "rows": f.row_count}
                    for f in report.files_loaded
                ]
            ),
            "landing_dir": MetadataValue.path(str(settings.landing_dir)),
            "warehouse": MetadataValue.path(str(settings.warehouse_path)),
        }
    )


def dbt_error_text(invocation: Any) -> str:
    """dbt's error messages of a failed invocation (for telling a lock from a test)."""
    parts = [str(invocation.get_error() or "")]
    try:
        results = invocation.get_artifact("run_results.json").get("results", [])
        parts += [str(r.get("message") or "") for r in results if r.get("status") == "error"]
    except Exception:  # no run results: dbt failed before running anything
        pass
    return "\n".join(part for part in parts if part)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    name="dbt_build",
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
)
def dbt_build(
    context: AssetExecutionContext, dbt: DbtCliResource, aftersales: AftersalesConfig
) -> Iterator[Any]:
    """``dbt build`` (seeds, models and data tests; see ``DBT_BUILD_ARGS``) on the
    selection, streamed.

    A failing error-severity test fails the step without a retry; a lock or I/O error is
    retried by the retry policy.
    """
    with environment(aftersales.settings().dbt_env()):
        invocation = dbt.cli(list(DBT_BUILD_ARGS), context=context, raise_on_error=False)
        yield from invocation.stream()
    if not invocation.is_successful():
        text = dbt_error_text(invocation)
        if is_transient_message(text):
            raise DbtTransientError(text)
        if GATE_TEST in text:  # name the batches over the limit, their shares and reasons
            detail = gate_message(aftersales.settings().warehouse_path)
            text = f"{detail}\n{text}" if detail else text
        raise Failure(description=text or "dbt build failed", allow_retries=False)


def _keys_in_group(group: str) -> list[AssetKey]:
    return sorted(
        (spec.key for spec in dbt_build.specs if spec.group_name == group),
        key=lambda key: key.to_user_string(),
    )


def _published_model_key() -> AssetKey:
    for spec in dbt_build.specs:
        if spec.key.path[-1] == PUBLISHED_MODEL:
            return spec.key
    return AssetKey(["marts", PUBLISHED_MODEL])


def _model_keys(models: Iterable[str]) -> list[AssetKey]:
    wanted = set(models)
    return [spec.key for spec in dbt_build.specs if spec.key.path[-1] in wanted]


KPI_VALUES_KEY = _published_model_key()
MART_KEYS = sorted({*_keys_in_group("marts"), KPI_VALUES_KEY}, key=lambda key: key.to_user_string())
# A blocking check only holds back the assets directly downstream of the asset it checks:
# publish depends on the staging models that have blocking GX suites (they are not served,
# but every KPI is built from them).
GX_STAGING_KEYS = sorted(_model_keys(STAGING_SUITES), key=lambda key: key.to_user_string())
PUBLISH_DEPS = [*MART_KEYS, *GX_STAGING_KEYS]


@asset(
    key=PUBLISH_KEY,
    group_name="serving",
    deps=PUBLISH_DEPS,
    kinds={"duckdb"},
    description=(
        "Write the BI layer of the checked build (the dbt models with meta.served, each "
        "table and column commented, readable by DuckDB 1.4+) to "
        "<serving_dir>/aftersales.duckdb and swap it in atomically; the version served "
        "before is kept as aftersales.previous.duckdb. Stamps ops.build_info and, unless "
        "AFTERSALES_EXPORT_PARQUET=0, exports the same tables as Parquet."
    ),
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
    freshness_policy=publish_freshness_policy(),
)
def publish_warehouse(
    context: AssetExecutionContext, aftersales: AftersalesConfig
) -> MaterializeResult:
    settings = aftersales.settings()
    with retry_only_transient("publish"):
        result = publish(
            settings.warehouse_path,
            settings.serving_dir,
            build_id=new_build_id(context.run_id),
            tables=served_tables(dbt_project.manifest_path),
        )
    context.log.info(
        f"published {result.served_path} ({result.bytes_copied} bytes, "
        f"{len(result.served_tables)} tables) in {result.seconds:.1f}s, build {result.build_id}"
    )
    return MaterializeResult(
        metadata={
            "build_id": result.build_id,
            "kpi_values_fingerprint": result.fingerprint,
            "served_tables": len(result.served_tables),
            "publish_seconds": round(result.seconds, 2),
            "parquet_tables": len(result.parquet_tables),
            "served_path": MetadataValue.path(str(result.served_path)),
            "previous_path": MetadataValue.path(str(result.previous_path))
            if result.previous_path
            else MetadataValue.text("none"),
            "bytes": result.bytes_copied,
            "kpi_values_rows": result.kpi_value_rows,
            "published_at": MetadataValue.timestamp(result.published_at),
        }
    )
