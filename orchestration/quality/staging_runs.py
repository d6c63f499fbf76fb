"""The refresh's staging suites, side by side in worker processes when they read much.

GX validates a pandas frame on one core, and the three staging suites are independent: each
reads its own table (the rows resolved since it last passed, ``validated.changed_rows``)
through its own read-only connection and writes its own data-docs site. When they read
more rows in all than one part holds (``gx_runner.part_rows``: a full refresh, or a large
first run), they run in ``AFTERSALES_GX_WORKERS`` worker processes (default: the machine's
cores, at most 2), the suite with the most rows first, each worker's reads on its share of
the cores (:func:`duckdb_threads`). Otherwise, or with one worker, they
run one after another in this process: starting a worker costs more than a small suite.
Either way each suite is the same call (``staging_suites.run_staging_suite``) and the
parent records what passed (``validated.record_passed``), so no two processes write the
record. docs/decisions.md, D-121.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from orchestration.config import Settings
from orchestration.quality.gx_runner import SuiteResult, part_rows
from orchestration.quality.staging_suites import STAGING_SUITES, run_staging_suite
from orchestration.quality.validated import ChangedRows, changed_rows, record_passed

WORKERS_ENV = "AFTERSALES_GX_WORKERS"
DEFAULT_MAX_WORKERS = 2


class StagingRunError(RuntimeError):
    """A worker process of the staging suites died; nothing was recorded as passed."""


def gx_workers() -> int:
    """Worker processes for the staging suites: ``$AFTERSALES_GX_WORKERS``, default the
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
class StagingRuns:
    """The suites' results in ``STAGING_SUITES`` order, how many processes ran them (1: the
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
    only made the workers' reads compete (10 M full refresh, the three suites in two
    workers: 79.2 and 75.6 s with DuckDB's default of all cores, 71.1 and 66.9 s with
    one thread each)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _validate(
    settings: Settings, model: str, since: datetime | None, docs_dir: Path, threads: int
) -> tuple[SuiteResult, int, float]:
    """(In a worker) ``model``'s suite on the rows resolved after ``since``, read through a
    connection of the worker's own with ``threads`` DuckDB threads; with the worker's pid
    and peak."""
    from orchestration.engines import engine_for

    with engine_for(settings).read_build() as con:
        con.execute("set enable_progress_bar = false")  # a worker's output is the log's
        con.execute(f"set threads = {int(threads)}")
        result = run_staging_suite(con, model, docs_dir=docs_dir, since=since)
    return result, os.getpid(), _peak_mb()


def _in_workers(
    settings: Settings, planned: Sequence[ChangedRows], docs_root: Path, workers: int
) -> StagingRuns:
    largest_first = sorted(planned, key=lambda changed: -changed.rows)
    context = multiprocessing.get_context("spawn")  # never fork a process holding DuckDB
    results: dict[str, SuiteResult] = {}
    peaks: dict[int, float] = {}
    parent_mb = _resident_mb()  # the caller only waits while the workers run
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                changed.model: pool.submit(
                    _validate,
                    settings,
                    changed.model,
                    changed.since,
                    docs_root / changed.model,
                    duckdb_threads(workers),
                )
                for changed in largest_first
            }
            for model, future in futures.items():
                result, pid, peak = future.result()
                results[model] = result
                peaks[pid] = max(peak, peaks.get(pid, 0.0))
    except BrokenProcessPool as error:
        raise StagingRunError(
            f"a worker process of the GX staging suites died ({error}), probably out of "
            f"memory: nothing was recorded as passed. Run the refresh again with "
            f"{WORKERS_ENV}=1, or a smaller AFTERSALES_GX_PART_ROWS"
        ) from error
    return StagingRuns(results, workers, peaks, parent_mb)


def run_staging_suites(
    settings: Settings, docs_root: Path, workers: int | None = None
) -> StagingRuns:
    """Every staging suite on the rows its table resolved since it last passed, each
    writing its data docs to ``docs_root/<model>``; records what passed."""
    from orchestration.engines import engine_for

    warehouse_dir = settings.warehouse_dir
    workers = gx_workers() if workers is None else workers
    with engine_for(settings).read_build() as con:
        planned = [changed_rows(con, model, warehouse_dir) for model in STAGING_SUITES]
        side_by_side = workers > 1 and sum(c.rows for c in planned) > part_rows()
        if not side_by_side:
            runs = StagingRuns(
                results={
                    c.model: run_staging_suite(
                        con, c.model, docs_dir=docs_root / c.model, since=c.since
                    )
                    for c in planned
                }
            )
    if side_by_side:
        runs = _in_workers(settings, planned, docs_root, min(workers, len(planned)))
    for changed in planned:
        record_passed(warehouse_dir, changed, runs.results[changed.model])
    return replace(runs, results={model: runs.results[model] for model in STAGING_SUITES})
