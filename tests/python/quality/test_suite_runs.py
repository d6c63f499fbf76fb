"""The blocking GX suites (kpi_values and the staging suites) run side by side in worker
processes when they read much, with the same verdicts as one after another
(orchestration/quality/suite_runs.py, D-121, D-123)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from build_copy import count, execute

from orchestration.config import Settings
from orchestration.quality import suite_runs
from orchestration.quality.gx_runner import PART_ROWS_ENV
from orchestration.quality.staging_suites import STAGING_SUITES
from orchestration.quality.suite_runs import (
    BLOCKING_SUITES,
    KPI_VALUES_SUITE,
    WORKERS_ENV,
    gx_workers,
    run_blocking_suites,
)
from orchestration.quality.validated import validated_through
from orchestration.quality.validated_rows import recorded


def _settings(directory: Path) -> Settings:
    return Settings(
        landing_dir=directory / "landing",
        warehouse_dir=directory,
        serving_dir=directory / "serving",
        as_of=None,
    )


def _verdicts(runs) -> dict[str, list[tuple[str, bool, int | None]]]:
    return {
        model: [(o.description, o.success, o.unexpected_count) for o in result.outcomes]
        for model, result in runs.results.items()
    }


def test_workers_give_the_verdicts_of_one_process_and_record_what_passed(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a bad code in one table: its suite fails, the others pass
    execute(
        build_dir,
        "update staging.stg_dms__callbacks set channel = 'carrier pigeon' "
        "where callback_id = (select min(callback_id) from staging.stg_dms__callbacks)",
    )
    total = sum(count(build_dir, f"staging.{model}") for model in STAGING_SUITES)
    monkeypatch.setenv(PART_ROWS_ENV, str(total // 2))  # more rows than a part: side by side
    copy = tmp_path / "sequential"
    copy.mkdir()
    (copy / "aftersales.duckdb").write_bytes((build_dir / "aftersales.duckdb").read_bytes())

    side_by_side = run_blocking_suites(_settings(build_dir), tmp_path / "docs", workers=2)
    one_process = run_blocking_suites(_settings(copy), tmp_path / "docs1", workers=1)

    assert side_by_side.processes == 2 and one_process.processes == 1
    assert list(side_by_side.results) == list(BLOCKING_SUITES)
    assert _verdicts(side_by_side) == _verdicts(one_process)
    rows = {m: r.row_count for m, r in side_by_side.results.items()}
    assert rows == {m: r.row_count for m, r in one_process.results.items()}
    assert all(rows.values())
    assert not side_by_side.results["stg_dms__callbacks"].success
    assert side_by_side.results["stg_dms__tickets"].success
    assert side_by_side.results[KPI_VALUES_SUITE].success  # in a worker, too
    assert rows[KPI_VALUES_SUITE] == count(build_dir, "marts.kpi_values")
    # each worker reported its peak; the parent recorded only what passed
    assert len(side_by_side.worker_peaks_mb) == 2
    assert all(50 < mb < 8192 for mb in side_by_side.worker_peaks_mb.values())
    assert 0 < side_by_side.parent_mb < 8192
    assert side_by_side.held_at_once_mb == round(
        side_by_side.parent_mb + sum(side_by_side.worker_peaks_mb.values()), 1
    )
    assert validated_through(build_dir, "stg_dms__callbacks") is None
    assert validated_through(build_dir, "stg_dms__tickets") is not None
    assert (tmp_path / "docs" / "stg_dms__part_requests" / "index.html").is_file()
    assert (tmp_path / "docs" / KPI_VALUES_SUITE / "index.html").is_file()
    assert recorded(build_dir)  # the kpi_values suite, in its worker, recorded its rows

    # the next run reads only the failed table again
    again = run_blocking_suites(_settings(build_dir), tmp_path / "docs", workers=2)
    assert again.results["stg_dms__tickets"].row_count == 0
    assert again.results[KPI_VALUES_SUITE].row_count == 0
    assert again.results["stg_dms__callbacks"].row_count == rows["stg_dms__callbacks"]


def test_a_small_read_stays_in_the_refresh_process(build_dir: Path, tmp_path: Path) -> None:
    runs = run_blocking_suites(_settings(build_dir), tmp_path / "docs", workers=2)
    assert runs.processes == 1 and not runs.worker_peaks_mb and runs.held_at_once_mb == 0.0
    assert all(result.success for result in runs.results.values())


def test_a_run_of_some_suites_runs_those_only(build_dir: Path, tmp_path: Path) -> None:
    runs = run_blocking_suites(_settings(build_dir), tmp_path / "docs", suites=[KPI_VALUES_SUITE])
    assert list(runs.results) == [KPI_VALUES_SUITE] and runs.results[KPI_VALUES_SUITE].success
    assert validated_through(build_dir, "stg_dms__tickets") is None  # not run: not recorded
    staging = run_blocking_suites(_settings(build_dir), tmp_path / "docs", suites=STAGING_SUITES)
    assert list(staging.results) == list(STAGING_SUITES)
    with pytest.raises(ValueError, match="no blocking GX suite named"):
        run_blocking_suites(_settings(build_dir), tmp_path / "docs", suites=["kpi_trend"])


def test_the_number_of_workers_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WORKERS_ENV, raising=False)
    assert 1 <= gx_workers() <= 2
    monkeypatch.setenv(WORKERS_ENV, "3")
    assert gx_workers() == 3
    for bad in ("0", "two"):
        monkeypatch.setenv(WORKERS_ENV, bad)
        with pytest.raises(ValueError, match=WORKERS_ENV):
            gx_workers()


def test_each_worker_reads_on_its_share_of_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite_runs.os, "cpu_count", lambda: 2)
    assert suite_runs.duckdb_threads(2) == 1
    assert suite_runs.duckdb_threads(1) == 2
    monkeypatch.setattr(suite_runs.os, "cpu_count", lambda: 8)
    assert suite_runs.duckdb_threads(3) == 2
    monkeypatch.setattr(suite_runs.os, "cpu_count", lambda: None)
    assert suite_runs.duckdb_threads(2) == 1


def test_a_worker_reads_through_the_reusing_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new worker switches Arrow to the pool that keeps freed memory (D-136)."""
    chosen: list[bool] = []
    monkeypatch.setattr(suite_runs, "use_reusing_pool", lambda: chosen.append(True) or "x")
    monkeypatch.setitem(sys.modules, "pyspark.sql.connect", None)
    suite_runs._start_worker()
    assert chosen == [True]
