"""The staging suites validate what a build changed, not all of history.

The current-version tables are incremental (docs/architecture.md, "Incremental refresh"):
a row keeps its ``_resolved_at`` until its key is resolved again, and a row that is not
touched is the same row that an earlier suite run already passed. So each suite reads the
rows resolved after the last time it passed, kept per model in
``<warehouse_dir>/gx_staging_validated.json``. A full refresh gives every row a new stamp,
and a failed suite records nothing: the next run validates those rows again. The key's
uniqueness over the whole table stays proven in every build by the dbt test
``dms_contract`` (``macros/staging/test_dms_contract.sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.quality.gx_runner import SuiteResult
from orchestration.quality.staging_suites import STAGING_SCHEMA, resolved_after
from orchestration.state_files import read_state, write_state

STATE_FILE_NAME = "gx_staging_validated.json"


def _state_path(warehouse_dir: Path) -> Path:
    return warehouse_dir / STATE_FILE_NAME


def _read(warehouse_dir: Path) -> dict[str, str]:
    return read_state(_state_path(warehouse_dir)) or {}


def validated_through(warehouse_dir: Path, model: str) -> datetime | None:
    """The latest ``_resolved_at`` of ``model`` that a passing suite run covered."""
    value = _read(warehouse_dir).get(model)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def record_validated(warehouse_dir: Path, model: str, through: datetime) -> None:
    state = _read(warehouse_dir)
    state[model] = through.isoformat()
    write_state(_state_path(warehouse_dir), state)


@dataclass(frozen=True)
class ChangedRows:
    """What a staging suite reads next: the rows of ``model`` resolved after ``since``
    (every row when None), ``rows`` of them, the latest stamp being ``through``."""

    model: str
    since: datetime | None
    through: datetime | None
    rows: int


def changed_rows(con: duckdb.DuckDBPyConnection, model: str, warehouse_dir: Path) -> ChangedRows:
    """The rows of ``model`` resolved since its suite last passed (all rows the first time,
    or when the table was rebuilt with older stamps)."""
    since = validated_through(warehouse_dir, model)
    relation = f"{STAGING_SCHEMA}.{model}"
    (through,) = con.execute(f"select max(_resolved_at) from {relation}").fetchone()
    if since is not None and through is not None and through < since:
        since = None  # the table was rebuilt with older stamps: validate everything
    where, params = resolved_after(since)
    (rows,) = con.execute(f"select count(*) from {relation} {where}", params).fetchone()
    return ChangedRows(model=model, since=since, through=through, rows=int(rows))


def record_passed(warehouse_dir: Path, changed: ChangedRows, result: SuiteResult) -> None:
    """Record how far ``changed``'s suite got, when it passed."""
    if result.success and changed.through is not None:
        record_validated(warehouse_dir, changed.model, changed.through)


def scope(warehouse_dir: Path, model: str) -> str:
    """Which rows the next run of ``model``'s suite reads (:func:`changed_rows`), in words."""
    since = validated_through(warehouse_dir, model)
    return "every row" if since is None else f"rows resolved after {since.isoformat()}"
