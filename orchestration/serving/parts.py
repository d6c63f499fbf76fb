"""The parts of a served table and their fingerprints, kept beside the served file.

A daily build changes the recent months of the large served tables and leaves the older
ones as they were, yet comparing the build with the served file row by row reads both
whole (docs/decisions.md, D-108). So a served table may declare a date column
(``meta: {served_parts_by: <column>}`` on the dbt model); its rows then fall into parts,
one per calendar month of that column (``yyyymm``; 0 for rows where it is null), and a
table without the declaration is one part (0).

Each part has a fingerprint, ``<rows>:<sum of row hashes>`` (the row hash is DuckDB's
``hash`` of the whole row, as in :func:`orchestration.serving.publish.kpi_values_fingerprint`).
Publish writes the fingerprints of the file it serves, with each table's columns, to
``<serving_dir>/.parts-<build_id>.json``, named only after the file is swapped in (a
crash before leaves no record, and every part is compared next time); the next publish
hashes only the build's rows, compares row by row only the parts whose fingerprints differ
(:mod:`orchestration.serving.update`), and writes the Parquet files of those parts only,
linking the others from the previous build's (:mod:`orchestration.serving.parquet`,
D-109). Without that file (an older publish, a file written elsewhere, a table whose
declaration or columns changed) every part is compared and written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory
from orchestration.serving.files import fsync_file
from orchestration.serving.selection import ServedTable
from orchestration.serving.writer import ident

FILE_PREFIX = ".parts-"
FILE_SUFFIX = ".json"

# part key -> "<rows>:<sum of row hashes>"
Fingerprints = dict[int, str]


@dataclass(frozen=True)
class Kept:
    """What the record of a served build says of one table."""

    parts_by: str
    columns: tuple[str, ...] | None  # "<name> <type>" each; None in a record without them
    parts: Fingerprints
    parquet_writer: str | None = None  # what wrote the build's Parquet files (D-109)


def part_expression(table: ServedTable) -> str:
    """The SQL of a row's part key: ``yyyymm`` of ``table.parts_by`` (0 when null), or 0."""
    if not table.parts_by:
        return "0"
    column = ident(table.parts_by)
    return f"coalesce(year({column}) * 100 + month({column}), 0)"


def _month_range(column: str, key: int) -> str | None:
    """``column`` within the month ``key`` (``yyyymm``) as a range of date literals, which
    DuckDB pushes into the scan (D-126); None for a key that is no calendar month, or
    whose next month has no four-digit year."""
    year, month = divmod(key, 100)
    after_year, after_month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not (year >= 1 and after_year <= 9999 and 1 <= month <= 12):
        return None
    return (
        f"({column} >= date '{year:04d}-{month:02d}-01' "
        f"and {column} < date '{after_year:04d}-{after_month:02d}-01')"
    )


def part_filter(table: ServedTable, keys: Sequence[int]) -> str:
    """A SQL condition true for exactly the rows of ``table`` whose part key
    (:func:`part_expression`) is one of ``keys``: a range of dates per month, so that a
    scan reads only what it needs, and ``is null`` for part 0."""
    if not table.parts_by:
        return "true" if 0 in keys else "false"
    column = ident(table.parts_by)
    conditions = []
    for key in sorted(set(keys)):
        condition = f"{column} is null" if key == 0 else _month_range(column, key)
        conditions.append(condition or f"{part_expression(table)} = {int(key)}")
    return f"({' or '.join(conditions)})" if conditions else "false"


def fingerprints_of(
    con: duckdb.DuckDBPyConnection, relation: str, table: ServedTable
) -> Fingerprints:
    """The fingerprints of ``relation``'s parts (``table``'s rows): per part key, the row
    count and the sum of the rows' hashes, in one aggregate that keeps no row."""
    rows = con.execute(
        f"select {part_expression(table)} as p, count(*), sum(hash(t)) "
        f"from {relation} as t group by p"
    ).fetchall()
    return {int(part): f"{count}:{total}" for part, count, total in rows}


def whole(fingerprints: Fingerprints) -> tuple[int, str]:
    """A table's row count and its fingerprint as one part (``<rows>:<sum of row hashes>``,
    what :func:`orchestration.serving.publish.kpi_values_fingerprint` computes), from the
    fingerprints of its parts."""
    rows = total = 0
    for fingerprint in fingerprints.values():
        count, _, hashes = fingerprint.partition(":")
        rows += int(count)
        total += int(hashes or 0)
    return rows, f"{rows}:{total}"


def measure(database: Path, tables: Sequence[ServedTable]) -> dict[str, Fingerprints]:
    """The fingerprints of ``tables`` in the DuckDB file ``database`` (read-only)."""
    measured: dict[str, Fingerprints] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        limit_memory(con)
        for table in tables:
            name = f"{ident(table.schema)}.{ident(table.name)}"
            measured[table.qualified] = fingerprints_of(con, name, table)
    return measured


def columns_of(database: Path, tables: Sequence[ServedTable]) -> dict[str, tuple[str, ...]]:
    """Each of ``tables``' columns in the DuckDB file ``database``, as ``<name> <type>``."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select schema_name || '.' || table_name, column_name || ' ' || data_type "
            "from duckdb_columns() where database_name = current_database() "
            "order by schema_name, table_name, column_index"
        ).fetchall()
    wanted = {table.qualified for table in tables}
    columns: dict[str, list[str]] = {}
    for name, column in rows:
        if name in wanted:
            columns.setdefault(name, []).append(column)
    return {name: tuple(found) for name, found in columns.items()}


def path_for(serving_dir: Path, build_id: str) -> Path:
    return serving_dir / f"{FILE_PREFIX}{build_id}{FILE_SUFFIX}"


def write_pending(
    serving_dir: Path,
    build_id: str,
    tables: Sequence[ServedTable],
    fingerprints: Mapping[str, Fingerprints],
    columns: Mapping[str, Sequence[str]],
    parquet_writer: str = "",
) -> Path:
    """Write the fingerprints of the build ``build_id``'s served file to a temporary file
    (fsync'ed); :func:`commit` names it once the file is served. A record already named
    for ``build_id`` is removed first, so no record ever describes another file."""
    path_for(serving_dir, build_id).unlink(missing_ok=True)
    record = {
        "build_id": build_id,
        "parquet_writer": parquet_writer,
        "tables": {
            table.qualified: {
                "parts_by": table.parts_by,
                "columns": list(columns.get(table.qualified, ())),
                "parts": {str(k): v for k, v in sorted(fingerprints[table.qualified].items())},
            }
            for table in tables
            if table.qualified in fingerprints
        },
    }
    handle, name = tempfile.mkstemp(dir=serving_dir, prefix=FILE_PREFIX, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(record, out, indent=1)
    fsync_file(Path(name))
    return Path(name)


def commit(pending: Path, serving_dir: Path, build_id: str) -> Path:
    """Name the record ``pending`` for the build ``build_id`` (now served)."""
    target = path_for(serving_dir, build_id)
    os.replace(pending, target)
    return target


def load(serving_dir: Path, build_id: str | None) -> dict[str, Kept]:
    """What is kept for the build ``build_id``, per table; empty when there is no readable
    record of that build."""
    if not build_id:
        return {}
    try:
        record = json.loads(path_for(serving_dir, build_id).read_text(encoding="utf-8"))
        if record.get("build_id") != build_id:
            return {}
        writer = record.get("parquet_writer")
        return {
            name: Kept(
                parts_by=str(entry["parts_by"]),
                columns=tuple(map(str, entry["columns"])) if "columns" in entry else None,
                parts={int(k): str(v) for k, v in entry["parts"].items()},
                parquet_writer=str(writer) if writer else None,
            )
            for name, entry in record["tables"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def known_for(kept: Mapping[str, Kept], table: ServedTable) -> Fingerprints | None:
    """The kept fingerprints of ``table``, or None when there are none for its parts."""
    entry = kept.get(table.qualified)
    if entry is None or entry.parts_by != table.parts_by:
        return None
    return entry.parts


def unchanged_parts(
    kept: Mapping[str, Kept],
    table: ServedTable,
    columns: Sequence[str],
    fingerprints: Fingerprints,
    parquet_writer: str,
) -> set[int]:
    """The parts of ``table`` (now ``columns``, ``fingerprints``) that hold the same rows,
    in the same columns, as in the build ``kept`` describes, whose Parquet files the same
    writer (``parquet_writer``: DuckDB release and options) wrote: their files can be
    reused."""
    entry = kept.get(table.qualified)
    if (
        entry is None
        or entry.parts_by != table.parts_by
        or entry.columns != tuple(columns)
        or entry.parquet_writer != parquet_writer
    ):
        return set()
    return {part for part, print_ in fingerprints.items() if entry.parts.get(part) == print_}


def prune(serving_dir: Path, keep_ids: set[str]) -> None:
    """Remove the records of builds not in ``keep_ids``."""
    for path in serving_dir.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"):
        build_id = path.name[len(FILE_PREFIX) : -len(FILE_SUFFIX)]
        if build_id not in keep_ids and path.is_file():
            path.unlink(missing_ok=True)
