"""File-system steps every publish shares, whatever the engine: build ids, fsync, the
atomic swap of a symbolic link, and pruning of old versioned directories.

A served directory is swapped by writing a new version directory first and then replacing
the link that readers follow (``os.replace`` of a new link is atomic on POSIX), so a reader
sees either the old build or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path


def new_build_id(run_id: str | None = None) -> str:
    """A sortable build id: the UTC time and 8 characters of the run id (or random)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{(run_id or secrets.token_hex(4))[:8]}"


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a rename, a new link) durable."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Make a file's content durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(directory: Path) -> None:
    """fsync every file below ``directory``, then every directory, deepest first."""
    paths = sorted(directory.rglob("*"), reverse=True)
    for path in paths:
        if path.is_file() and not path.is_symlink():
            fsync_file(path)
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            fsync_dir(path)
    fsync_dir(directory)


def link_or_copy(source: Path, target: Path) -> None:
    """Give ``source`` the second name ``target`` (a hard link; a copy where links fail)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@contextlib.contextmanager
def copying(source: Path, target: Path) -> Iterator[None]:
    """Copy ``source`` to ``target`` in a background thread while the block runs, and wait
    for the copy when it ends. The copy's I/O runs in the kernel, so a block that computes
    (DuckDB hashing the build, D-126) overlaps it. An error of the block wins; otherwise
    the copy's error is raised on leaving."""
    failed: list[BaseException] = []

    def copy() -> None:
        try:
            shutil.copyfile(source, target)
        except BaseException as error:  # handed to the waiting thread
            failed.append(error)

    thread = threading.Thread(target=copy, name=f"copy {source.name}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failed:
        raise failed[0]


def open_in_this_process(path: Path) -> bool:
    """True when this process has ``path``'s file open (Linux: ``/proc/self/fd``; False
    where that cannot be read). File locks are per process, so a writer in this process
    would not be refused a file that one of its own readers holds."""
    try:
        wanted = path.stat()
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return False
    for descriptor in descriptors:
        with contextlib.suppress(OSError):
            found = os.stat(f"/proc/self/fd/{descriptor}")
            if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
                return True
    return False


def point_link(link: Path, target_name: str) -> None:
    """Make ``link`` a relative symbolic link to ``target_name``, atomically. A real
    directory under that name (not made by a publish) is moved aside, not deleted."""
    if link.exists() and not link.is_symlink():
        os.replace(link, link.with_name(f".{link.name}-replaced-{secrets.token_hex(4)}"))
    temp = link.with_name(f".{link.name}.link-{secrets.token_hex(4)}")
    os.symlink(target_name, temp)
    try:
        os.replace(temp, link)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def linked_version(link: Path, prefix: str) -> str | None:
    """The build id of the version directory ``link`` points to (None without one)."""
    if not link.is_symlink():
        return None
    name = os.readlink(link)
    return name[len(prefix) :] if name.startswith(prefix) else None


def prune_versions(directory: Path, prefix: str, keep_ids: set[str]) -> None:
    """Remove the version directories ``<prefix><build_id>`` not in ``keep_ids``."""
    for path in directory.glob(f"{prefix}*"):
        if path.is_dir() and not path.is_symlink() and path.name[len(prefix) :] not in keep_ids:
            shutil.rmtree(path, ignore_errors=True)


def remove_stale(directory: Path, pattern: str, older_than_seconds: float, now: float) -> None:
    """Remove files or links matching ``pattern`` left by a killed publish."""
    for path in directory.glob(pattern):
        with contextlib.suppress(OSError):
            if now - path.lstat().st_mtime > older_than_seconds and not path.is_dir():
                path.unlink()
