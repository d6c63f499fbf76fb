"""Publish the checked build warehouse to the serving directory, atomically.

BI tools and scheduled consumers read ``<serving_dir>/aftersales.duckdb`` and nothing else.
It holds the BI layer only: the tables declared served in dbt (``meta: {served: true}``,
:mod:`orchestration.serving.selection`) and the build stamp, written in a storage format
that DuckDB 1.4 and later open, every table and column commented with its dbt description.
The warehouse itself stays private in the warehouse directory. Publishing never exposes a
partial file there:

1. the build warehouse is checkpointed (its write-ahead log folded into the file);
2. the served tables are written into a new temporary file *inside the serving
   directory* (same file system, so the final rename is atomic), which is fsync'ed
   (:func:`orchestration.serving.writer.write_served_file`);
3. the copy gets ``ops.build_info`` with the fingerprint of the build's kpi_values (from
   the parts' fingerprints: the build's rows hashed when the copy was updated, the
   copy's when it was written whole) and is opened read-only: its kpi_values must match
   that fingerprint, so an updated copy that does not hold the build's rows is not
   served;
4. the current served file, if any, is kept as ``aftersales.previous.duckdb`` (a hard link,
   or a copy where links are not supported) for :func:`rollback`, and the previous file
   until now becomes the spare (below);
5. ``os.replace`` swaps the copy in and the directory entry is fsync'ed.

The spare (``.aftersales.spare.duckdb``, on unless ``AFTERSALES_PUBLISH_SPARE`` is off;
docs/decisions.md, D-143) is the served file of two builds ago: neither served nor kept
for a rollback. The next publish renames it to its temporary name and updates it in
place to the build's rows instead of copying the whole served file first (D-106); a
reader that still has it open holds DuckDB's lock, and the publish then copies the served
file as before. A publish that writes the file whole and leaves no older file to become
the spare copies the new file to the spare while the Parquet export runs. The served
directory so holds three files at rest, as many as it held during a publish before.

``ops.build_info`` is one row with the build id, the publish time, the source warehouse,
kpi_values' row count and a fingerprint of its rows (:func:`kpi_values_fingerprint`), so
that a reader can tell which build it reads and that the rows it sees belong to it, and
the build's as-of time (``data_as_of``: what "is_period_complete" is measured against).

A reader that opened the old file keeps reading the old file (POSIX rename semantics); a
new reader sees the new one. If anything fails before step 5, the served file is untouched
and the temporary file is removed.

Files for tools that prefer them (on unless ``AFTERSALES_EXPORT_PARQUET=0``): every table
of the served file as a folder ``<serving_dir>/parquet/<schema>/<table>/`` of Parquet files,
one per month of the table's declared date column (:mod:`orchestration.serving.parquet`,
D-109), written to a new directory ``.parquet-<build_id>`` first; the months whose rows did
not change are linked from the previous build's directory. ``parquet`` is a symbolic link
swapped atomically (``os.replace`` of a new link) right after the file. The directories of
the served and the previous build are kept (a rollback points the link back), older ones
are removed; a build published without Parquet, or rolled back to without its directory,
has no ``parquet`` link at all rather than another build's. A reader that lists a table's
folder through the link while a publish swaps it can see months of two builds: resolve
the link once (``Path('parquet').resolve()``) and read from there.

GX data docs are not served (their samples of unexpected values may hold personal data,
and they load their styles from a CDN): they stay in ``<warehouse_dir>/data_docs/`` for
operators; a ``data_docs`` link left in the serving directory by an older version is
removed (docs/decisions.md, D-045).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.config import WAREHOUSE_FILE_NAME
from orchestration.engines.duckdb.connection import connect, limit_memory
from orchestration.serving import parts
from orchestration.serving.files import (
    copying,
    fsync_dir,
    fsync_file,
    fsync_tree,
    link_or_copy,
    linked_version,
    new_build_id,
    open_in_this_process,
    point_link,
    prune_versions,
    remove_stale,
)
from orchestration.serving.parquet import WRITER as PARQUET_WRITER
from orchestration.serving.parquet import ParquetExport
from orchestration.serving.parquet import export_parquet as _export_served_parquet
from orchestration.serving.selection import (
    BUILD_INFO,
    SelectionError,
    ServedTable,
    default_manifest_path,
    served_tables,
)
from orchestration.serving.steps import StepClock
from orchestration.serving.update import NotUpdatable, UpdateResult, update_served_copy
from orchestration.serving.writer import ServedFileError, comment_table, write_served_file

PREVIOUS_FILE_NAME = "aftersales.previous.duckdb"
SPARE_FILE_NAME = ".aftersales.spare.duckdb"
REQUIRED_TABLE = "marts.kpi_values"
BUILD_INFO_TABLE = "ops.build_info"
PARQUET_LINK = "parquet"
DOCS_LINK = "data_docs"
_STALE_TEMP_SECONDS = 3600


class PublishError(RuntimeError):
    """The warehouse could not be published; the served file is unchanged."""


@dataclass(frozen=True)
class PublishResult:
    served_path: Path
    previous_path: Path | None
    bytes_copied: int
    kpi_value_rows: int
    published_at: datetime
    build_id: str = ""
    fingerprint: str = ""
    parquet_dir: Path | None = None
    parquet_tables: tuple[str, ...] = ()
    parquet_parts_written: int = 0
    parquet_parts_reused: int = 0  # linked from the previous build's Parquet (D-109)
    served_tables: tuple[str, ...] = ()
    seconds: float = 0.0
    updated: dict[str, object] | None = None  # what updating the copy did (D-106)
    written_reason: str | None = None  # why the file was written whole instead
    spare_reason: str | None = None  # why the spare this publish tried to make is missing
    step_seconds: dict[str, float] = field(default_factory=dict)  # where the time went


def _switched_on(variable: str) -> bool:
    """On unless the environment variable is 0/false/no/off."""
    return os.environ.get(variable, "").strip().lower() not in {"0", "false", "no", "off"}


def update_enabled() -> bool:
    """``AFTERSALES_PUBLISH_UPDATE``: publish updates a copy of the served file instead of
    writing it whole (D-106)."""
    return _switched_on("AFTERSALES_PUBLISH_UPDATE")


def spare_enabled() -> bool:
    """``AFTERSALES_PUBLISH_SPARE``: the publish keeps the served file of two builds ago
    and updates it in place next time (D-143)."""
    return _switched_on("AFTERSALES_PUBLISH_SPARE")


def export_parquet_enabled() -> bool:
    """``AFTERSALES_EXPORT_PARQUET``: the served tables are also published as Parquet."""
    return _switched_on("AFTERSALES_EXPORT_PARQUET")


def kpi_values_fingerprint(con: duckdb.DuckDBPyConnection, table: str = REQUIRED_TABLE) -> str:
    """Row count and an order-independent sum of row hashes of ``table``."""
    count, total = con.execute(f"select count(*), sum(hash(t)) from {table} as t").fetchone()
    return f"{count}:{total or 0}"


def _readable_mode() -> int:
    """0o644 less the process umask (what a plain ``open`` would have created)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o644 & ~umask


def checkpoint(warehouse_path: Path) -> None:
    """Fold the write-ahead log into the database file (needs no other writer open)."""
    with connect(warehouse_path) as con:
        con.execute("checkpoint")
    wal = warehouse_path.with_name(warehouse_path.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(f"{wal} is not empty after a checkpoint: is a writer still open?")


def data_as_of(warehouse_path: Path) -> datetime | None:
    """The build's as-of time (``intermediate.int_as_of_resolved``); None without one."""
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as con:
            row = con.execute("select max(as_of) from intermediate.int_as_of_resolved").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _stamp(
    path: Path,
    build_id: str,
    source: Path,
    rows: int,
    fingerprint: str,
    as_of: datetime | None = None,
) -> None:
    """Write ops.build_info into the copy at ``path``; ``rows`` and ``fingerprint``: the
    build's kpi_values."""
    try:
        with duckdb.connect(str(path)) as con:
            limit_memory(con)
            con.execute("create schema if not exists ops")
            con.execute(
                f"create or replace table {BUILD_INFO_TABLE} (build_id varchar not null, "
                "published_at timestamp not null, source_warehouse varchar not null, "
                "kpi_values_rows bigint not null, kpi_values_fingerprint varchar not null, "
                "data_as_of timestamp)"
            )
            con.execute(
                f"insert into {BUILD_INFO_TABLE} values (?, ?, ?, ?, ?, ?)",
                [
                    build_id,
                    datetime.now(UTC).replace(tzinfo=None),
                    str(source),
                    rows,
                    fingerprint,
                    as_of,
                ],
            )
            comment_table(con, con.execute("select current_database()").fetchone()[0], BUILD_INFO)
            con.execute("checkpoint")
    except duckdb.Error as error:
        raise PublishError(f"the copy at {path} cannot be read: {error}") from error


def _verify(path: Path, table: str, fingerprint: str) -> None:
    """The copy opens read-only, and its table's rows match ``fingerprint`` (the build's)
    and the stamped one."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            stamped = con.execute(
                f"select kpi_values_fingerprint from {BUILD_INFO_TABLE}"
            ).fetchone()[0]
            actual = kpi_values_fingerprint(con, table)
    except duckdb.Error as error:
        raise PublishError(f"the copy at {path} cannot be read: {error}") from error
    if stamped != fingerprint or actual != fingerprint:
        raise PublishError(
            f"the copy at {path} does not match its build info: its {table} is {actual}, "
            f"stamped {stamped}, the build's {fingerprint} (rows:sum of row hashes); nothing "
            "was served: publish again, with AFTERSALES_PUBLISH_UPDATE=0 to write the file "
            "whole if it happens again"
        )


def build_id_of(path: Path) -> str | None:
    """The build id stamped in a served file; None without one."""
    if not path.is_file():
        return None
    try:
        with connect(path, read_only=True) as con:
            row = con.execute(f"select build_id from {BUILD_INFO_TABLE}").fetchone()
    except duckdb.Error:
        return None
    return str(row[0]) if row else None


def _versioned(serving_dir: Path, link: str, build_id: str) -> Path:
    return serving_dir / f".{link}-{build_id}"


def _prune(serving_dir: Path, keep_ids: set[str], spare_id: str | None = None) -> None:
    """Remove versioned directories of other builds and stale temporary files; the
    spare's build (``spare_id``) keeps its parts record, not its Parquet."""
    for link in (PARQUET_LINK, DOCS_LINK):
        prune_versions(serving_dir, f".{link}-", keep_ids)
    now = time.time()
    parts.prune(serving_dir, keep_ids | ({spare_id} if spare_id else set()))
    for prefix in (".aftersales.", ".previous.", ".current.", ".spare.", parts.FILE_PREFIX):
        remove_stale(serving_dir, f"{prefix}*.tmp", _STALE_TEMP_SECONDS, now)


def _second_name(source: Path, directory: Path, prefix: str, *, copy: bool = True) -> Path:
    """A new temporary name in ``directory`` for ``source``'s content: a hard link, or a
    copy where links fail (``copy``; else the link's OSError is raised)."""
    handle, temp_name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()
    (link_or_copy if copy else os.link)(source, temp)
    return temp


def _name_also(source: Path, name: Path, prefix: str, *, copy: bool = True) -> None:
    """Make ``name`` a second name of ``source`` (or a copy, with ``copy``), atomically."""
    temp = _second_name(source, name.parent, prefix, copy=copy)
    try:
        os.replace(temp, name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _keep_spare(previous: Path, spare: Path) -> None:
    """Make ``spare`` a second name of the previous file (a hard link, never a copy),
    atomically; without links, no spare is kept."""
    try:
        _name_also(previous, spare, ".spare.", copy=False)
    except OSError:
        spare.unlink(missing_ok=True)  # an older spare would be two builds out of date


def _take_spare(
    spare: Path, temp: Path, allowed: set[str]
) -> tuple[dict[str, parts.Kept], str | None]:
    """Rename the spare to ``temp`` when it can be updated in place and return its build's
    parts record; else remove it (the served file is copied instead: no fourth file) and
    say why. It can when it holds the BI layer only, its build's record is kept, and no
    reader in this process has it open (DuckDB's lock keeps out other processes only)."""
    if not spare.is_file():
        return {}, "there is no spare"
    kept = parts.load(spare.parent, build_id_of(spare))
    refused = None
    if not kept:
        refused = "the spare's build has no parts record"
    elif open_in_this_process(spare):
        refused = "this process has the spare open"
    elif not _holds_only(spare, allowed):
        refused = "the spare holds more than the served tables"
    if refused:
        spare.unlink(missing_ok=True)  # a reader that has it open keeps its file
        return {}, refused
    try:
        os.replace(spare, temp)
        os.utime(temp)  # a temporary file of now: not stale for a concurrent prune
    except OSError as error:
        return {}, f"the spare cannot be renamed: {error}"
    return kept, None


def _keep_previous(served: Path, previous: Path) -> None:
    """Make ``previous`` a second name of the served file (or a copy), atomically."""
    _name_also(served, previous, ".previous.")


def _schemas(path: Path) -> set[str] | None:
    """The user schemas of the DuckDB file at ``path``; None when it cannot be read."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute(
                "select distinct schema_name from duckdb_tables() "
                "where database_name = current_database()"
            ).fetchall()
    except duckdb.Error:
        return None
    return {row[0] for row in rows}


def _holds_only(served: Path, allowed: set[str]) -> bool:
    """True when the served file can be read and holds only ``allowed`` schemas (the BI
    layer), not the whole warehouse an older version served."""
    schemas = _schemas(served)
    return schemas is not None and schemas <= allowed


def _keepable(served: Path, previous: Path, allowed: set[str]) -> bool:
    """True when the served file holds only ``allowed`` schemas (the BI layer). A file
    from before the BI-only layout (a copy of the whole warehouse, personal data
    included) must not stay readable as the previous version: it is not kept, and the
    previous file (older still) is removed."""
    if _holds_only(served, allowed):
        return True
    with contextlib.suppress(FileNotFoundError):
        previous.unlink()
    return False


def _remove_served_docs(serving_dir: Path) -> None:
    """Data docs are no longer served: remove a link and versions an older publish left."""
    link = serving_dir / DOCS_LINK
    if link.is_symlink():
        link.unlink()
    for path in serving_dir.glob(f".{DOCS_LINK}-*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def publish(
    warehouse_path: Path,
    serving_dir: Path,
    *,
    required_table: str = REQUIRED_TABLE,
    checkpoint_first: bool = True,
    build_id: str | None = None,
    export_parquet: bool | None = None,
    tables: Sequence[ServedTable] | None = None,
    manifest_path: Path | None = None,
    update: bool | None = None,
) -> PublishResult:
    """Write the served tables of the build warehouse to ``serving_dir`` and swap the new
    file in atomically.

    ``tables`` defaults to the models declared served in the dbt manifest
    (``manifest_path``, default ``target/manifest.json``); ``export_parquet`` defaults to
    :func:`export_parquet_enabled`, ``update`` (update the spare in place or a copy of the
    served file rather than write it whole, D-106, D-143) to :func:`update_enabled`; the
    spare is kept unless :func:`spare_enabled` says otherwise.
    """
    started = time.monotonic()
    steps = StepClock()
    if not warehouse_path.is_file():
        raise PublishError(f"no warehouse at {warehouse_path}")
    if tables is None:
        try:
            tables = served_tables(manifest_path or default_manifest_path())
        except SelectionError as error:
            raise PublishError(str(error)) from error
    if required_table not in {t.qualified for t in tables}:
        raise PublishError(f"{required_table} is not among the served tables")
    serving_dir.mkdir(parents=True, exist_ok=True)
    served = serving_dir / WAREHOUSE_FILE_NAME
    previous = serving_dir / PREVIOUS_FILE_NAME
    spare = serving_dir / SPARE_FILE_NAME
    build_id = build_id or new_build_id()
    if export_parquet is None:
        export_parquet = export_parquet_enabled()
    if checkpoint_first:
        checkpoint(warehouse_path)
    steps.done("checkpoint")

    handle, temp_name = tempfile.mkstemp(
        dir=serving_dir, prefix=".aftersales.", suffix=".duckdb.tmp"
    )
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()  # the name is reserved; DuckDB creates the file
    parquet_dir = _versioned(serving_dir, PARQUET_LINK, build_id)
    spare_temp = temp.with_name(f".spare.{build_id}.tmp")
    spare_reason = None  # why this publish left no spare, when it tried to make one
    swapped = False
    pending: Path | None = None
    allowed = {t.schema for t in tables} | {BUILD_INFO.schema}
    try:
        if update is None:
            update = update_enabled()
        with_spare = update and spare_enabled()
        if not with_spare:
            spare.unlink(missing_ok=True)
        kept_parts = parts.load(serving_dir, build_id_of(served)) if served.is_file() else {}
        updated, written_reason = _write_copy(
            warehouse_path, served, temp, tables, allowed, update, kept_parts, with_spare
        )
        steps.done("served file")
        for step, seconds in (updated.seconds if updated else {}).items():
            steps.seconds[f"served file: {step}"] = seconds  # of which
        os.chmod(temp, _readable_mode())  # BI users must read it
        fingerprints, columns = _describe_parts(temp, tables, updated)
        pending = parts.write_pending(
            serving_dir, build_id, tables, fingerprints, columns, PARQUET_WRITER
        )
        steps.done("parts record")
        as_of = data_as_of(warehouse_path)
        rows, fingerprint = parts.whole(fingerprints[required_table])
        _stamp(temp, build_id, warehouse_path, rows, fingerprint, as_of)
        _verify(temp, required_table, fingerprint)
        size = temp.stat().st_size
        steps.done("stamp and verify")
        exported = ParquetExport()
        if export_parquet:
            reusable = {
                t.qualified: parts.unchanged_parts(
                    kept_parts,
                    t,
                    columns.get(t.qualified, ()),
                    fingerprints[t.qualified],
                    PARQUET_WRITER,
                )
                for t in tables
                if t.qualified in fingerprints
            }
        # a file written whole with no older one to become the spare: copy it to the spare
        # while the Parquet export reads it (D-143)
        copy_spare = with_spare and updated is None and not spare.exists() and not previous.exists()
        try:
            with copying(temp, spare_temp) if copy_spare else contextlib.nullcontext():
                if export_parquet:  # its errors are PublishErrors: an OSError is the copy's
                    exported = _export(
                        temp, parquet_dir, serving_dir, tables, reusable, fingerprints
                    )
                    steps.done("parquet")
            if copy_spare:
                fsync_file(spare_temp)
        except OSError as error:  # the build is served all the same, with no spare
            spare_temp.unlink(missing_ok=True)
            copy_spare, spare_reason = False, f"the spare could not be copied: {error}"
        if copy_spare or spare_reason:
            steps.done("spare copy")  # what it took beyond the Parquet export
        kept = None
        if served.exists() and _keepable(served, previous, allowed):
            if with_spare and previous.exists():
                _keep_spare(previous, spare)
            _keep_previous(served, previous)
            kept = previous
        os.replace(temp, served)
        swapped = True
        parts.commit(pending, serving_dir, build_id)
        if export_parquet:
            point_link(serving_dir / PARQUET_LINK, parquet_dir.name)
        else:  # no Parquet of this build: none of another build's either
            _remove_link(serving_dir / PARQUET_LINK)
        _remove_served_docs(serving_dir)
        if copy_spare:  # nothing reads the spare: the build stays served without it
            try:
                os.replace(spare_temp, spare)
            except OSError as error:
                spare_reason = f"the spare could not be named: {error}"
        fsync_dir(serving_dir)
        steps.done("swap")
    finally:
        for name in (temp, spare_temp):
            name.unlink(missing_ok=True)
        if pending is not None:
            pending.unlink(missing_ok=True)  # not served: no record (named: moved away)
        if not swapped:
            shutil.rmtree(parquet_dir, ignore_errors=True)
    keep = {build_id}
    if kept is not None and (previous_id := build_id_of(kept)):
        keep.add(previous_id)
    _prune(serving_dir, keep, build_id_of(spare) if with_spare else None)
    steps.done("prune")
    return PublishResult(
        served_path=served,
        previous_path=kept,
        bytes_copied=size,
        kpi_value_rows=rows,
        published_at=datetime.now(UTC),
        build_id=build_id,
        fingerprint=fingerprint,
        parquet_dir=serving_dir / PARQUET_LINK if export_parquet else None,
        parquet_tables=tuple(exported.tables),
        parquet_parts_written=exported.parts_written,
        parquet_parts_reused=exported.parts_reused,
        served_tables=(*(t.qualified for t in tables), BUILD_INFO.qualified),
        seconds=time.monotonic() - started,
        updated=updated.as_json() if updated else None,
        written_reason=written_reason,
        spare_reason=spare_reason,
        step_seconds=steps.seconds,
    )


def _write_copy(
    warehouse: Path,
    served: Path,
    temp: Path,
    tables: Sequence[ServedTable],
    allowed: set[str],
    update: bool,
    kept: dict[str, parts.Kept],
    with_spare: bool = False,
) -> tuple[UpdateResult | None, str | None]:
    """Write the new served file at ``temp``: the spare updated in place when there is one
    that can be (``with_spare``, D-143), else an updated copy of the served file
    (:mod:`orchestration.serving.update`; ``kept``: what the served build's parts record
    holds), else from scratch. Returns the update's result, or None and the reason the
    file was written whole."""
    reason = "no served file yet"
    if not update:
        reason = "AFTERSALES_PUBLISH_UPDATE is off"
    elif served.is_file() and _holds_only(served, allowed):
        spare_kept, spare_reason = {}, "AFTERSALES_PUBLISH_SPARE is off"
        if with_spare:
            spare_kept, spare_reason = _take_spare(served.with_name(SPARE_FILE_NAME), temp, allowed)
        if spare_kept:
            try:
                return _update(None, warehouse, temp, tables, spare_kept), None
            except (NotUpdatable, duckdb.Error, OSError) as error:
                spare_reason = f"the spare was not updated in place: {error}"
                temp.unlink(missing_ok=True)
        try:
            result = _update(served, warehouse, temp, tables, kept)
            result.spare_reason = spare_reason
            return result, None
        except (NotUpdatable, duckdb.Error, OSError) as error:
            reason = f"the served file was not updated: {error}"
            if spare_kept:  # the spare was tried first and failed
                reason = f"{spare_reason}; {reason}"
            temp.unlink(missing_ok=True)
    elif served.is_file():
        reason = "the served file holds more than the served tables"
    try:
        write_served_file(warehouse, temp, tables)
    except ServedFileError as error:
        raise PublishError(str(error)) from error
    return None, reason


def _update(
    base: Path | None,
    warehouse: Path,
    temp: Path,
    tables: Sequence[ServedTable],
    kept: dict[str, parts.Kept],
) -> UpdateResult:
    """:func:`update_served_copy`; a table that cannot be served is a PublishError."""
    try:
        return update_served_copy(base, warehouse, temp, tables, kept)
    except ServedFileError as error:
        raise PublishError(str(error)) from error


def _describe_parts(
    temp: Path, tables: Sequence[ServedTable], updated: UpdateResult | None
) -> tuple[dict[str, parts.Fingerprints], dict[str, tuple[str, ...]]]:
    """The parts' fingerprints of the new file's tables (measured when it was written
    whole; an update computed them) and their columns."""
    try:
        fingerprints = updated.fingerprints() if updated else parts.measure(temp, tables)
        return fingerprints, parts.columns_of(temp, tables)
    except duckdb.Error as error:
        raise PublishError(f"cannot fingerprint the parts of {temp}: {error}") from error


def _export(
    temp: Path,
    parquet_dir: Path,
    serving_dir: Path,
    tables: Sequence[ServedTable],
    reusable: dict[str, set[int]],
    fingerprints: dict[str, parts.Fingerprints],
) -> ParquetExport:
    """The Parquet export of the new file (D-109), fsync'ed; a failure is a PublishError
    that says what to do (the served file and its Parquet stay as they were)."""
    try:
        exported = _export_served_parquet(
            temp,
            parquet_dir,
            tables=tables,
            reuse_from=_parquet_of(serving_dir, serving_dir / WAREHOUSE_FILE_NAME),
            reusable=reusable,
            parts={name: set(found) for name, found in fingerprints.items()},
        )
        fsync_tree(parquet_dir)
    except (duckdb.Error, OSError, ValueError) as error:
        raise PublishError(
            f"the Parquet export to {parquet_dir} failed ({error}); nothing was served: "
            f"free disk space in {serving_dir}, or set AFTERSALES_EXPORT_PARQUET=0 to "
            "publish the DuckDB file alone"
        ) from error
    return exported


def _parquet_of(serving_dir: Path, served: Path) -> Path | None:
    """The Parquet directory of the build in ``served`` (None unless the link points to
    it)."""
    build_id = build_id_of(served)
    if not build_id or linked_version(serving_dir / PARQUET_LINK, f".{PARQUET_LINK}-") != build_id:
        return None
    return _versioned(serving_dir, PARQUET_LINK, build_id)


def rollback(serving_dir: Path) -> Path:
    """Serve the previous version again; the version served until now becomes the previous.

    The served name always points to a complete file: the current file first gets a second
    name, then the previous one is renamed over the served name, then the second name
    becomes the previous. The ``parquet`` link then points to the directory of the build
    now served, when it was kept.
    """
    served = serving_dir / WAREHOUSE_FILE_NAME
    previous = serving_dir / PREVIOUS_FILE_NAME
    if not previous.exists():
        raise PublishError(f"nothing to roll back to: {previous} does not exist")
    current = _second_name(served, serving_dir, ".current.") if served.exists() else None
    try:
        os.replace(previous, served)
        if current is not None:
            os.replace(current, previous)
        fsync_dir(serving_dir)
    finally:
        if current is not None:
            with contextlib.suppress(FileNotFoundError):
                current.unlink()
    served_id = build_id_of(served)
    # the Parquet files of the build now served, or none: never another build's
    version = _versioned(serving_dir, PARQUET_LINK, served_id) if served_id else None
    if version is not None and version.is_dir():
        point_link(serving_dir / PARQUET_LINK, version.name)
    else:
        _remove_link(serving_dir / PARQUET_LINK)
    fsync_dir(serving_dir)
    return served


def _remove_link(link: Path) -> None:
    """Remove the symbolic link ``link`` if there is one (a real directory stays)."""
    if link.is_symlink():
        link.unlink()
