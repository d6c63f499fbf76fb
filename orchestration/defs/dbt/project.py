"""The dbt project as Dagster sees it: DbtProject, the CLI resource and the manifest.

``@dbt_assets`` reads ``manifest.json`` when ``orchestration.definitions`` is imported, so
the manifest must exist before that:

- ``dagster dev -m orchestration.definitions`` prepares it itself (``prepare_if_dev``
  runs ``dbt parse`` on every code-location load);
- ``aftersales-refresh`` and ``aftersales-benchmark`` call :func:`prepare_manifest` first,
  which runs ``dbt parse`` only when the project files or the dbt environment changed since
  the manifest was written (:func:`manifest_fingerprint`, kept beside ``manifest.json``);
- a deployment runs ``dbt parse --profiles-dir . --target duckdb`` (the target it builds; or
  ``dagster-dbt project prepare-and-package --file orchestration/defs/dbt/project.py``) at
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
from orchestration.defs.dbt.incremental import digest_project_files


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


# What ``dbt parse`` reads: a change to any of these makes the manifest stale.
MANIFEST_INPUTS = (
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "models",
    "macros",
    "seeds",
    "snapshots",
    "analyses",
    "tests/dbt",
)
FINGERPRINT_FILE_NAME = "manifest.fingerprint"


def manifest_fingerprint(settings: Settings, project_dir: Path = PROJECT_DIR) -> str:
    """sha256 of the dbt project files, the dbt version and the environment dbt renders
    (``Settings.dbt_env`` and every ``AFTERSALES_*`` / ``DBT_*`` variable)."""
    digest = digest_project_files(MANIFEST_INPUTS, project_dir)
    env = {
        key: value for key, value in os.environ.items() if key.startswith(("AFTERSALES_", "DBT_"))
    }
    env.update(settings.dbt_env())
    for key in sorted(env):
        digest.update(f"{key}={env[key]}\0".encode())
    return digest.hexdigest()


def parse_project(project: DbtProject, target: str) -> None:
    """``dbt parse`` (after ``dbt deps`` when the project has packages) for ``target``.

    The parse names the target the refresh builds (``dbt build --target <engine>``): dbt
    keeps its partial-parse state only for the same ``--target`` flag, so a parse without
    it made the next build parse the whole project again (6 s at every full refresh).
    dagster-dbt's preparer is not used: it marks every seed changed in that state (for a
    manifest moved between machines; this one is not), and the next build would then
    parse the seeds and every model that reads them again.
    """
    targeted = DbtProject(
        project_dir=project.project_dir,
        profiles_dir=project.profiles_dir,
        target_path=project.target_path,
        target=target,
    )
    resource = DbtCliResource(project_dir=targeted)
    if (Path(targeted.project_dir) / "packages.yml").exists():
        resource.cli(["deps", "--quiet"], target_path=targeted.target_path).wait()
    resource.cli(["parse", "--quiet"], target_path=targeted.target_path).wait()


def prepare_manifest(
    settings: Settings, project: DbtProject | None = None, *, force: bool = False
) -> Path:
    """Return an up-to-date manifest: reuse it when its fingerprint matches, else run
    ``dbt parse`` (and ``dbt deps`` if the project has packages) and record the fingerprint.

    Raises ``DagsterDbtCliRuntimeError`` when the project does not parse.
    """
    project = project or dbt_project
    stamp = project.manifest_path.with_name(FINGERPRINT_FILE_NAME)
    fingerprint = manifest_fingerprint(settings, Path(project.project_dir))
    if (
        not force
        and project.manifest_path.exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint
    ):
        return project.manifest_path
    stamp.unlink(missing_ok=True)
    with environment(settings.dbt_env()):
        parse_project(project, settings.target)
    if not project.manifest_path.exists():
        raise FileNotFoundError(f"dbt parse wrote no manifest at {project.manifest_path}")
    stamp.write_text(fingerprint + "\n")
    return project.manifest_path


def manifest_is_current(settings: Settings, project: DbtProject | None = None) -> bool:
    """Whether :func:`prepare_manifest` would reuse the manifest without ``dbt parse``."""
    project = project or dbt_project
    stamp = project.manifest_path.with_name(FINGERPRINT_FILE_NAME)
    return (
        project.manifest_path.exists()
        and stamp.exists()
        and stamp.read_text().strip() == manifest_fingerprint(settings, Path(project.project_dir))
    )
