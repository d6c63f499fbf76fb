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

A reader that opened the old file keeps reading the old file (POSIX rename semantics); a
new reader sees the new one. If anything fails before step 5, the served file is untouched
and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.config import WAREHOUSE_FILE_NAME

PREVIOUS_FILE_NAME = "aftersales.previous.duckdb"
REQUIRED_TABLE = "marts.kpi_values"
_COPY_CHUNK = 8 << 20


class PublishError(RuntimeError):
    """The warehouse could not be published; the served file is unchanged."""


@dataclass(frozen=True)
class PublishResult:
    served_path: Path
    previous_path: Path | None
    bytes_copied: int
    kpi_value_rows: int
    published_at: datetime


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
    with duckdb.connect(str(warehouse_path)) as con:
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


def _count_rows(path: Path, table: str) -> int:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return int(con.execute(f"select count(*) from {table}").fetchone()[0])
    except duckdb.Error as error:
        raise PublishError(f"the copy at {path} cannot be read: {error}") from error


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
) -> PublishResult:
    """Copy the build warehouse to ``serving_dir`` and swap it in atomically."""
    if not warehouse_path.is_file():
        raise PublishError(f"no warehouse at {warehouse_path}")
    serving_dir.mkdir(parents=True, exist_ok=True)
    served = serving_dir / WAREHOUSE_FILE_NAME
    previous = serving_dir / PREVIOUS_FILE_NAME
    if checkpoint_first:
        checkpoint(warehouse_path)

    handle, temp_name = tempfile.mkstemp(
        dir=serving_dir, prefix=".aftersales.", suffix=".duckdb.tmp"
    )
    temp = Path(temp_name)
    try:
        try:
            size = copy_file(warehouse_path, handle)
        finally:
            os.close(handle)
        rows = _count_rows(temp, required_table)
        kept = None
        if served.exists():
            _keep_previous(served, previous)
            kept = previous
        os.replace(temp, served)
        _fsync_dir(serving_dir)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return PublishResult(
        served_path=served,
        previous_path=kept,
        bytes_copied=size,
        kpi_value_rows=rows,
        published_at=datetime.now(UTC),
    )


def rollback(serving_dir: Path) -> Path:
    """Serve the previous version again; the version served until now becomes the previous.

    The served name always points to a complete file: the current file first gets a second
    name, then the previous one is renamed over the served name, then the second name
    becomes the previous.
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
    return served
