"""The dbt project as Dagster sees it: DbtProject, the CLI resource and the manifest.

``@dbt_assets`` reads ``manifest.json`` when ``orchestration.definitions`` is imported, so
the manifest must exist before that:

- ``dagster dev -m orchestration.definitions`` prepares it itself (``prepare_if_dev``
  runs ``dbt parse`` on every code-location load);
- ``aftersales-refresh`` and ``aftersales-benchmark`` call :func:`prepare_manifest` first;
- a deployment runs ``dbt parse --profiles-dir .`` (or
  ``dagster-dbt project prepare-and-package --file orchestration/dbt_resource.py``) at
  build time.

The manifest lives in ``$DBT_TARGET_PATH`` (default ``target/`` in the project); each dbt
invocation from Dagster writes its artifacts to a fresh sub-directory of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.config import PROJECT_DIR, Settings


def ensure_dbt_on_path() -> None:
    """Put the running interpreter's ``bin`` directory first on PATH when ``dbt`` is not found.

    dagster-dbt starts ``dbt`` by name (its manifest preparer takes no executable), so a
    command started as ``.venv/bin/aftersales-refresh`` or ``.venv/bin/python -m pytest``
    without an activated virtual environment must still find the venv's dbt.
    """
    if shutil.which("dbt"):
        return
    venv_bin = Path(sys.executable).parent
    if (venv_bin / "dbt").exists():
        os.environ["PATH"] = os.pathsep.join([str(venv_bin), os.environ.get("PATH", "")])


ensure_dbt_on_path()


def dbt_target_path() -> Path:
    """Where dbt artifacts go: ``$DBT_TARGET_PATH`` or ``target`` (project-relative)."""
    return Path(os.environ.get("DBT_TARGET_PATH") or "target")


def make_dbt_project() -> DbtProject:
    return DbtProject(
        project_dir=PROJECT_DIR,
        profiles_dir=PROJECT_DIR,
        target_path=dbt_target_path(),
    )


dbt_project = make_dbt_project()


@contextlib.contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them.

    ``DbtCliResource.cli`` passes ``os.environ`` to the dbt subprocess it starts (and reads
    the profile in-process with it), so settings reach dbt's ``env_var()`` this way.
    """
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def make_dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    return DbtCliResource(project_dir=project or dbt_project)


def prepare_manifest(settings: Settings, project: DbtProject | None = None) -> Path:
    """Run ``dbt parse`` (and ``dbt deps`` if the project has packages); return the manifest.

    Raises ``DagsterDbtCliRuntimeError`` when the project does not parse.
    """
    project = project or dbt_project
    with environment(settings.dbt_env()):
        project.preparer.prepare(project)
    if not project.manifest_path.exists():
        raise FileNotFoundError(f"dbt parse wrote no manifest at {project.manifest_path}")
    return project.manifest_path
