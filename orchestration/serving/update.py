"""Bring a copy of the served file up to date with the build, row by row.

A daily build changes a small part of the served tables (new work orders, the days whose
known-outcome windows reopened), yet writing the whole served file costs as much as after
a full build: at 1 M work orders, 10 of a daily refresh's 50 s. So the publish first tries
this path (docs/decisions.md, D-106):

1. the served file is copied to the new temporary file (a plain file copy) in a
   background thread while the build's served tables are hashed, part by part, into
   fingerprints: one aggregate per table, no row kept (D-126);
2. for each served table whose columns and types are unchanged, those fingerprints are
   compared with the ones kept for the served file (:mod:`orchestration.serving.parts`,
   D-108); in the parts that differ (every part when none were kept), and reading only
   those parts on both sides, the rows of the copy that are not in the build are deleted
   and the build's rows that are not in the copy are inserted, both found by a hash of the
   whole row; a table that changed more than
   :data:`REPLACE_FRACTION` of its rows, or whose columns changed, is written again whole,
   and a table that is no longer served is dropped;
3. the counts must add up: in the parts compared, the served rows less those deleted plus
   those inserted are the build's rows, and the copy then holds as many as the build.
   Rows the hashes cannot tell apart (duplicate rows, a collision of 64-bit hashes) break
   that sum; the caller then writes the file from scratch. (A changed row whose new hash
   equals its old one cannot be seen; with 64-bit hashes that is a chance of about 1 in
   10^19 per changed row; so is a changed part whose row count and sum of row hashes
   stay the same.)

The file updated need not be a fresh copy: the publish keeps the served file of two builds
ago as a spare (D-143) and updates that one in place instead, with the fingerprints kept
for its build, so a daily publish does not copy the whole served file at all.

Deletes leave free blocks behind. When the served file has more than
:data:`COMPACT_FREE_FRACTION` of its blocks free, it is not updated but written again
(which compacts it), and so is a file from another storage format.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory, sql_text
from orchestration.serving.files import copying, fsync_file
from orchestration.serving.parts import (
    Fingerprints,
    Kept,
    fingerprints_of,
    known_for,
    part_filter,
    whole,
)
from orchestration.serving.selection import BUILD_INFO, ServedTable
from orchestration.serving.steps import StepClock
from orchestration.serving.writer import (
    SERVED_STORAGE_VERSION,
    SOURCE,
    TARGET,
    check_servable,
    column_types,
    comment_table,
    copy_whole,
    ident,
    qualified,
)

REPLACE_FRACTION = 0.5
COMPACT_FREE_FRACTION = 0.25


class NotUpdatable(RuntimeError):
    """The served file cannot be updated in place; write it from scratch instead."""


@dataclass
class TableChange:
    name: str
    action: str  # "unchanged", "updated", "replaced", "created"
    deleted: int = 0
    inserted: int = 0
    compared: int = 0  # rows of the served table compared row by row
    parts_compared: int = 0  # parts of it whose fingerprints differed (or all of them)
    parts: Fingerprints = field(default_factory=dict)  # the build's, now the copy's


@dataclass
class UpdateResult:
    changes: list[TableChange] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # the update's own steps: the copy overlapped with hashing the build, then the
    # row comparison and changes, then the fsync of the copy
    seconds: dict[str, float] = field(default_factory=dict)
    in_place: bool = False  # the spare updated in place rather than a copy (D-143)
    spare_reason: str | None = None  # why a spare there was not updated in place

    def fingerprints(self) -> dict[str, Fingerprints]:
        """The parts' fingerprints of every table of the updated copy."""
        return {change.name: change.parts for change in self.changes}

    def as_json(self) -> dict[str, object]:
        return {
            "tables": {
                change.name: {
                    "action": change.action,
                    "deleted": change.deleted,
                    "inserted": change.inserted,
                    "compared": change.compared,
                    "parts_compared": change.parts_compared,
                    "parts": len(change.parts),
                }
                for change in self.changes
            },
            "dropped": self.dropped,
            "base": "the spare, in place" if self.in_place else "a copy of the served file",
            "spare_not_updated_because": self.spare_reason,
        }


def _storage_version(con: duckdb.DuckDBPyConnection, database: str) -> str | None:
    row = con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = ?",
        [database],
    ).fetchone()
    return row[0] if row else None


def _free_fraction(con: duckdb.DuckDBPyConnection, database: str) -> float:
    row = con.execute(
        "select total_blocks, free_blocks from pragma_database_size() where database_name = ?",
        [database],
    ).fetchone()
    if not row or not row[0]:
        return 0.0
    return float(row[1]) / float(row[0])


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> set[tuple[str, str]]:
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ?",
        [database],
    ).fetchall()
    return {(row[0], row[1]) for row in rows}


@dataclass(frozen=True)
class Built:
    """One served table of the build: its columns with their types, and its parts'
    fingerprints."""

    shape: list[tuple[str, str]]
    parts: Fingerprints


def _measure_build(con: duckdb.DuckDBPyConnection, table: ServedTable) -> Built:
    """``table`` of the build, checked servable, with its parts' fingerprints: one
    aggregate over its rows, nothing kept (D-126)."""
    shape = column_types(con, SOURCE, table)
    check_servable(table, [column for column, _ in shape])
    parts = fingerprints_of(con, qualified(SOURCE, table), table)
    return Built(shape, parts)


def _sync(
    con: duckdb.DuckDBPyConnection,
    table: ServedTable,
    built: Built,
    known: Fingerprints | None = None,
) -> TableChange:
    """Make the copy's ``table`` hold the build's rows (``built``); say what it took.
    ``known``: the fingerprints of the copy's parts (:mod:`orchestration.serving.parts`);
    only the parts whose fingerprints differ from the build's are compared row by row (all
    without), and only their rows are read and hashed on either side."""
    source = qualified(SOURCE, table)
    target = qualified(TARGET, table)
    parts = built.parts
    served_shape = column_types(con, TARGET, table)
    if not served_shape:
        copy_whole(con, table)
        return TableChange(table.qualified, "created", parts=parts)
    if served_shape != built.shape:
        copy_whole(con, table)
        return TableChange(table.qualified, "replaced", parts=parts)
    changed = None
    in_changed = "true"
    if known is not None:
        changed = sorted(p for p in parts.keys() | known.keys() if parts.get(p) != known.get(p))
        if not changed:
            return TableChange(table.qualified, "unchanged", parts=parts)
        in_changed = part_filter(table, changed)
    for statement in (
        f"_old as select rowid as rid, hash(t) as h from {target} as t where {in_changed}",
        f"_come_from as select rowid as rid, hash(t) as h from {source} as t where {in_changed}",
        "_gone as select rid from _old anti join _come_from using (h)",
        "_come as select rid from _come_from anti join _old using (h)",
    ):
        con.execute(f"create or replace temp table {statement}")
    compared, new_compared, gone, come, served_rows = con.execute(
        "select (select count(*) from _old), (select count(*) from _come_from), "
        "(select count(*) from _gone), (select count(*) from _come), "
        f"(select count(*) from {target})"
    ).fetchone()
    new_rows, _ = whole(parts)
    counts = {"compared": int(compared), "parts_compared": len(changed or parts)}
    if compared - gone + come != new_compared:
        # rows the hashes cannot tell apart: duplicates, or a collision
        raise NotUpdatable(f"{table.qualified}: rows of the build and the served file collide")
    if not gone and not come:
        return TableChange(table.qualified, "unchanged", parts=parts, **counts)
    if gone + come > REPLACE_FRACTION * max(served_rows, 1):
        copy_whole(con, table)
        return TableChange(table.qualified, "replaced", gone, come, parts=parts, **counts)
    con.execute(f"delete from {target} where rowid in (select rid from _gone)")
    con.execute(
        f"insert into {target} select * from {source} where rowid in (select rid from _come)"
    )
    (rows_after,) = con.execute(f"select count(*) from {target}").fetchone()
    if rows_after != new_rows:
        raise NotUpdatable(f"{table.qualified}: {rows_after} rows after the update, not {new_rows}")
    return TableChange(table.qualified, "updated", int(gone), int(come), parts=parts, **counts)


def _attach_updatable(con: duckdb.DuckDBPyConnection, path: Path, label: str) -> None:
    """Attach the file to update as :data:`TARGET` (for writing: a reader in another
    process holds a lock that refuses it); raise :class:`NotUpdatable` when it is in
    another storage format or has too many free blocks (``label`` names it)."""
    con.execute(f"attach {sql_text(str(path))} as {TARGET}")
    version = _storage_version(con, TARGET)
    if (version or "").rstrip("+") != SERVED_STORAGE_VERSION:
        raise NotUpdatable(f"{label}'s storage version is {version}")
    free = _free_fraction(con, TARGET)
    if free > COMPACT_FREE_FRACTION:
        raise NotUpdatable(f"{free:.0%} of {label}'s blocks are free")


def update_served_copy(
    served: Path | None,
    warehouse: Path,
    target: Path,
    tables: Sequence[ServedTable],
    kept: Mapping[str, Kept] | None = None,
) -> UpdateResult:
    """Bring the served file at ``target`` to the rows of ``warehouse``'s ``tables``:
    a copy of ``served`` made now (``target`` must not exist), or, with ``served`` None,
    the old served file already at ``target`` (the spare, D-143), updated in place. Raise
    :class:`NotUpdatable` when the file should be written from scratch instead (``target``
    is then removed; a reader that still has the spare open keeps its copy, and DuckDB's
    lock refuses to open it for writing). ``kept``: the fingerprints kept for the build
    ``target`` holds (:func:`orchestration.serving.parts.load`)."""
    if served is None:
        if not target.is_file():
            raise NotUpdatable(f"no file to update at {target}")
        if target.stat().st_nlink != 1:
            raise NotUpdatable(f"{target} has another name: it is not updated in place")
    elif target.exists():
        raise NotUpdatable(f"{target} exists already")
    elif not served.is_file():
        raise NotUpdatable(f"no served file at {served}")
    result = UpdateResult(in_place=served is None)
    con = duckdb.connect()
    try:
        limit_memory(con)
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach {sql_text(str(warehouse))} as {SOURCE} (read_only)")
        clock = StepClock()
        if served is None:  # a reader's lock refuses the spare before the build is hashed
            _attach_updatable(con, target, "the spare")
        # the copy's I/O overlaps the hashing (D-126); a spare needs no copy (D-143)
        with copying(served, target) if served else contextlib.nullcontext():
            built = {table.qualified: _measure_build(con, table) for table in tables}
        clock.done("copy and hash the build" if served else "hash the build")
        if served is not None:
            _attach_updatable(con, target, "the served file")
        served_names = {(t.schema, t.name) for t in tables} | {(BUILD_INFO.schema, BUILD_INFO.name)}
        for schema, name in sorted(_tables(con, TARGET) - served_names):
            con.execute(f"drop table {ident(TARGET)}.{ident(schema)}.{ident(name)}")
            result.dropped.append(f"{schema}.{name}")
        for table in tables:
            known = known_for(kept or {}, table)
            result.changes.append(_sync(con, table, built[table.qualified], known))
            comment_table(con, TARGET, table)
        con.execute(f"detach {TARGET}")
        clock.done("compare and change rows")
        fsync_file(target)
        clock.done("fsync the copy" if served else "fsync the file")
        result.seconds = clock.seconds
    except BaseException:
        con.close()
        target.unlink(missing_ok=True)
        raise
    con.close()
    return result
