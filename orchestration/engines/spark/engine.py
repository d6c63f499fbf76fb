"""The Spark engine (``AFTERSALES_TARGET=spark``, dbt-spark ``session`` on local pyspark).

What differs from DuckDB, and only that:

- **ingest** runs in a process of its own (``python -m orchestration.engines.spark.ingest``)
  that writes the raw tables of ``<warehouse_dir>/spark`` and exits: the embedded Derby
  metastore admits one JVM at a time, so the ingest's JVM must be gone before dbt starts
  its own. The process hands its :class:`IngestReport` back through a file;
- **lock**: one refresh per Spark warehouse directory at a time (a file lock; Derby would
  refuse the second JVM with a less helpful message);
- **reads** need no JVM: every table is a directory of Parquet files that DuckDB reads
  (:mod:`orchestration.engines.spark.tables`);
- **publish** writes Parquet and swaps a link (:mod:`orchestration.engines.spark.publish`).

Only the local ``spark`` output runs here. On a real cluster (``spark_cluster``) the raw
tables are the platform's to load and the marts are served from the cluster's metastore.
"""

from __future__ import annotations

import contextlib
import fcntl
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.config import PROJECT_DIR, Settings
from orchestration.engines.base import EngineError, Published
from orchestration.engines.duckdb.connection import limit_reads, sql_text
from orchestration.engines.spark.publish import (
    BUILD_INFO_FILE,
    PARQUET_LINK,
    publish_parquet,
    rollback_parquet,
)
from orchestration.engines.spark.session import SPARK_SUBDIR
from orchestration.engines.spark.tables import attach_tables, spark_tables_dir
from orchestration.landing.report import IngestReport
from orchestration.landing.retract import Retraction

LOCK_FILE = ".refresh.lock"
INGEST_MODULE = "orchestration.engines.spark.ingest"


@dataclass(frozen=True)
class SparkEngine:
    settings: Settings
    name: str = "spark"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        directory = self.settings.warehouse_dir / SPARK_SUBDIR
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / LOCK_FILE).open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise EngineError(
                    f"another refresh is running on the Spark warehouse {directory}: wait for "
                    "it to finish, then run again"
                ) from error
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ingest(self) -> IngestReport:
        with tempfile.TemporaryDirectory(prefix="aftersales-ingest-") as temp:
            report_path = Path(temp) / "report.pickle"
            command = [
                sys.executable,
                "-m",
                INGEST_MODULE,
                "--landing-dir",
                str(self.settings.landing_dir),
                "--warehouse-dir",
                str(self.settings.warehouse_dir),
                "--report",
                str(report_path),
            ]
            result = subprocess.run(
                command,
                cwd=PROJECT_DIR,
                env=_environment(self.settings),
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                check=False,
            )
            if report_path.is_file():  # rejected files come back in the report
                report = pickle.loads(report_path.read_bytes())
                assert isinstance(report, IngestReport)
                return report
        tail = "\n".join(result.stderr.strip().splitlines()[-30:])  # the JVM log ends in the cause
        raise EngineError(f"the Spark ingest failed (exit {result.returncode}):\n{tail}")

    @contextlib.contextmanager
    def read_build(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect() as con:
            limit_reads(con)
            attach_tables(con, spark_tables_dir(self.settings.warehouse_dir), ".db")
            yield con

    @contextlib.contextmanager
    def read_served(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        served = self.settings.serving_dir / PARQUET_LINK
        if not attach_tables(con := duckdb.connect(), served):
            con.close()
            yield None
            return
        try:
            info = served / BUILD_INFO_FILE
            if info.is_file():  # the build stamp, as ops.build_info is on DuckDB
                con.execute("create schema if not exists ops")
                con.execute(
                    "create view ops.build_info as select build_id, kpi_values_rows, "
                    "kpi_values_fingerprint, cast(data_as_of as timestamp) as data_as_of "
                    f"from read_json({sql_text(str(info))}, "
                    "columns = {build_id: 'varchar', kpi_values_rows: 'bigint', "
                    "kpi_values_fingerprint: 'varchar', data_as_of: 'varchar'})"
                )
            yield con
        finally:
            con.close()

    def publish(self, build_id: str, manifest_path: Path) -> Published:
        from orchestration.serving.selection import SelectionError, served_tables

        try:
            tables = [(t.schema, t.name) for t in served_tables(manifest_path)]
        except SelectionError as error:
            raise EngineError(str(error)) from error
        return publish_parquet(
            self.settings.warehouse_dir, self.settings.serving_dir, tables, build_id
        )

    def rollback(self) -> str:
        build_id = rollback_parquet(self.settings.serving_dir)
        return f"build {build_id} at {self.settings.serving_dir / PARQUET_LINK}"

    def retract(self, spec: str, note: str) -> Retraction:
        raise EngineError(
            f"--retract {spec}: not available on the spark target yet. Drop the batch's "
            "partition (alter table raw.<table> drop partition (_source_file = '<file>')) and "
            "its row in raw._loaded_files by hand, or use the duckdb target "
            "(docs/decisions.md)."
        )


def _environment(settings: Settings) -> dict[str, str]:
    import os

    return {**os.environ, **settings.dbt_env()}
