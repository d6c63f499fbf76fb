"""Reading the Spark build without a JVM.

A managed table of the ``spark`` target is the directory
``<warehouse_dir>/spark/tables/<schema>.db/<table>/`` of Parquet files (dbt-spark's default
file format), which DuckDB reads directly. :func:`attach_tables` makes every such table a
view ``<schema>.<table>`` of a DuckDB connection, so the checks and the summary run the same
SQL on both engines.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.engines.base import EngineError
from orchestration.engines.duckdb.connection import sql_text
from orchestration.engines.spark.session import SPARK_SUBDIR


def spark_tables_dir(warehouse_dir: Path) -> Path:
    """``spark.sql.warehouse.dir`` of the ``spark`` target (see profiles.yml)."""
    return warehouse_dir / SPARK_SUBDIR / "tables"


def table_dir(warehouse_dir: Path, schema: str, table: str) -> Path:
    """The directory of a managed table of the ``spark`` target."""
    return spark_tables_dir(warehouse_dir) / f"{schema}.db" / table


def data_files(directory: Path) -> list[Path]:
    """The Parquet data files of a table directory (partition sub-directories included;
    Spark's hidden checksum files, ``_SUCCESS`` markers and ``_temporary`` dirs excluded)."""
    if not directory.is_dir():
        return []
    files = []
    for path in sorted(directory.rglob("*.parquet")):
        parts = path.relative_to(directory).parts
        if path.is_file() and not any(p.startswith((".", "_")) for p in parts):
            files.append(path)
    return files


def parquet_source(directory: Path) -> str:
    """A DuckDB table expression over a table directory's Parquet files."""
    files = data_files(directory)
    if not files:
        raise EngineError(f"no Parquet files in {directory}: was the table built?")
    listed = ", ".join(sql_text(str(f)) for f in files)
    # hive_partitioning: a partition column comes back from its directory name
    return f"read_parquet([{listed}], hive_partitioning = true)"


def count_rows(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    return int(con.execute(f"select count(*) from {parquet_source(directory)}").fetchone()[0])


def attach_tables(con: duckdb.DuckDBPyConnection, root: Path, schema_suffix: str = "") -> int:
    """Create a view ``<schema>.<table>`` for every table directory with data files under
    ``root/<schema><schema_suffix>/<table>/``; returns how many. A table without data files
    (never written) gets no view: reading it fails like reading a missing table."""
    if not root.is_dir():
        return 0
    made = 0
    for schema_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        name = schema_dir.name
        if schema_suffix and not name.endswith(schema_suffix):
            continue
        schema = name[: len(name) - len(schema_suffix)] if schema_suffix else name
        if schema.startswith((".", "_")):
            continue
        con.execute(f'create schema if not exists "{schema}"')
        for table in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
            if data_files(table):
                con.execute(
                    f'create or replace view "{schema}"."{table.name}" as '
                    f"select * from {parquet_source(table)}"
                )
                made += 1
    return made
