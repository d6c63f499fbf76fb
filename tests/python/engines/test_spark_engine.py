"""The Spark engine's reads, publish, rollback, lock and ingest hand-over, without a JVM.

Spark-built tables are stood in for by Parquet directories written with DuckDB in the
layout of the ``spark`` target (``<warehouse>/spark/tables/<schema>.db/<table>/``). The
whole refresh on a real Spark build is tested in ``test_spark_parity.py``.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.config import Settings
from orchestration.engines import EngineError, engine_for
from orchestration.engines.spark.publish import (
    PARQUET_LINK,
    publish_parquet,
    read_build_info,
    rollback_parquet,
    served_build_id,
)
from orchestration.engines.spark.tables import data_files, parquet_source, table_dir
from orchestration.landing.report import IngestReport
from orchestration.serving.files import new_build_id
from orchestration.serving.summary import read_summary

TABLES = [("marts", "kpi_values"), ("marts", "dim_branches")]


def _write_table(warehouse: Path, schema: str, table: str, sql: str, parts: int = 1) -> None:
    directory = table_dir(warehouse, schema, table)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    with duckdb.connect() as con:
        for part in range(parts):
            target = directory / f"part-{part:05d}-x-c000.snappy.parquet"
            con.execute(f"copy ({sql}) to '{target}' (format parquet)")
    (directory / "_SUCCESS").write_text("")
    (directory / ".part-00000-x-c000.snappy.parquet.crc").write_text("crc")


def _build(warehouse: Path, value: float) -> None:
    """A stand-in Spark build whose kpi_values rows carry ``value``."""
    _write_table(
        warehouse,
        "marts",
        "kpi_values",
        "select 'open_rate' as kpi_code, 'month' as grain, date '2025-03-01' as period_start, "
        f"b as branch_code, cast(1 as decimal(38, 6)) as numerator, "
        f"cast(2 as decimal(38, 6)) as denominator, {value} as value, "
        "cast(0.8 as decimal(18, 4)) as target, '>=' as comparator, false as meets_target, "
        "'开工率' as kpi_name_zh, 'Open rate' as kpi_name_en, date '2025-03-31' as period_end, "
        "true as is_period_complete, b is null as is_network "
        "from (values ('EC01'), (null)) as t(b)",
    )
    _write_table(warehouse, "marts", "dim_branches", "select 'EC01' as branch_code", parts=2)
    _write_table(
        warehouse,
        "intermediate",
        "int_as_of_resolved",
        "select timestamp '2025-04-13 21:46:00' as as_of, 'data' as as_of_source",
    )


def _served_values(serving: Path) -> list[float]:
    with duckdb.connect() as con:
        source = parquet_source(serving / PARQUET_LINK / "marts" / "kpi_values")
        return [row[0] for row in con.execute(f"select distinct value from {source}").fetchall()]


def test_data_files_skip_spark_bookkeeping(tmp_path: Path) -> None:
    _build(tmp_path, 0.5)
    files = data_files(table_dir(tmp_path, "marts", "kpi_values"))
    assert [f.name for f in files] == ["part-00000-x-c000.snappy.parquet"]
    assert data_files(tmp_path / "missing") == []


def test_publish_swaps_builds_and_keeps_the_previous(tmp_path: Path) -> None:
    warehouse, serving = tmp_path / "wh", tmp_path / "serving"
    _build(warehouse, 0.5)
    first = publish_parquet(warehouse, serving, TABLES, new_build_id())
    assert (serving / PARQUET_LINK).is_symlink()
    assert first.tables == ("marts.kpi_values", "marts.dim_branches")
    assert first.kpi_values_rows == 2 and first.previous_build_id is None
    assert _served_values(serving) == [0.5]
    info = read_build_info(serving / PARQUET_LINK)
    assert info["build_id"] == first.build_id and info["data_as_of"] == "2025-04-13T21:46:00"
    assert len(data_files(serving / PARQUET_LINK / "marts" / "dim_branches")) == 2
    assert not (serving / PARQUET_LINK / "marts" / "kpi_values" / "_SUCCESS").exists()

    _build(warehouse, 0.25)
    second = publish_parquet(warehouse, serving, TABLES, new_build_id())
    assert second.previous_build_id == first.build_id
    assert served_build_id(serving) == second.build_id
    assert _served_values(serving) == [0.25]

    _build(warehouse, 0.125)
    third = publish_parquet(warehouse, serving, TABLES, new_build_id())
    kept = sorted(p.name for p in serving.iterdir() if p.name.startswith(".spark-parquet-"))
    assert kept == sorted(f".spark-parquet-{b.build_id}" for b in (second, third))

    assert rollback_parquet(serving) == second.build_id
    assert _served_values(serving) == [0.25]
    assert rollback_parquet(serving) == third.build_id  # and forward again
    assert _served_values(serving) == [0.125]


def test_failed_publish_leaves_the_served_build(tmp_path: Path) -> None:
    warehouse, serving = tmp_path / "wh", tmp_path / "serving"
    _build(warehouse, 0.5)
    served = publish_parquet(warehouse, serving, TABLES, new_build_id())
    with pytest.raises(EngineError, match="no data files"):
        publish_parquet(warehouse, serving, [*TABLES, ("marts", "never_built")], "b2")
    with pytest.raises(EngineError, match="kpi_values"):
        publish_parquet(warehouse, serving, [("marts", "dim_branches")], "b3")
    assert served_build_id(serving) == served.build_id
    assert [p.name for p in serving.iterdir() if p.name.startswith(".spark-parquet-")] == [
        f".spark-parquet-{served.build_id}"
    ]
    with pytest.raises(EngineError, match="nothing to roll back"):
        rollback_parquet(serving)


def _settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "landing", tmp_path / "wh", tmp_path / "serving", None, "spark")


def test_summary_from_published_parquet(tmp_path: Path) -> None:
    """The served Parquet build reads like the served DuckDB file: the same summary SQL,
    the build stamp as ops.build_info."""
    engine = engine_for(_settings(tmp_path))
    with engine.read_served() as served:
        assert served is None  # nothing published yet
    _build(engine.settings.warehouse_dir, 0.5)
    published = engine.publish(new_build_id(), _manifest(tmp_path))
    assert published.tables == ("marts.dim_branches", "marts.kpi_values")
    with engine.read_served() as served:
        assert served is not None
        stamp = served.execute("select build_id, data_as_of from ops.build_info").fetchone()
        summary = read_summary(served)
    assert stamp[0] == published.build_id and str(stamp[1]) == "2025-04-13 21:46:00"
    assert str(summary.month_start) == "2025-03-01"
    assert summary.rows["EC01"]["open_rate"].value == 0.5
    assert summary.rows["(network)"]["open_rate"].meets_target is False


def _manifest(tmp_path: Path) -> Path:
    """A manifest declaring the two stand-in marts served (and one not served)."""
    import json

    def node(name: str, served: bool) -> dict:
        return {
            "resource_type": "model",
            "name": name,
            "schema": "marts",
            "config": {"materialized": "table", "enabled": True, "meta": {"served": served}},
        }

    nodes = {
        f"model.aftersales.{n}": node(n, n != "fct_kpi_daily")
        for n in ("kpi_values", "dim_branches", "fct_kpi_daily")
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"nodes": nodes}))
    return path


def test_build_reads_see_every_spark_table_by_name(tmp_path: Path) -> None:
    engine = engine_for(_settings(tmp_path))
    _build(engine.settings.warehouse_dir, 0.5)
    with engine.read_build() as con:
        assert con.execute("select count(*) from marts.kpi_values").fetchone()[0] == 2
        assert con.execute("select max(as_of) from intermediate.int_as_of_resolved").fetchone()
        with pytest.raises(duckdb.CatalogException):
            con.execute("select * from marts.never_built")


def test_one_refresh_per_warehouse(tmp_path: Path) -> None:
    engine = engine_for(_settings(tmp_path))
    with engine.lock(), pytest.raises(EngineError, match="another refresh"), engine.lock():
        pass
    with engine.lock():  # released again
        pass


def test_unknown_target_names_the_ones_that_run(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="duckdb and spark"):
        engine_for(dataclasses.replace(_settings(tmp_path), target="spark_cluster"))


def test_retract_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="drop partition"):
        engine_for(_settings(tmp_path)).retract("tickets/a.csv", "")


def test_the_ingest_process_hands_its_report_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Spark ingest runs in its own process (Derby admits one JVM); its report, with
    the rejected files, comes back to the asset, which fails the run on a rejection."""
    import pickle

    report = IngestReport(rows_loaded={"tickets": 3})
    calls: list[list[str]] = []

    def fake_run(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        Path(command[command.index("--report") + 1]).write_bytes(pickle.dumps(report))
        return subprocess.CompletedProcess(command, 1, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert engine_for(_settings(tmp_path)).ingest().rows_loaded == {"tickets": 3}
    assert calls[0][1:3] == ["-m", "orchestration.engines.spark.ingest"]

    def crashed(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "java.lang.OutOfMemoryError")

    monkeypatch.setattr(subprocess, "run", crashed)
    with pytest.raises(EngineError, match="OutOfMemoryError"):
        engine_for(_settings(tmp_path)).ingest()
