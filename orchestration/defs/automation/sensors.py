"""Triggers besides the daily schedule: new landing files, and failed runs.

``landing_files_sensor`` starts a ``refresh`` run when files appear in the landing
directory that were neither loaded yet nor seen before:

- *loaded*: the file's (table, name) is in the build's ``raw._loaded_files``, read through
  the engine (``Engine.read_build``: the same on DuckDB and Spark; when the build cannot be
  opened, e.g. an ``aftersales-refresh`` outside Dagster holds it, only the cursor is used);
- *seen*: the sensor's cursor keeps ``table/name → size:mtime_ns`` of every file it has
  already asked a run for, so the same file never triggers twice, and a file rewritten in
  place (new size or mtime) under a name not loaded yet triggers again.

While a ``refresh`` run is queued or in progress the sensor skips the tick without
touching its cursor: the files are looked at again on the next tick, after that run.
Only data files (CSV, Excel, Parquet) in the contract's table folders count (as in the
ingest), once unchanged for the ingest's settle time.
"""

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.contract import TABLES
from orchestration.engines import Engine, EngineError
from orchestration.landing.discovery import settle_seconds
from orchestration.landing.readers import DATA_SUFFIXES as FILE_SUFFIXES
from orchestration.landing.register import LOADED_FILES_TABLE

SENSOR_NAME = "landing_files"
MINIMUM_INTERVAL_SECONDS = 60
IN_PROGRESS_STATUSES = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
]


def landing_signatures(landing_dir: Path) -> dict[str, str]:
    """``table/name → size:mtime_ns`` of every landing file the ingest would look at now.

    A file modified within the ingest's settle time is left out (the ingest would defer
    it): it is seen on a later tick, once it has stopped changing.
    """
    settle = settle_seconds()
    now = time.time()
    found: dict[str, str] = {}
    for table in TABLES:
        folder = landing_dir / table
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.is_file() and path.suffix.lower() in FILE_SUFFIXES:
                stat = path.stat()
                if now - stat.st_mtime < settle:
                    continue
                found[f"{table}/{path.name}"] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return found


def loaded_files(engine: Engine) -> set[str] | None:
    """``table/name`` of every registered file; None when the build cannot be read."""
    try:
        with engine.read_build() as con:
            rows = con.execute(f"select table_name, file_name from {LOADED_FILES_TABLE}").fetchall()
    except EngineError:
        return set()  # no build warehouse yet: nothing is loaded
    except duckdb.CatalogException:
        return set()  # a warehouse without the register has loaded nothing
    except duckdb.Error:
        return None
    return {f"{table}/{name}" for table, name in rows}


def new_landing_files(
    signatures: dict[str, str], cursor: dict[str, str], loaded: set[str] | None
) -> dict[str, str]:
    """Files neither loaded nor seen with the same size and mtime."""
    return {
        key: signature
        for key, signature in signatures.items()
        if (loaded is None or key not in loaded) and cursor.get(key) != signature
    }


def _decode(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def run_in_progress(context: SensorEvaluationContext, job_name: str) -> bool:
    runs = context.instance.get_runs(
        filters=RunsFilter(job_name=job_name, statuses=IN_PROGRESS_STATUSES), limit=1
    )
    return bool(runs)


def evaluate_landing(
    context: SensorEvaluationContext, job_name: str, engine: Engine
) -> SensorResult | SkipReason:
    if run_in_progress(context, job_name):
        return SkipReason(f"a {job_name} run is queued or in progress")
    seen = _decode(context.cursor)
    settings = engine.settings
    signatures = landing_signatures(settings.landing_dir)
    loaded = loaded_files(engine)
    new = new_landing_files(signatures, seen, loaded)
    if not new:
        return SkipReason(f"no new files in {settings.landing_dir}")
    # Forget files that are gone; remember the ones this run is asked for.
    cursor = {key: seen[key] for key in signatures if key in seen}
    cursor.update(new)
    digest = hashlib.sha256(json.dumps(sorted(new.items())).encode()).hexdigest()[:16]
    names = sorted(new)
    context.log.info(f"{len(new)} new landing files, e.g. {names[:5]}")
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"landing-{digest}",
                tags={"aftersales/trigger": "landing_files", "aftersales/new_files": str(len(new))},
            )
        ],
        cursor=json.dumps(cursor, sort_keys=True),
    )


def make_landing_sensor(job: object, engine_factory: Callable[[], Engine]):
    """The sensor for ``job``; the engine and its settings (landing dir, warehouse) are
    resolved on every tick, so the sensor works on both engines."""

    @sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Start a refresh when new files (not loaded, not seen) appear in the landing "
            "directory, unless a refresh is already queued or running."
        ),
    )
    def landing_files(context: SensorEvaluationContext) -> SensorResult | SkipReason:
        return evaluate_landing(context, job.name, engine_factory())  # type: ignore[attr-defined]

    return landing_files
