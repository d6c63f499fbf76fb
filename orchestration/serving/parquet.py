"""The served tables as Parquet files, for tools that read files (Power BI, Tableau, Excel).

Every table of the served file (the BI marts and ``ops.build_info``) becomes a folder
``<directory>/<schema>/<table>/`` of Parquet files, one per part of the table
(:mod:`orchestration.serving.parts`; docs/decisions.md, D-109): ``<yyyymm>.parquet`` for
each month of the table's declared date column, ``undated.parquet`` for its rows without
that date, ``all.parquet`` for a table without parts, and ``empty.parquet`` (the columns,
no row) for a table with parts but no row. The Spark publish serves the same folders, so
one glob reads a table whichever engine built it:
``read_parquet('<serving_dir>/parquet/marts/kpi_values/*.parquet')``.

A part whose rows and columns are those of the previous build's file gets a second name
of that file (a hard link, or a copy where links fail) instead of being written again, so
a daily publish writes only the months it changed. The served file is the only source:
the export holds exactly what the file holds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory, sql_text
from orchestration.serving.files import link_or_copy
from orchestration.serving.parts import part_expression, part_filter
from orchestration.serving.selection import ServedTable
from orchestration.serving.writer import ident

SUFFIX = ".parquet"
COPY_OPTIONS = "format parquet"
# what writes the files: a part's file is reused only from a build written the same way
WRITER = f"duckdb {duckdb.__version__} ({COPY_OPTIONS})"
_PART_COLUMN = "__served_part"
_SCRATCH = ".writing"


@dataclass
class ParquetExport:
    """What an export wrote: the tables (``schema.table``), and how many part files were
    written and how many reused from the previous build."""

    tables: list[str] = field(default_factory=list)
    parts_written: int = 0
    parts_reused: int = 0


def part_file(table: ServedTable, part: int) -> str:
    """The file name of ``table``'s part ``part`` (a key of :mod:`parts`)."""
    if not table.parts_by:
        return f"all{SUFFIX}"
    return f"{part}{SUFFIX}" if part else f"undated{SUFFIX}"


def export_parquet(
    database: Path,
    directory: Path,
    *,
    tables: Sequence[ServedTable] = (),
    reuse_from: Path | None = None,
    reusable: Mapping[str, Collection[int]] | None = None,
    parts: Mapping[str, Collection[int]] | None = None,
) -> ParquetExport:
    """Write every base table of ``database`` to ``directory`` (created), one folder per
    table and one file per part. ``tables`` declare the parts (a table of the file not
    among them is one part); ``reusable`` names, per table, the parts whose files in
    ``reuse_from`` (the previous build's directory) hold the same rows in the same columns:
    they are linked rather than written (D-109). ``parts``: every part of a table, when
    known; a table whose parts were all linked is then not read at all."""
    directory.mkdir(parents=True)
    declared = {table.qualified: table for table in tables}
    export = ParquetExport()
    with duckdb.connect(str(database), read_only=True) as con:
        limit_memory(con)
        con.execute("set enable_progress_bar = false")
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database() and not internal "
            "order by schema_name, table_name"
        ).fetchall()
        for schema, name in names:
            table = declared.get(f"{schema}.{name}") or ServedTable(schema, name)
            folder = directory / schema / name
            folder.mkdir(parents=True)
            reused: set[int] = set()
            if reuse_from is not None:
                for part in (reusable or {}).get(table.qualified, ()):
                    if _link_part(reuse_from / schema / name, folder, part_file(table, part)):
                        reused.add(part)
            export.parts_reused += len(reused)
            known = (parts or {}).get(table.qualified)
            if not (reused and known is not None and reused >= set(known)):
                export.parts_written += _write_parts(con, table, folder, reused, known)
            export.tables.append(table.qualified)
    return export


def _write_parts(
    con: duckdb.DuckDBPyConnection,
    table: ServedTable,
    folder: Path,
    reused: set[int],
    known: Collection[int] | None = None,
) -> int:
    """Write the parts of ``table`` not in ``reused`` to ``folder``; return how many.
    ``known``: every part of the table, when known: the rows are then read through the
    date ranges of the parts written (:func:`parts.part_filter`), which let DuckDB skip
    the row groups of the reused months in a table written in date order (D-141)."""
    relation = f"{ident(table.schema)}.{ident(table.name)}"
    if not table.parts_by:
        if reused:
            return 0
        target = sql_text(str(folder / part_file(table, 0)))
        con.execute(f"copy {relation} to {target} ({COPY_OPTIONS})")
        return 1
    expression = part_expression(table)
    listed = ", ".join(map(str, sorted(reused)))
    keep_out = f"where {expression} not in ({listed})" if reused else ""
    if reused and known is not None:
        keep_out = f"where {part_filter(table, sorted(set(known) - reused))}"
    scratch = folder / _SCRATCH
    con.execute(
        f"copy (select *, {expression} as {_PART_COLUMN} from {relation} as t {keep_out}) "
        f"to {sql_text(str(scratch))} ({COPY_OPTIONS}, partition_by ({_PART_COLUMN}))"
    )
    written = 0
    prefix = f"{_PART_COLUMN}="
    # DuckDB 2.0 wrote one file per partition in every trial (130 months, 2 M rows, few
    # open files allowed); should a part come as several files, they keep one name each
    for part_dir in sorted(scratch.iterdir()) if scratch.is_dir() else ():
        part = int(part_dir.name.removeprefix(prefix))
        name = part_file(table, part)
        for index, path in enumerate(sorted(part_dir.glob(f"*{SUFFIX}"))):
            os.replace(path, folder / (name if index == 0 else _nth(name, index)))
        written += 1
    shutil.rmtree(scratch, ignore_errors=True)
    if not written and not reused:  # no row: one file still gives readers the columns
        empty = sql_text(str(folder / f"empty{SUFFIX}"))
        con.execute(f"copy (select * from {relation} limit 0) to {empty} ({COPY_OPTIONS})")
        written = 1
    return written


def _nth(name: str, index: int) -> str:
    """The name of the ``index``-th extra file of one part (``202501-1.parquet``)."""
    return f"{name.removesuffix(SUFFIX)}-{index}{SUFFIX}"


def _link_part(source_folder: Path, folder: Path, name: str) -> bool:
    """Give each file of the part ``name`` in ``source_folder`` a second name in ``folder``
    (a copy where links fail); False when the part has no file there."""
    sources = [source_folder / name] if (source_folder / name).is_file() else []
    if not sources:
        return False
    sources += sorted(source_folder.glob(f"{name.removesuffix(SUFFIX)}-*{SUFFIX}"))
    for source in sources:
        link_or_copy(source, folder / source.name)
    return True
