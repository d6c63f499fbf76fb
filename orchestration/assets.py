"""Dagster assets: ingest (raw), the dbt project (staging → marts, seeds), publish (serving).

Lineage: every dbt source maps to the ``ingest`` asset, so the graph reads
``ingest → staging → intermediate → marts → publish``; seeds are the ``config`` group.
dbt tests are asset checks on the models they test (dagster-dbt's default); the GX suite
on ``kpi_values`` (``orchestration/checks.py``) blocks ``publish``.
"""

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    ConfigurableResource,
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
from orchestration.dbt_resource import dbt_project, environment, prepare_manifest
from orchestration.ingest import ingest_landing
from orchestration.publish import publish

INGEST_KEY = AssetKey("ingest")
PUBLISH_KEY = AssetKey("publish")
DBT_LAYERS = ("staging", "intermediate", "marts")
SEED_GROUP = "config"
PUBLISHED_MODEL = "kpi_values"


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
    """Groups dbt nodes by layer and maps every dbt source to the ingest asset."""

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

# The manifest must exist before @dbt_assets reads it (see orchestration/dbt_resource.py).
with environment(load_settings().dbt_env()):
    dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    prepare_manifest(load_settings())


@asset(
    key=INGEST_KEY,
    group_name="raw",
    kinds={"python", "duckdb"},
    description="Load new landing files (CSV/Parquet) into raw.<table> as text, once each.",
)
def ingest(aftersales: AftersalesConfig) -> MaterializeResult:
    settings = aftersales.settings()
    report = ingest_landing(settings.landing_dir, settings.warehouse_path)
    duplicates = getattr(report, "files_duplicate", [])
    return MaterializeResult(
        metadata={
            "files_loaded": len(report.files_loaded),
            "files_duplicate_content": len(duplicates),
            "files_skipped": report.files_skipped,
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


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=translator,
    name="dbt_build",
)
def dbt_build(
    context: AssetExecutionContext, dbt: DbtCliResource, aftersales: AftersalesConfig
) -> Iterator[Any]:
    """``dbt build`` (seeds, models, data and unit tests) on the selection, streamed."""
    with environment(aftersales.settings().dbt_env()):
        invocation = dbt.cli(["build"], context=context)
    yield from invocation.stream()


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


KPI_VALUES_KEY = _published_model_key()
MART_KEYS = sorted({*_keys_in_group("marts"), KPI_VALUES_KEY}, key=lambda key: key.to_user_string())


@asset(
    key=PUBLISH_KEY,
    group_name="serving",
    deps=MART_KEYS,
    kinds={"duckdb"},
    description=(
        "Copy the checked build warehouse to <serving_dir>/aftersales.duckdb atomically; "
        "the version served before is kept as aftersales.previous.duckdb."
    ),
)
def publish_warehouse(
    context: AssetExecutionContext, aftersales: AftersalesConfig
) -> MaterializeResult:
    settings = aftersales.settings()
    result = publish(settings.warehouse_path, settings.serving_dir)
    context.log.info(f"published {result.served_path} ({result.bytes_copied} bytes)")
    return MaterializeResult(
        metadata={
            "served_path": MetadataValue.path(str(result.served_path)),
            "previous_path": MetadataValue.path(str(result.previous_path))
            if result.previous_path
            else MetadataValue.text("none"),
            "bytes": result.bytes_copied,
            "kpi_values_rows": result.kpi_value_rows,
            "published_at": MetadataValue.timestamp(result.published_at),
        }
    )
