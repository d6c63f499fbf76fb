"""Publish the checked build warehouse to the serving directory, atomically.

BI tools and scheduled consumers read ``<serving_dir>/aftersales.duckdb`` and nothing else.
Publishing never exposes a partial file there:

1. the build warehouse is checkpointed (its write-ahead log folded into the file) so that
   the file alone is complete;
2. it is copied to a temporary file *inside the serving directory* (same file system, so
   the final rename is atomic), flushed and fsync'ed;
3. the copy is opened read-only and must contain the published table (a smoke check);
4. the current served file, if any, is kept as ``aftersales.previous.duckdb`` (a hard link,
   or a copy where links are not supported) for :func:`rollback`;
5. ``os.replace`` swaps the copy in and the directory entry is fsync'ed.

Before the smoke check (3), the copy gets ``ops.build_info``: one row with the build id,
the publish time, the source warehouse, kpi_values' row count and a fingerprint of its rows
(:func:`kpi_values_fingerprint`), so that a reader can tell which build it reads and that
the rows it sees belong to it.

A reader that opened the old file keeps reading the old file (POSIX rename semantics); a
new reader sees the new one. If anything fails before step 5, the served file is untouched
and the temporary file is removed.

Files for tools that prefer them (``AFTERSALES_EXPORT_PARQUET=1``): every table of the
``marts`` schema as ``<serving_dir>/parquet/<table>.parquet``. The GX data docs of the
build's validations: ``<serving_dir>/data_docs/index.html``. Both are written to a new
directory ``.parquet-<build_id>`` / ``.data_docs-<build_id>`` first; ``parquet`` and
``data_docs`` are symbolic links swapped atomically (``os.replace`` of a new link) right
after the warehouse file. The directories of the served and the previous build are kept
(a rollback points the links back), older ones are removed.
"""

from __future__ import annotations

import contextlib
import html
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.config import WAREHOUSE_FILE_NAME
from orchestration.warehouse import connect

PREVIOUS_FILE_NAME = "aftersales.previous.duckdb"
REQUIRED_TABLE = "marts.kpi_values"
BUILD_INFO_TABLE = "ops.build_info"
PARQUET_LINK = "parquet"
DOCS_LINK = "data_docs"
EXPORT_SCHEMA = "marts"
_COPY_CHUNK = 8 << 20
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
    docs_index: Path | None = None


def export_parquet_enabled() -> bool:
    """``AFTERSALES_EXPORT_PARQUET`` set to 1/true/yes."""
    value = os.environ.get("AFTERSALES_EXPORT_PARQUET", "").strip().lower()
    return value in {"1", "true", "yes", "on"}


def new_build_id(run_id: str | None = None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{(run_id or secrets.token_hex(4))[:8]}"


def kpi_values_fingerprint(con: duckdb.DuckDBPyConnection, table: str = REQUIRED_TABLE) -> str:
    """Row count and an order-independent sum of row hashes of ``table``."""
    count, total = con.execute(f"select count(*), sum(hash(t)) from {table} as t").fetchone()
    return f"{count}:{total or 0}"


def _readable_mode() -> int:
    """0o644 less the process umask (what a plain ``open`` would have created)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o644 & ~umask


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint(warehouse_path: Path) -> None:
    """Fold the write-ahead log into the database file (needs no other writer open)."""
    with connect(warehouse_path) as con:
        con.execute("checkpoint")
    wal = warehouse_path.with_name(warehouse_path.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(f"{wal} is not empty after a checkpoint: is a writer still open?")


def copy_file(source: Path, destination_fd: int) -> int:
    """Copy ``source`` into an open file descriptor, fsync it, return the bytes written."""
    written = 0
    with source.open("rb") as reader:
        while chunk := reader.read(_COPY_CHUNK):
            view = memoryview(chunk)
            while view:
                count = os.write(destination_fd, view)
                view = view[count:]
                written += count
    os.fsync(destination_fd)
    return written


def _stamp(path: Path, build_id: str, source: Path, table: str) -> tuple[int, str]:
    """Write ops.build_info into the copy at ``path``; return (rows, fingerprint)."""
    try:
        with duckdb.connect(str(path)) as con:
            rows = int(con.execute(f"select count(*) from {table}").fetchone()[0])
            fingerprint = kpi_values_fingerprint(con, table)
            con.execute("create schema if not exists ops")
            con.execute(
                f"create or replace table {BUILD_INFO_TABLE} (build_id varchar not null, "
                "published_at timestamp not null, source_warehouse varchar not null, "
                "kpi_values_rows bigint not null, kpi_values_fingerprint varchar not null)"
            )
            con.execute(
                f"insert into {BUILD_INFO_TABLE} values (?, ?, ?, ?, ?)",
                [build_id, datetime.now(UTC).replace(tzinfo=None), str(source), rows, fingerprint],
            )
            con.execute("checkpoint")
    except duckdb.Error as error:
        raise PublishError(f"the copy at {path} cannot be read: {error}") from error
    return rows, fingerprint


def _verify(path: Path, table: str, fingerprint: str) -> None:
    """The copy opens read-only and its table still matches the stamped fingerprint."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            stamped = con.execute(
                f"select kpi_values_fingerprint from {BUILD_INFO_TABLE}"
            ).fetchone()[0]
            actual = kpi_values_fingerprint(con, table)
    except duckdb.Error as error:
        raise PublishError(f"the copy at {path} cannot be read: {error}") from error
    if stamped != fingerprint or actual != fingerprint:
        raise PublishError(f"the copy at {path} does not match its build info")


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


def _export_parquet(database: Path, directory: Path, schema: str = EXPORT_SCHEMA) -> list[str]:
    """Every table of ``schema`` in ``database`` as ``directory/<table>.parquet``."""
    directory.mkdir(parents=True)
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [schema],
            ).fetchall()
        ]
        for table in tables:
            target = str(directory / f"{table}.parquet").replace("'", "''")
            con.execute(f"copy {schema}.\"{table}\" to '{target}' (format parquet)")
    _fsync_tree(directory)
    return tables


def _fsync_tree(directory: Path) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(directory)


def _copy_docs(source: Path, directory: Path, build_id: str) -> Path:
    """Copy the build's data-docs sites (one sub-directory per suite) and add an index."""
    shutil.copytree(source, directory)
    suites = sorted(p.name for p in directory.iterdir() if (p / "index.html").is_file())
    items = "\n".join(
        f'<li><a href="{html.escape(name)}/index.html">{html.escape(name)}</a></li>'
        for name in suites
    )
    (directory / "index.html").write_text(
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        "<title>aftersales data docs</title></head><body>\n"
        f"<h1>Validation results of build {html.escape(build_id)}</h1>\n"
        f"<ul>\n{items}\n</ul>\n</body></html>\n",
        encoding="utf-8",
    )
    _fsync_tree(directory)
    return directory / "index.html"


def _point_link(link: Path, target_name: str) -> None:
    """Make ``link`` a symbolic link to ``target_name`` (relative), atomically."""
    if link.exists() and not link.is_symlink():  # a real directory from elsewhere: move aside
        os.replace(link, link.with_name(f".{link.name}-replaced-{secrets.token_hex(4)}"))
    temp = link.with_name(f".{link.name}.link-{secrets.token_hex(4)}")
    os.symlink(target_name, temp)
    try:
        os.replace(temp, link)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _versioned(serving_dir: Path, link: str, build_id: str) -> Path:
    return serving_dir / f".{link}-{build_id}"


def _prune(serving_dir: Path, keep_ids: set[str]) -> None:
    """Remove versioned directories of other builds and stale temporary files."""
    now = time.time()
    for path in serving_dir.iterdir():
        name = path.name
        for link in (PARQUET_LINK, DOCS_LINK):
            prefix = f".{link}-"
            is_version = name.startswith(prefix) and path.is_dir() and not path.is_symlink()
            if is_version and name[len(prefix) :] not in keep_ids:
                shutil.rmtree(path, ignore_errors=True)
        if name.startswith((".aftersales.", ".previous.", ".current.")) and name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > _STALE_TEMP_SECONDS:
                    path.unlink()


def _second_name(source: Path, directory: Path, prefix: str) -> Path:
    """A new temporary name in ``directory`` for ``source``'s content (hard link or copy)."""
    handle, temp_name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()
    try:
        os.link(source, temp)
    except OSError:
        shutil.copyfile(source, temp)
    return temp


def _keep_previous(served: Path, previous: Path) -> None:
    """Make ``previous`` a second name of the served file (or a copy), atomically."""
    temp = _second_name(served, served.parent, ".previous.")
    try:
        os.replace(temp, previous)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def publish(
    warehouse_path: Path,
    serving_dir: Path,
    *,
    required_table: str = REQUIRED_TABLE,
    checkpoint_first: bool = True,
    build_id: str | None = None,
    export_parquet: bool | None = None,
    docs_source: Path | None = None,
) -> PublishResult:
    """Copy the build warehouse to ``serving_dir`` and swap it in atomically.

    ``export_parquet`` defaults to :func:`export_parquet_enabled`; ``docs_source`` is a
    directory of data-docs sites to publish (skipped when it does not exist).
    """
    if not warehouse_path.is_file():
        raise PublishError(f"no warehouse at {warehouse_path}")
    serving_dir.mkdir(parents=True, exist_ok=True)
    served = serving_dir / WAREHOUSE_FILE_NAME
    previous = serving_dir / PREVIOUS_FILE_NAME
    build_id = build_id or new_build_id()
    if export_parquet is None:
        export_parquet = export_parquet_enabled()
    if checkpoint_first:
        checkpoint(warehouse_path)

    handle, temp_name = tempfile.mkstemp(
        dir=serving_dir, prefix=".aftersales.", suffix=".duckdb.tmp"
    )
    temp = Path(temp_name)
    parquet_dir = _versioned(serving_dir, PARQUET_LINK, build_id)
    docs_dir = _versioned(serving_dir, DOCS_LINK, build_id)
    swapped = False
    try:
        try:
            size = copy_file(warehouse_path, handle)
        finally:
            os.close(handle)
        os.chmod(temp, _readable_mode())  # mkstemp creates 0600: BI users must read it
        rows, fingerprint = _stamp(temp, build_id, warehouse_path, required_table)
        _verify(temp, required_table, fingerprint)
        tables: list[str] = []
        if export_parquet:
            tables = _export_parquet(temp, parquet_dir)
        docs_index = None
        if docs_source is not None and docs_source.is_dir():
            docs_index = _copy_docs(docs_source, docs_dir, build_id)
        kept = None
        if served.exists():
            _keep_previous(served, previous)
            kept = previous
        os.replace(temp, served)
        swapped = True
        if export_parquet:
            _point_link(serving_dir / PARQUET_LINK, parquet_dir.name)
        if docs_index is not None:
            _point_link(serving_dir / DOCS_LINK, docs_dir.name)
        _fsync_dir(serving_dir)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if not swapped:
            shutil.rmtree(parquet_dir, ignore_errors=True)
            shutil.rmtree(docs_dir, ignore_errors=True)
    keep = {build_id}
    if kept is not None and (previous_id := build_id_of(kept)):
        keep.add(previous_id)
    _prune(serving_dir, keep)
    return PublishResult(
        served_path=served,
        previous_path=kept,
        bytes_copied=size,
        kpi_value_rows=rows,
        published_at=datetime.now(UTC),
        build_id=build_id,
        fingerprint=fingerprint,
        parquet_dir=serving_dir / PARQUET_LINK if export_parquet else None,
        parquet_tables=tuple(tables),
        docs_index=serving_dir / DOCS_LINK / "index.html" if docs_index else None,
    )


def rollback(serving_dir: Path) -> Path:
    """Serve the previous version again; the version served until now becomes the previous.

    The served name always points to a complete file: the current file first gets a second
    name, then the previous one is renamed over the served name, then the second name
    becomes the previous. The ``parquet`` and ``data_docs`` links then point to the
    directories of the build now served, when they were kept.
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
        _fsync_dir(serving_dir)
    finally:
        if current is not None:
            with contextlib.suppress(FileNotFoundError):
                current.unlink()
    served_id = build_id_of(served)
    if served_id:  # point the Parquet files and data docs back to the served build's
        for link in (PARQUET_LINK, DOCS_LINK):
            version = _versioned(serving_dir, link, served_id)
            if version.is_dir():
                _point_link(serving_dir / link, version.name)
        _fsync_dir(serving_dir)
    return served
