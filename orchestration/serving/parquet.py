"""The served tables as Parquet files, for tools that read files (Power BI, Tableau, Excel).

Every table of the served file (the BI marts and ``ops.build_info``) becomes
``<directory>/<table>.parquet``; the served file is the only source, so the export holds
exactly what the file holds.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory


class ParquetExportError(RuntimeError):
    """Two served tables would write the same Parquet file."""


def export_parquet(database: Path, directory: Path) -> list[str]:
    """Write every base table of ``database`` to ``directory`` (created); return the names."""
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
            target = str(directory / f"{table}.parquet").replace("'", "''")
            con.execute(f'copy "{schema}"."{table}" to \'{target}\' (format parquet)')
            written.append(table)
    return sorted(written)
