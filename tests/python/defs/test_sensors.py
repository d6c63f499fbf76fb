"""The landing sensor asks for a run for new files only, and never while a run is going."""

from __future__ import annotations

import dataclasses
import os
import uuid
from pathlib import Path

import duckdb
import pytest
from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    SensorResult,
    SkipReason,
    build_sensor_context,
)
from dagster._core.storage.dagster_run import DagsterRun

from orchestration.config import Settings
from orchestration.defs.automation.sensors import (
    evaluate_landing,
    landing_signatures,
    loaded_files,
    new_landing_files,
)
from orchestration.engines import engine_for
from orchestration.engines.duckdb.ingest import ensure_raw_tables
from orchestration.engines.spark.tables import table_dir

JOB = "refresh"


def settings(tmp_path: Path) -> Settings:
    return Settings(
        landing_dir=tmp_path / "landing",
        warehouse_dir=tmp_path / "warehouse",
        serving_dir=tmp_path / "serving",
        as_of=None,
    )


def land(settings: Settings, table: str, name: str, text: str = "a,b\n1,2\n") -> Path:
    path = settings.landing_dir / table / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def register(settings: Settings, table: str, name: str) -> None:
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        ensure_raw_tables(con)
        con.execute(
            "insert into raw._loaded_files (table_name, file_name, file_hash, row_count, "
            "loaded_at, status, duplicate_of) values (?, ?, 'x', 1, now(), 'loaded', null)",
            [table, name],
        )


def tick(instance: DagsterInstance, cursor: str | None, s: Settings):
    context = build_sensor_context(instance=instance, cursor=cursor)
    return evaluate_landing(context, JOB, engine_for(s))


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as value:
        yield value


def test_new_file_starts_one_run_and_the_same_file_no_second(
    tmp_path: Path, instance: DagsterInstance
) -> None:
    s = settings(tmp_path)
    assert isinstance(tick(instance, None, s), SkipReason)  # empty landing directory

    land(s, "tickets", "2025-04-01T020000.csv")
    first = tick(instance, None, s)
    assert isinstance(first, SensorResult)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["aftersales/new_files"] == "1"

    again = tick(instance, first.cursor, s)
    assert isinstance(again, SkipReason)

    land(s, "callbacks", "2025-04-02T020000.parquet")
    land(s, "tickets", "notes.txt")  # not a landing file type: ignored
    second = tick(instance, first.cursor, s)
    assert isinstance(second, SensorResult)
    assert second.run_requests[0].tags["aftersales/new_files"] == "1"
    assert second.run_requests[0].run_key != first.run_requests[0].run_key


def test_files_already_loaded_do_not_start_a_run(tmp_path: Path, instance: DagsterInstance) -> None:
    s = settings(tmp_path)
    land(s, "tickets", "2025-04-01T020000.csv")
    register(s, "tickets", "2025-04-01T020000.csv")
    assert isinstance(tick(instance, None, s), SkipReason)

    land(s, "tickets", "2025-04-02T020000.csv")
    result = tick(instance, None, s)
    assert isinstance(result, SensorResult)
    assert "tickets/2025-04-02T020000.csv" in result.cursor
    assert "tickets/2025-04-01T020000.csv" not in result.cursor


def test_a_rewritten_file_not_loaded_yet_counts_again(
    tmp_path: Path, instance: DagsterInstance
) -> None:
    s = settings(tmp_path)
    path = land(s, "tickets", "2025-04-01T020000.csv")
    first = tick(instance, None, s)
    assert isinstance(first, SensorResult)
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert isinstance(tick(instance, first.cursor, s), SensorResult)


@pytest.mark.parametrize("status", [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTED])
def test_no_run_while_a_refresh_is_queued_or_running(
    tmp_path: Path, instance: DagsterInstance, status: DagsterRunStatus
) -> None:
    s = settings(tmp_path)
    land(s, "tickets", "2025-04-01T020000.csv")
    run = instance.add_run(DagsterRun(job_name=JOB, run_id=str(uuid.uuid4()), status=status))
    skipped = tick(instance, None, s)
    assert isinstance(skipped, SkipReason)
    assert "in progress" in skipped.skip_message

    instance.report_run_failed(run)  # the run ends: the same files now start a run
    assert isinstance(tick(instance, None, s), SensorResult)


def test_unreadable_warehouse_falls_back_to_the_cursor(tmp_path: Path) -> None:
    s = settings(tmp_path)
    land(s, "tickets", "a.csv")
    signatures = landing_signatures(s.landing_dir)
    assert new_landing_files(signatures, {}, None) == signatures
    assert new_landing_files(signatures, dict(signatures), None) == {}
    assert new_landing_files(signatures, {}, {"tickets/a.csv"}) == {}


def test_the_sensor_reads_the_spark_register_too(tmp_path: Path) -> None:
    """On Spark the register is a Parquet table; the sensor reads it through the engine."""
    s = dataclasses.replace(settings(tmp_path), target="spark")
    assert loaded_files(engine_for(s)) == set()  # nothing built yet: nothing loaded
    directory = table_dir(s.warehouse_dir, "raw", "_loaded_files")
    directory.mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'tickets' as table_name, 'a.csv' as file_name, 'x' as file_hash, "
            "1::bigint as row_count, now()::timestamp as loaded_at, 'loaded' as status, "
            f"null::varchar as duplicate_of) to '{directory / 'part-0.parquet'}'"
        )
    assert loaded_files(engine_for(s)) == {"tickets/a.csv"}
