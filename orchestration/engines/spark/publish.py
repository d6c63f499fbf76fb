"""Publish the Spark build: every served table as Parquet, swapped in atomically.

``<serving_dir>/parquet/<schema>/<table>/`` plus ``_build_info.json``. The files go to a new
directory ``.spark-parquet-<build_id>`` first; ``parquet`` is a symbolic link swapped
atomically (:func:`orchestration.serving.files.point_link`), so a reader sees either the old
build or the new one. The served and the previous build are kept (a rollback points the
link back); older ones are removed. Which tables are served is the same declaration as on
DuckDB (``meta.served``, :mod:`orchestration.serving.selection`).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.engines.base import EngineError, Published
from orchestration.engines.spark.tables import (
    count_rows,
    data_files,
    parquet_source,
    spark_tables_dir,
    table_dir,
)
from orchestration.serving.files import (
    fsync_dir,
    fsync_tree,
    linked_version,
    point_link,
    prune_versions,
    remove_stale,
)

PARQUET_LINK = "parquet"
VERSION_PREFIX = ".spark-parquet-"
BUILD_INFO_FILE = "_build_info.json"
KPI_VALUES = ("marts", "kpi_values")
AS_OF_TABLE = ("intermediate", "int_as_of_resolved")
_STALE_LINK_SECONDS = 3600


def served_build_id(serving_dir: Path) -> str | None:
    """The build id the ``parquet`` link points to (None when nothing Spark-built is served)."""
    return linked_version(serving_dir / PARQUET_LINK, VERSION_PREFIX)


def read_build_info(parquet_dir: Path) -> dict[str, Any]:
    path = parquet_dir / BUILD_INFO_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _as_of(warehouse_dir: Path) -> datetime | None:
    directory = table_dir(warehouse_dir, *AS_OF_TABLE)
    if not data_files(directory):
        return None
    with duckdb.connect() as con:
        row = con.execute(f"select max(as_of) from {parquet_source(directory)}").fetchone()
    return row[0] if row else None


def _copy_table(source: Path, destination: Path) -> None:
    """Copy a table's data files, keeping partition directories."""
    files = data_files(source)
    if not files:
        raise EngineError(f"the table {source} has no data files: was it built?")
    for path in files:
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def publish_parquet(
    warehouse_dir: Path,
    serving_dir: Path,
    tables: Sequence[tuple[str, str]],
    build_id: str,
) -> Published:
    """Publish ``tables`` of the Spark warehouse; if anything fails before the link is
    swapped, the served build is untouched and the new directory is removed."""
    started = time.monotonic()
    if tuple(KPI_VALUES) not in {tuple(t) for t in tables}:
        raise EngineError("marts.kpi_values is not among the tables to publish")
    serving_dir.mkdir(parents=True, exist_ok=True)
    version = serving_dir / f"{VERSION_PREFIX}{build_id}"
    previous_id = served_build_id(serving_dir)
    swapped = False
    try:
        version.mkdir()
        published: list[str] = []
        with duckdb.connect() as con:
            for schema, table in tables:
                source, destination = (
                    table_dir(warehouse_dir, schema, table),
                    version / schema / table,
                )
                _copy_table(source, destination)
                if count_rows(con, destination) != count_rows(con, source):
                    raise EngineError(f"the copy of {schema}.{table} does not read back")
                published.append(f"{schema}.{table}")
            kpi_dir = version / KPI_VALUES[0] / KPI_VALUES[1]
            rows, total = con.execute(
                f"select count(*), sum(hash(t)) from {parquet_source(kpi_dir)} as t"
            ).fetchone()
        as_of = _as_of(warehouse_dir)
        fingerprint = f"{rows}:{total or 0}"
        info = {
            "build_id": build_id,
            "engine": "spark",
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source_warehouse": str(spark_tables_dir(warehouse_dir)),
            "data_as_of": as_of.isoformat() if as_of else None,
            "kpi_values_rows": int(rows),
            "kpi_values_fingerprint": fingerprint,
            "tables": published,
        }
        (version / BUILD_INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", "utf-8")
        fsync_tree(version)
        point_link(serving_dir / PARQUET_LINK, version.name)
        swapped = True
        fsync_dir(serving_dir)
    finally:
        if not swapped:
            shutil.rmtree(version, ignore_errors=True)
    prune_versions(
        serving_dir, VERSION_PREFIX, {build_id} | ({previous_id} if previous_id else set())
    )
    remove_stale(serving_dir, f".{PARQUET_LINK}.link-*", _STALE_LINK_SECONDS, time.time())
    return Published(
        build_id=build_id,
        served_path=serving_dir / PARQUET_LINK,
        tables=tuple(published),
        kpi_values_rows=int(rows),
        fingerprint=fingerprint,
        previous_build_id=previous_id,
        seconds=time.monotonic() - started,
        details={"parquet_tables": len(published), "version_dir": str(version)},
    )


def rollback_parquet(serving_dir: Path) -> str:
    """Point ``parquet`` back to the other kept build; returns the build id now served."""
    current = served_build_id(serving_dir)
    kept = sorted(
        p.name[len(VERSION_PREFIX) :]
        for p in serving_dir.glob(f"{VERSION_PREFIX}*")
        if p.is_dir() and p.name[len(VERSION_PREFIX) :] != current
    )
    if not kept:
        raise EngineError(f"nothing to roll back to in {serving_dir}")
    previous = kept[-1]
    point_link(serving_dir / PARQUET_LINK, f"{VERSION_PREFIX}{previous}")
    fsync_dir(serving_dir)
    return previous
