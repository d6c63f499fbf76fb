"""Load new landing files into the ``raw`` tables of the Spark warehouse (``spark`` target).

The same raw schema as the DuckDB ingest (``orchestration/engines/duckdb/ingest.py``): one
``raw.<table>`` per contract table with every contract column as text plus ``_source_file``,
``_file_hash``, ``_row_number`` and ``_loaded_at``, and the ``raw._loaded_files``
register. Files are found, read and given their status by ``orchestration.landing``, the
engine-neutral reading layer the DuckDB ingest uses too (a name already registered is
skipped unopened, content already loaded under another name is registered as a duplicate
and adds no rows).

Spark's file tables have no transactions, so idempotency comes from the layout: each raw
table is partitioned by ``_source_file``, and the new files of a table are written in one
job (a batch of at most ``BATCH_ROWS`` rows) with a dynamic partition overwrite, which
replaces exactly the partitions of those files; then the files are registered. A run
that dies between the two leaves unregistered partitions; the next run drops them first
and loads those files again, so no row is ever loaded twice. One job per batch rather
than per file: a Spark job costs about a second even for a tiny file.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from orchestration.contract import TABLES, Table
from orchestration.engines.spark.session import spark_session
from orchestration.landing.batch import FileBatch
from orchestration.landing.context import load_source
from orchestration.landing.discovery import LandingDirError, check_landing_dir
from orchestration.landing.model import DUPLICATE, LOADED
from orchestration.landing.register import LOADED_FILES_TABLE, RAW_SCHEMA
from orchestration.landing.report import IngestReport, loaded_file
from orchestration.landing.scan import scan_landing_ahead

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

OVERWRITE_MODE_CONF = "spark.sql.sources.partitionOverwriteMode"
# Rows read into memory before they are written (one Spark job per batch).
BATCH_ROWS = 500_000

LOADED_FILES_COLUMNS = (
    "table_name string not null, file_name string not null, file_hash string not null, "
    "row_count bigint not null, loaded_at timestamp_ntz not null, status string not null, "
    "duplicate_of string"
)


def _sql_text(value: str) -> str:
    """A Spark SQL string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def ensure_raw_tables(spark: SparkSession) -> None:
    """Create the raw schema, one text table per contract table, and the file register."""
    spark.sql(f"create schema if not exists {RAW_SCHEMA}")
    for table in TABLES.values():
        columns = ", ".join(f"`{c}` string" for c in table.columns)
        spark.sql(
            f"create table if not exists {RAW_SCHEMA}.{table.name} ({columns}, "
            "_source_file string, _file_hash string, _row_number bigint, "
            "_loaded_at timestamp_ntz) using parquet partitioned by (_source_file)"
        )
    spark.sql(
        f"create table if not exists {LOADED_FILES_TABLE} ({LOADED_FILES_COLUMNS}) using parquet"
    )


def _registered(spark: SparkSession, table: Table) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """File name → (hash, status) of every registered file, and the names loaded."""
    rows = spark.sql(
        f"select file_name, file_hash, status from {LOADED_FILES_TABLE} "
        f"where table_name = {_sql_text(table.name)}"
    ).collect()
    known = {row.file_name: (row.file_hash, row.status) for row in rows}
    loaded = {row.file_name for row in rows if row.status == "loaded"}
    return known, loaded


def _drop_unregistered(spark: SparkSession, table: Table, loaded: set[str]) -> int:
    """Drop the partitions of files that were written but never registered."""
    present = {
        row._source_file
        for row in spark.sql(
            f"select distinct _source_file from {RAW_SCHEMA}.{table.name}"
        ).collect()
    }
    orphans = sorted(present - loaded)
    for name in orphans:
        spark.sql(
            f"alter table {RAW_SCHEMA}.{table.name} drop if exists "
            f"partition (_source_file = {_sql_text(name)})"
        )
    return len(orphans)


def _flush(spark: SparkSession, batch: FileBatch) -> None:
    """Write the batch's rows (replacing their files' partitions), then register its files."""
    table = batch.table
    if batch.parts:
        assert table is not None
        from pyspark.sql import functions as F

        target = f"{RAW_SCHEMA}.{table.name}"
        data = pa.concat_tables(batch.parts, promote_options="default")
        frame = spark.createDataFrame(data).withColumn(
            "_loaded_at", F.col("_loaded_at").cast("timestamp_ntz")
        )
        # insertInto is positional: follow the table's column order (partition column last)
        frame = frame.select(*spark.table(target).columns)
        # dynamic: replace only the partitions (files) in this batch, never the others; the
        # writer option alone is not honoured for metastore tables, the session conf is
        previous = spark.conf.get(OVERWRITE_MODE_CONF)
        spark.conf.set(OVERWRITE_MODE_CONF, "dynamic")
        try:
            frame.write.insertInto(target, overwrite=True)
        finally:
            spark.conf.set(OVERWRITE_MODE_CONF, previous)
    if batch.records:
        # registering is the commit point of the files
        rows = [
            (
                r.table_name,
                r.file_name,
                r.file_hash,
                r.row_count,
                loaded_at,
                r.status,
                r.duplicate_of,
            )
            for r, loaded_at in batch.records
        ]
        schema = LOADED_FILES_COLUMNS.replace(" not null", "")
        spark.createDataFrame(rows, schema=schema).write.insertInto(LOADED_FILES_TABLE)
    batch.clear()


def ingest_landing_spark(
    landing_dir: Path,
    warehouse_dir: Path,
    spark: SparkSession | None = None,
    settle_seconds: float | None = None,
) -> IngestReport:
    """Load every landing file not loaded before into the Spark warehouse of ``warehouse_dir``.

    Files are read and given their status by ``orchestration.landing`` (as for DuckDB);
    rejected, ignored and deferred files are in the report (not registered in Spark: the
    refresh prints them and fails on a rejected one). Without ``spark``, a session of the
    ``spark`` target is started and stopped again.
    """
    check_landing_dir(landing_dir)  # before a session is started or a table created
    mapping = load_source(landing_dir)  # the mapping, once per landing directory
    own_session = spark is None
    session = spark_session(warehouse_dir) if spark is None else spark
    report = IngestReport(rows_loaded={name: 0 for name in TABLES})
    try:
        ensure_raw_tables(session)
        registered: dict[str, dict[str, tuple[str, str]]] = {}
        for table in TABLES.values():
            registered[table.name], loaded = _registered(session, table)
            _drop_unregistered(session, table, loaded)
        batch = FileBatch()
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        # the next files are read while a batch is written (at most a batch ahead)
        outcomes = scan_landing_ahead(landing_dir, registered, settle_seconds, mapping, BATCH_ROWS)
        for outcome in outcomes:
            if outcome.earlier or outcome.status not in (LOADED, DUPLICATE):
                report.note(outcome)
                continue
            table = outcome.table
            assert table is not None and outcome.file_hash is not None
            if batch.table is not None and table.name != batch.table.name:
                _flush(session, batch)
                loaded_at = datetime.now(UTC).replace(tzinfo=None)
            batch.table = table
            record = loaded_file(outcome)
            batch.add(record, loaded_at, outcome.data if record.status == LOADED else None)
            outcome.data = None
            if record.status == LOADED:
                report.files_loaded.append(record)
                report.rows_loaded[table.name] += record.row_count
            else:
                report.files_duplicate.append(record)
            if batch.rows >= BATCH_ROWS:
                _flush(session, batch)
                loaded_at = datetime.now(UTC).replace(tzinfo=None)
        _flush(session, batch)
    finally:
        if own_session:
            session.stop()
    return report


def main(argv: list[str] | None = None) -> int:
    from orchestration.config import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(
        description="Load new landing files into the raw tables of the Spark warehouse."
    )
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--warehouse-dir", type=Path, default=settings.warehouse_dir)
    parser.add_argument(
        "--report", type=Path, help="write the IngestReport here (pickle), for the caller"
    )
    args = parser.parse_args(argv)
    try:
        report = ingest_landing_spark(args.landing_dir, args.warehouse_dir.resolve())
    except LandingDirError as error:
        print(f"ingest refused: {error}", file=sys.stderr)
        return 1
    print("\n".join(report.summary()))
    if args.report:
        args.report.write_bytes(pickle.dumps(report))
    if report.files_rejected:
        # last on stderr, after the JVM's log: the refresh shows the tail of stderr
        print(report.rejection_message(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
