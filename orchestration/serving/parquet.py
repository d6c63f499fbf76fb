"""The served tables as Parquet files, for tools that read files (Power BI, Tableau, Excel).

Every table of the served file (the BI marts and ``ops.build_info``) becomes
``<directory>/<table>.parquet``; the served file is the only source, so the export holds
exactly what the file holds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory


class ParquetExportError(RuntimeError):
    """Two served tables would write the same Parquet file."""


def export_parquet(
    database: Path,
    directory: Path,
    *,
    reuse_from: Path | None = None,
    unchanged: Collection[str] = (),
) -> list[str]:
    """Write every base table of ``database`` to ``directory`` (created); return the names.

    A table named in ``unchanged`` (``schema.table``: its rows are those of the build
    whose files are in ``reuse_from``) gets a second name of that build's file instead of
    a new one, when there is one (D-106)."""
    directory.mkdir(parents=True)
    written: list[str] = []
    with duckdb.connect(str(database), read_only=True) as con:
        limit_memory(con)
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and not internal "
            "order by schema_name, table_name"
        ).fetchall()
        for schema, table in tables:
            if table in written:
                raise ParquetExportError(f"two served tables are named {table}")
            written.append(table)
            if (
                reuse_from is not None
                and f"{schema}.{table}" in unchanged
                and _reuse(reuse_from / f"{table}.parquet", directory / f"{table}.parquet")
            ):
                continue
            target = str(directory / f"{table}.parquet").replace("'", "''")
            con.execute(f'copy "{schema}"."{table}" to \'{target}\' (format parquet)')
    return sorted(written)


def _reuse(source: Path, target: Path) -> bool:
    """Give ``source`` the second name ``target`` (a copy where links fail); False when
    there is no ``source``."""
    if not source.is_file():
        return False
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return True
