"""The refresh's blocking GX suites, side by side in worker processes when they read much.

GX validates a pandas frame on one core, and the blocking suites are independent: the
kpi_values suite (the rows that have not passed it before, ``validated_rows``) and the
three staging suites (the rows resolved since each last passed, ``validated.changed_rows``)
each read their own table through their own read-only connection and write their own
data-docs site. When they read more rows in all than one part holds
(``gx_runner.part_rows``: a full refresh, or a large first run), they run in
``AFTERSALES_GX_WORKERS`` worker processes (default: the machine's cores, at most 2), the
suite with the most rows first, each worker's reads on its share of the cores
(:func:`duckdb_threads`). Otherwise, or with one worker, they run one after another in
this process: starting a worker costs more than a small suite. Either way each suite is
the same call (``kpi_values_suite.run_suite``, ``staging_suites.run_staging_suite``). The
parent records what the staging suites passed (``validated.record_passed``), so no two
processes write that record; the kpi_values suite records its rows itself, in its own
file (``validated_rows``). docs/decisions.md, D-121 and D-123.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from orchestration.arrow_memory import use_reusing_pool
from orchestration.config import Settings
from orchestration.quality.gx_runner import SuiteResult, part_rows
from orchestration.quality.kpi_values_suite import KPI_VALUES_TABLE, run_suite
from orchestration.quality.staging_suites import STAGING_SUITES, run_staging_suite
from orchestration.quality.validated import ChangedRows, changed_rows, record_passed
from orchestration.quality.validated_rows import recorded

WORKERS_ENV = "AFTERSALES_GX_WORKERS"
DEFAULT_MAX_WORKERS = 2
KPI_VALUES_SUITE = "kpi_values"
# the blocking suites, in the order of their results (and of a run in one process)
BLOCKING_SUITES = (KPI_VALUES_SUITE, *STAGING_SUITES)


class SuiteRunError(RuntimeError):
    """A worker process of the blocking suites died; nothing was recorded as passed."""


def gx_workers() -> int:
    """Worker processes for the blocking suites: ``$AFTERSALES_GX_WORKERS``, default the
    machine's cores, at most 2 (each worker holds one part in memory, and the refresh's
    memory budget is sized for two)."""
    value = os.environ.get(WORKERS_ENV, "").strip()
    if not value:
        return max(1, min(DEFAULT_MAX_WORKERS, os.cpu_count() or 1))
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise ValueError(
            f"{WORKERS_ENV}={value!r} is not a number of worker processes: set it to 1 (the "
            "suites one after another in the refresh's process) or more, or unset it"
        )
    return workers


@dataclass(frozen=True)
class SuiteRuns:
    """The suites' results in ``BLOCKING_SUITES`` order, how many processes ran them (1: the
    refresh's own) and each worker's peak resident memory in MiB."""

    results: dict[str, SuiteResult]
    processes: int = 1
    worker_peaks_mb: dict[int, float] = field(default_factory=dict)
    parent_mb: float = 0.0  # what the calling process held while the workers ran

    @property
    def workers_peak_mb(self) -> float:
        """The workers' peaks added up: at most what they held at once."""
        return round(sum(self.worker_peaks_mb.values()), 1)

    @property
    def held_at_once_mb(self) -> float:
        """At most what the calling process and the workers held at once (0 without
        workers: then the calling process's own peak says it)."""
        return round(self.parent_mb + self.workers_peak_mb, 1) if self.worker_peaks_mb else 0.0


def _peak_mb() -> float:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / (2**20 if sys.platform == "darwin" else 2**10), 1)


def _resident_mb() -> float:
    """This process's resident memory now (its peak where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    except (OSError, IndexError, ValueError):
        return _peak_mb()
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def duckdb_threads(workers: int) -> int:
    """DuckDB threads for each worker's reads: the cores shared out among the workers. A
    worker spends most of its time in GX on one core; letting each read use every core
    only made the workers' reads compete (10 M full refresh, the three staging suites in
    two workers: 79.2 and 75.6 s with DuckDB's default of all cores, 71.1 and 66.9 s with
    one thread each)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


@dataclass(frozen=True)
class Planned:
    """A suite to run: its name (``BLOCKING_SUITES``), about how many rows it reads, and
    for a staging suite what it reads (the rows resolved after ``changed.since``)."""

    suite: str
    rows: int
    changed: ChangedRows | None = None


def _run_suite(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    planned: Planned,
    docs_dir: Path,
) -> SuiteResult:
    """One suite on a read of the build (``con``); the kpi_values suite also reads what
    is served now (its row-count band) and records the rows it passed."""
    if planned.changed is not None:
        return run_staging_suite(con, planned.suite, docs_dir=docs_dir, since=planned.changed.since)
    from orchestration.engines import engine_for

    with engine_for(settings).read_served() as served:
        return run_suite(
            con, served=served, docs_dir=docs_dir, warehouse_dir=settings.warehouse_dir
        )


def _validate(
    settings: Settings, planned: Planned, docs_dir: Path, threads: int
) -> tuple[SuiteResult, int, float]:
    """(In a worker) the ``planned`` suite, read through a connection of the worker's own
    with ``threads`` DuckDB threads; with the worker's pid and peak."""
    from orchestration.engines import engine_for

    with engine_for(settings).read_build() as con:
        con.execute("set enable_progress_bar = false")  # a worker's output is the log's
        con.execute(f"set threads = {int(threads)}")
        result = _run_suite(settings, con, planned, docs_dir)
    return result, os.getpid(), _peak_mb()


def _start_worker() -> None:
    """(In a new worker) keep GX from importing pyspark's Spark Connect client, which no
    suite uses. That client ends the process (``sys.exit(0)``, taking it for a doctest
    run) when its optional packages (grpcio-status, googleapis-common-protos) are missing
    and the main module has neither a spec nor a file, which is how a worker spawned from
    ``python -m pytest`` or ``python -m dagster`` starts; GX then sees an ImportError
    and goes on without it, as it does where pyspark is not installed. The frames are
    read through Arrow's jemalloc pool (:mod:`orchestration.arrow_memory`, D-136)."""
    sys.modules.setdefault("pyspark.sql.connect", None)  # type: ignore[arg-type]
    use_reusing_pool()


def _in_workers(
    settings: Settings, planned: Sequence[Planned], docs_root: Path, workers: int
) -> SuiteRuns:
    largest_first = sorted(planned, key=lambda suite: -suite.rows)
    context = multiprocessing.get_context("spawn")  # never fork a process holding DuckDB
    results: dict[str, SuiteResult] = {}
    peaks: dict[int, float] = {}
    parent_mb = _resident_mb()  # the caller only waits while the workers run
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_start_worker
        ) as pool:
            futures = {
                suite.suite: pool.submit(
                    _validate, settings, suite, docs_root / suite.suite, duckdb_threads(workers)
                )
                for suite in largest_first
            }
            for name, future in futures.items():
                result, pid, peak = future.result()
                results[name] = result
                peaks[pid] = max(peak, peaks.get(pid, 0.0))
    except BrokenProcessPool as error:
        raise SuiteRunError(
            f"a worker process of the GX suites died ({error}), probably out of memory: "
            f"nothing was recorded as passed. Run the refresh again with {WORKERS_ENV}=1, "
            "or a smaller AFTERSALES_GX_PART_ROWS"
        ) from error
    return SuiteRuns(results, workers, peaks, parent_mb)


def _kpi_values_rows(con: duckdb.DuckDBPyConnection, warehouse_dir: Path) -> int:
    """About how many rows the kpi_values suite reads: every row when no passing run is
    recorded (a new warehouse: a full refresh at scale), else 0, for few (a build
    rewrites the periods it recomputed; counting them exactly would mean hashing every
    row, which the suite's own read does)."""
    if recorded(warehouse_dir):
        return 0
    (rows,) = con.execute(f"select count(*) from {KPI_VALUES_TABLE}").fetchone()
    return int(rows)


def run_blocking_suites(
    settings: Settings,
    docs_root: Path,
    workers: int | None = None,
    suites: Collection[str] = BLOCKING_SUITES,
) -> SuiteRuns:
    """The blocking ``suites`` (default all: the kpi_values suite and every staging
    suite), each on the rows it has not passed (see the module), writing its data docs to
    ``docs_root/<suite>``; records what passed."""
    from orchestration.engines import engine_for

    unknown = set(suites) - set(BLOCKING_SUITES)
    if unknown:
        raise ValueError(f"no blocking GX suite named {sorted(unknown)}: {BLOCKING_SUITES}")
    warehouse_dir = settings.warehouse_dir
    workers = gx_workers() if workers is None else workers
    use_reusing_pool()  # the suites' reads in this process (D-136)
    with engine_for(settings).read_build() as con:
        staging = [
            changed_rows(con, model, warehouse_dir) for model in STAGING_SUITES if model in suites
        ]
        planned = [
            *(
                [Planned(KPI_VALUES_SUITE, _kpi_values_rows(con, warehouse_dir))]
                if KPI_VALUES_SUITE in suites
                else []
            ),
            *(Planned(changed.model, changed.rows, changed) for changed in staging),
        ]
        side_by_side = workers > 1 and sum(suite.rows for suite in planned) > part_rows()
        if not side_by_side:
            runs = SuiteRuns(
                results={
                    suite.suite: _run_suite(settings, con, suite, docs_root / suite.suite)
                    for suite in planned
                }
            )
    if side_by_side:
        runs = _in_workers(settings, planned, docs_root, min(workers, len(planned)))
    for changed in staging:
        record_passed(warehouse_dir, changed, runs.results[changed.model])
    ordered = {suite: runs.results[suite] for suite in BLOCKING_SUITES if suite in runs.results}
    return replace(runs, results=ordered)
