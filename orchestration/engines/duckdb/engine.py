"""The DuckDB engine (the embedded default): one warehouse file, one served file.

- ingest: :func:`orchestration.engines.duckdb.ingest.ingest_landing`, each file in its own
  transaction;
- reads: a read-only connection to the warehouse file (waiting, with backoff, while a
  writer holds it) or to the served file;
- publish: the BI layer written to a new DuckDB file that DuckDB 1.4+ opens and swapped in
  atomically, plus Parquet (:mod:`orchestration.serving.publish`); rollback swaps back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.config import Settings
from orchestration.engines.base import EngineError, Published, no_lock
from orchestration.engines.duckdb.connection import connect, limit_reads
from orchestration.landing.report import IngestReport
from orchestration.landing.retract import Retraction


@dataclass(frozen=True)
class DuckDbEngine:
    settings: Settings
    name: str = "duckdb"

    def lock(self) -> contextlib.AbstractContextManager[None]:
        return no_lock()  # the file admits one writer; connect() waits for it

    def ingest(self) -> IngestReport:
        from orchestration.engines.duckdb.ingest import ingest_landing

        path = self.settings.warehouse_path
        if path.exists():  # wait (with backoff) for another holder of the file
            connect(path).close()
        return ingest_landing(self.settings.landing_dir, path)

    @contextlib.contextmanager
    def read_build(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.settings.warehouse_path.is_file():
            raise EngineError(f"no build warehouse at {self.settings.warehouse_path}")
        with connect(self.settings.warehouse_path, read_only=True) as con:
            limit_reads(con)
            yield con

    @contextlib.contextmanager
    def read_served(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        path = self.settings.serving_path
        if not path.is_file():
            yield None
            return
        with connect(path, read_only=True) as con:
            yield con

    def publish(self, build_id: str, manifest_path: Path) -> Published:
        from orchestration.serving.publish import PublishError, publish
        from orchestration.serving.selection import SelectionError, served_tables

        try:
            result = publish(
                self.settings.warehouse_path,
                self.settings.serving_dir,
                build_id=build_id,
                tables=served_tables(manifest_path),
            )
        except (PublishError, SelectionError) as error:
            raise EngineError(str(error)) from error
        return Published(
            build_id=result.build_id,
            served_path=result.served_path,
            tables=result.served_tables,
            kpi_values_rows=result.kpi_value_rows,
            fingerprint=result.fingerprint,
            seconds=result.seconds,
            details={
                "bytes": result.bytes_copied,
                "parquet_tables": len(result.parquet_tables),
                "parquet_parts_written": result.parquet_parts_written,
                "parquet_parts_reused": result.parquet_parts_reused,
                "previous_path": str(result.previous_path) if result.previous_path else "none",
                "updated": result.updated or "no",
                "written_whole_because": result.written_reason or "",
                "no_spare_because": result.spare_reason or "",
                "step_seconds": result.step_seconds,
            },
        )

    def rollback(self) -> str:
        from orchestration.serving.publish import PublishError, rollback

        try:
            return f"the previous version at {rollback(self.settings.serving_dir)}"
        except PublishError as error:
            raise EngineError(str(error)) from error

    def retract(self, spec: str, note: str) -> Retraction:
        from orchestration.landing.retract import retract

        return retract(self.settings.warehouse_path, spec, note)
