"""The dbt project as Dagster assets: one ``dbt build`` per refresh, on the engine's target.

Lineage: every dbt source maps to the ``ingest`` asset, so the graph reads
``ingest → staging → intermediate → marts → publish``; seeds are the ``config`` group.
dbt tests are asset checks on the models they test (dagster-dbt's default); a failing
error-severity dbt test fails the ``dbt build`` step, so nothing downstream (publish) runs.

The asset graph comes from one manifest and is the same for both engines (the models,
tests and their keys do not depend on the target); the step runs
``dbt build --target duckdb`` or ``--target spark`` (``Engine.name``).

Manifest: ``@dbt_assets`` reads ``manifest.json`` at import. ``dagster dev`` re-parses the
project on every load (``prepare_if_dev``); everywhere else the manifest is prepared
before (``dbt parse`` in CI or the deployment build, ``aftersales-refresh`` before it
imports this module) and only parsed here if it is missing.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Failure
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.config import load_settings
from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.dbt.build_scope import last_build_line
from orchestration.defs.dbt.check_descriptions import describe_dbt_test
from orchestration.defs.dbt.incremental import (
    data_tests_env,
    full_refresh_reason,
    full_refresh_threads,
    mark_finished,
    mark_started,
)
from orchestration.defs.dbt.project import dbt_project, environment, prepare_manifest
from orchestration.defs.ingest.assets import INGEST_KEY
from orchestration.defs.resources import AftersalesConfig
from orchestration.engines.duckdb.connection import is_transient_message
from orchestration.landing.gate import GATE_TEST, gate_message
from orchestration.quality.staging_suites import STAGING_SUITES

DBT_LAYERS = ("staging", "intermediate", "marts")
SEED_GROUP = "config"
PUBLISHED_MODEL = "kpi_values"
# The scheduled refresh builds seeds and models and runs the data tests. The dbt unit tests
# prove the SQL, which only changes with the code: they run in CI and scripts/test.sh
# (tests/python/defs/test_dbt_unit_tests.py), not in every refresh. So do the data tests
# tagged `invariant`: properties that the labour models' SQL guarantees for any input
# (every punch paired or orphaned, shares adding up), not properties of the data (D-131).
INVARIANT_TAG = "invariant"
DBT_BUILD_ARGS = (
    "build",
    "--exclude-resource-type",
    "unit_test",
    "--exclude",
    f"tag:{INVARIANT_TAG}",
)


def dbt_build_args(target: str, *, full_refresh: bool) -> list[str]:
    """The refresh's ``dbt build`` command on ``target``; ``full_refresh`` rebuilds the
    incremental models from scratch (see ``orchestration/defs/dbt/incremental.py``), on
    DuckDB with ``full_refresh_threads()`` dbt threads (the profile's otherwise)."""
    args = [*DBT_BUILD_ARGS, "--target", target]
    if full_refresh:
        if target == "duckdb":
            args += ["--threads", str(full_refresh_threads())]
        args.append("--full-refresh")
    return args


class DbtTransientError(RuntimeError):
    """dbt failed on a lock or an I/O error: worth a retry."""


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
    """``dbt build --target <engine>`` (seeds, models and data tests; see
    ``DBT_BUILD_ARGS``) on the selection, streamed: one dbt invocation, the same on DuckDB
    and Spark. Incremental unless a full refresh is due (``full_refresh_reason``).

    A failing error-severity test fails the step without a retry; a lock or I/O error is
    retried by the retry policy.
    """
    engine = aftersales.engine()
    with retry_only_transient("dbt build"), engine.lock(), environment(engine.settings.dbt_env()):
        reason = full_refresh_reason(engine.settings, requested=aftersales.full_refresh)
        if reason:
            context.log.info(f"full refresh: {reason}")
        args = dbt_build_args(engine.name, full_refresh=reason is not None)
        mark_started(engine.settings, full_refresh=reason is not None)
        with environment(data_tests_env(full_refresh=reason is not None)):
            invocation = dbt.cli(args, context=context, raise_on_error=False)
            yield from invocation.stream()
        if invocation.is_successful():
            mark_finished(engine.settings, selection=context.is_subset)
            if context.is_subset:
                context.log.warning(
                    "dbt build ran a selection of the models: the next build is a full refresh"
                )
            else:
                log_build_scope(context, engine)
    if not invocation.is_successful():
        text = dbt_error_text(invocation)
        if is_transient_message(text):
            raise DbtTransientError(text)
        if GATE_TEST in text:  # name the batches over the limit, their shares and reasons
            detail = gate_message(engine)
            text = f"{detail}\n{text}" if detail else text
        raise Failure(description=text or "dbt build failed", allow_retries=False)


def log_build_scope(context: AssetExecutionContext, engine: Any) -> None:
    """Log which KPI days the build recomputed and why (``int_builds_scoped``): what a
    daily refresh's cost follows. Information only: a failed read is a warning."""
    line, read = last_build_line(engine)
    if not read:
        context.log.warning(line)
    elif line is not None:
        context.log.info(line)


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
