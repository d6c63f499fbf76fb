"""Which tables the served file holds, with their descriptions: declared in dbt.

A dbt model is served when its config carries ``meta: {served: true}``. ``dbt_project.yml``
sets it once per folder: ``models/marts/{core,kpi,backlog,scorecard}`` are served,
``models/marts/semantic`` (what MetricFlow reads) and every other layer are not. The
table and column descriptions (doc blocks rendered) come from the same manifest and
become DuckDB comments in the served file.

The build stamp ``ops.build_info`` is written by the publish step itself; its
descriptions are :data:`BUILD_INFO`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration.config import PROJECT_DIR

SERVED_META_KEY = "served"
PARTS_META_KEY = "served_parts_by"  # orchestration.serving.parts


class SelectionError(RuntimeError):
    """The manifest cannot say which tables to serve."""


@dataclass(frozen=True)
class ServedColumn:
    name: str
    description: str = ""


@dataclass(frozen=True)
class ServedTable:
    schema: str
    name: str
    description: str = ""
    columns: tuple[ServedColumn, ...] = ()
    parts_by: str = ""  # the date column whose months are the table's parts (parts.py)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def column_description(self, column: str) -> str:
        for item in self.columns:
            if item.name.lower() == column.lower():
                return item.description
        return ""


BUILD_INFO = ServedTable(
    schema="ops",
    name="build_info",
    description=(
        "The build stamp of this file: one row written by the publish step. A reader can "
        "tell which build it reads and that the kpi_values rows it sees belong to it."
    ),
    columns=(
        ServedColumn("build_id", "Id of the published build (UTC time and run id)."),
        ServedColumn("published_at", "When the build was published (UTC)."),
        ServedColumn("source_warehouse", "The build warehouse the file was written from."),
        ServedColumn("kpi_values_rows", "Row count of marts.kpi_values in this file."),
        ServedColumn(
            "kpi_values_fingerprint",
            "'<rows>:<sum of row hashes>' of marts.kpi_values: equal fingerprints, equal rows.",
        ),
        ServedColumn(
            "data_as_of",
            "The build's as-of time (branch-local wall clock): the latest updated_at kept, "
            "or AFTERSALES_AS_OF. kpi_values.is_period_complete is false for the period "
            "containing it.",
        ),
    ),
)


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def _is_served(node: dict[str, Any]) -> bool:
    config = node.get("config") or {}
    return bool(_meta(node).get(SERVED_META_KEY)) and config.get("enabled", True)


def served_tables_from_manifest(manifest: dict[str, Any]) -> list[ServedTable]:
    """Every enabled model declared served, sorted by schema and name."""
    tables = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or not _is_served(node):
            continue
        columns = tuple(
            ServedColumn(name, (column.get("description") or "").strip())
            for name, column in (node.get("columns") or {}).items()
        )
        tables.append(
            ServedTable(
                schema=node["schema"],
                name=node.get("alias") or node["name"],
                description=(node.get("description") or "").strip(),
                columns=columns,
                parts_by=str(_meta(node).get(PARTS_META_KEY) or ""),
            )
        )
    return sorted(tables, key=lambda t: (t.schema, t.name))


def default_manifest_path() -> Path:
    """``$DBT_TARGET_PATH/manifest.json`` (default ``target/``, project-relative)."""
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    return (target if target.is_absolute() else PROJECT_DIR / target) / "manifest.json"


def served_tables(manifest_path: Path) -> list[ServedTable]:
    """The served tables declared in the dbt manifest at ``manifest_path``."""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SelectionError(
            f"cannot read the dbt manifest {manifest_path} ({error}): run "
            "`dbt parse --profiles-dir .` so that the served tables are known"
        ) from error
    tables = served_tables_from_manifest(manifest)
    if not tables:
        raise SelectionError(
            f"no model in {manifest_path} has meta.{SERVED_META_KEY} = true: "
            "see the models: section of dbt_project.yml"
        )
    return tables
