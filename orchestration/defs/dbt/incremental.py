"""When the refresh's ``dbt build`` may be incremental, and when it must rebuild everything.

The incremental models (docs/architecture.md, "Incremental refresh") trust what an earlier
build left in the build warehouse. That is only sound when the earlier build finished and
was made by the same SQL. The build warehouse directory keeps a small state file: the
project's fingerprint and whether the last ``dbt build`` finished. ``dbt build`` gets
``--full-refresh`` when

- the operator asked for it (``aftersales-refresh --full-refresh``);
- there is no state file (a new warehouse, or one built before incremental models);
- the last ``dbt build`` did not finish (a model may be missing rows it was about to add);
- the last ``dbt build`` built only a selection of the models (a Dagster asset subset):
  the models it skipped missed that build's days;
- the project changed since (models, macros, seeds, vars, the dbt version): old rows
  were computed by other SQL.

The state file is written before ``dbt build`` starts (``finished: false``) and again when
it succeeds (``finished: true``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.config import PROJECT_DIR, Settings
from orchestration.state_files import read_state as read_state_file
from orchestration.state_files import write_state

STATE_FILE_NAME = "dbt_incremental_state.json"
# What the models' SQL is made of (dbt_project.yml holds the vars and the raw contract).
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds")

# A full refresh on DuckDB builds one node at a time (D-114): every node then has the whole
# memory limit, and two large queries cannot run out of it together.
FULL_REFRESH_THREADS_ENV = "AFTERSALES_DBT_FULL_REFRESH_THREADS"
DEFAULT_FULL_REFRESH_THREADS = 1


def full_refresh_threads() -> int:
    """dbt threads of a full refresh on DuckDB: ``AFTERSALES_DBT_FULL_REFRESH_THREADS``,
    1 by default."""
    text = os.environ.get(FULL_REFRESH_THREADS_ENV, "").strip()
    if not text:
        return DEFAULT_FULL_REFRESH_THREADS
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{FULL_REFRESH_THREADS_ENV}={text!r}: set a whole number of dbt threads, 1 or more "
            f"(unset: {DEFAULT_FULL_REFRESH_THREADS})"
        )
    return int(text)


def state_path(settings: Settings) -> Path:
    return settings.warehouse_dir / STATE_FILE_NAME


def digest_project_files(names: tuple[str, ...], project_dir: Path = PROJECT_DIR) -> Any:
    """A sha256 of the dbt version and of the files under ``names`` (files or folders of
    the project), paths included: what both the manifest fingerprint
    (``orchestration/defs/dbt/project.py``) and :func:`project_fingerprint` start from."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(f"dbt {dbt_version}\0".encode())
    for name in names:
        root = project_dir / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(f"{path.relative_to(project_dir)}\0".encode())
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest


def project_fingerprint(project_dir: Path = PROJECT_DIR) -> str:
    """sha256 of the dbt version and the files the models are built from (not of the
    environment: a new as-of time or new paths do not change the SQL)."""
    return digest_project_files(PROJECT_INPUTS, project_dir).hexdigest()


# Read by macros/tests/rows_built.sql: "true" makes the data tests of the incremental
# models read the rows this build wrote (D-098).
ROWS_BUILT_ENV = "AFTERSALES_TEST_ROWS_BUILT"


def data_tests_env(*, full_refresh: bool) -> dict[str, str]:
    """The environment of the refresh's ``dbt build``: an incremental build (the previous
    build finished, same project) tests the rows it wrote to the incremental models; a
    full refresh tests every row. Always set, so an exported value never leaks in."""
    return {ROWS_BUILT_ENV: "false" if full_refresh else "true"}


def read_state(settings: Settings) -> dict | None:
    return read_state_file(state_path(settings))


def full_refresh_reason(
    settings: Settings, *, requested: bool = False, project_dir: Path = PROJECT_DIR
) -> str | None:
    """Why this build must be a full refresh, or None when it may be incremental."""
    if requested:
        return "requested (--full-refresh)"
    state = read_state(settings)
    if state is None:
        return f"no incremental state in {state_path(settings)} (first build of this warehouse)"
    if state.get("selection"):
        return (
            f"the last dbt build (started {state.get('started_at')}) built only a "
            "selection of the models"
        )
    if not state.get("finished"):
        return f"the last dbt build (started {state.get('started_at')}) did not finish"
    if state.get("project") != project_fingerprint(project_dir):
        return "the dbt project changed since the last build"
    return None


def _write(settings: Settings, state: dict) -> None:
    write_state(state_path(settings), state)


def mark_started(
    settings: Settings, *, full_refresh: bool, project_dir: Path = PROJECT_DIR
) -> None:
    _write(
        settings,
        {
            "project": project_fingerprint(project_dir),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "full_refresh": full_refresh,
            "finished": False,
        },
    )


def mark_finished(settings: Settings, *, selection: bool = False) -> None:
    """The build succeeded. ``selection``: it built only some of the models (a Dagster
    asset subset); the incremental daily KPI facts recompute the days of each build's
    scope (``int_builds_scoped``), so models a build skipped would miss those days and
    the next build must be a full refresh."""
    state = read_state(settings) or {}
    state["finished"] = True
    state["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    if selection:
        state["selection"] = True
    _write(settings, state)
