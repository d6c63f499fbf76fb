"""What is in a landing directory: data files per contract table, and everything else with
the reason it is not read (ignored) or not read yet (deferred).

A landing directory that looks like a mistake (missing, empty, or none of the table
folders present) raises :class:`LandingDirError` naming the path: a mistyped path must never
look like "no new files".
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestration.contract import TABLES, Table
from orchestration.landing.mapping.select import LANDING_MAPPING_FILE
from orchestration.landing.model import DEFERRED, IGNORED
from orchestration.landing.readers import DATA_SUFFIXES

SETTLE_ENV = "AFTERSALES_LANDING_SETTLE_SECONDS"
DEFAULT_SETTLE_SECONDS = 5.0
# names that copy tools, browsers and office programs give a file while it is written
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".filepart")
LOCK_SUFFIXES = (".lock", ".lck")


class LandingDirError(RuntimeError):
    """The landing directory itself is unusable; nothing was read or changed."""


@dataclass(frozen=True)
class LandingEntry:
    """One file under the landing directory. ``status`` is ``None`` for a data file to
    read, else ``ignored`` or ``deferred`` with ``reason``."""

    folder: str  # path of its folder relative to the landing directory ("" = the root)
    path: Path
    table: Table | None
    status: str | None = None
    reason: str = ""


def settle_seconds() -> float:
    """How long a file must be unchanged before it is read (``$AFTERSALES_LANDING_SETTLE_SECONDS``,
    default 5 s): a file still being copied in is deferred, not read half-written."""
    try:
        return max(0.0, float(os.environ.get(SETTLE_ENV) or DEFAULT_SETTLE_SECONDS))
    except ValueError:
        return DEFAULT_SETTLE_SECONDS


def check_landing_dir(landing_dir: Path) -> None:
    """Raise :class:`LandingDirError` when ``landing_dir`` looks like a mistake."""
    expected = ", ".join(f"{name}/" for name in TABLES)
    if not landing_dir.exists():
        raise LandingDirError(
            f"the landing directory {landing_dir} does not exist. Check --landing-dir / "
            "AFTERSALES_LANDING_DIR (a mistyped path must not look like 'no new files')"
        )
    if not landing_dir.is_dir():
        raise LandingDirError(f"the landing directory {landing_dir} is not a directory")
    if not any(landing_dir.iterdir()):
        raise LandingDirError(
            f"the landing directory {landing_dir} is empty. Check the path, or mount the "
            f"exports there (one folder per table: {expected})"
        )
    if not any((landing_dir / name).is_dir() for name in TABLES):
        raise LandingDirError(
            f"the landing directory {landing_dir} has none of the table folders "
            f"({expected}). Check the path: it should be the directory that holds them"
        )


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _classify(path: Path, table: Table, now: float, settle: float) -> tuple[str | None, str]:
    name, suffix = path.name, path.suffix.lower()
    if name.startswith("~$") or name.startswith(".~lock") or suffix in LOCK_SUFFIXES:
        return DEFERRED, "a lock file of a program that has a file open (read when it is gone)"
    if suffix in PARTIAL_SUFFIXES:
        return DEFERRED, f"a partial file ({suffix}): still being written or downloaded"
    if name.startswith("."):
        return IGNORED, "a hidden file"
    if suffix not in DATA_SUFFIXES:
        shown = suffix or "no extension"
        return IGNORED, (
            f"{shown} is not a data format (read: {', '.join(DATA_SUFFIXES)}); "
            "export it in one of those, or move it out of the landing directory"
        )
    try:
        age = now - path.stat().st_mtime
    except OSError as error:
        return DEFERRED, f"cannot be inspected yet ({error})"
    if age < settle:
        return DEFERRED, (
            f"modified {max(age, 0):.0f}s ago: read once unchanged for {settle:.0f}s "
            "(it may still be being written)"
        )
    return None, ""


def discover(landing_dir: Path, settle: float | None = None) -> list[LandingEntry]:
    """Every file under ``landing_dir``: table files in table order then name order, then
    everything else. Call :func:`check_landing_dir` first."""
    settle = settle_seconds() if settle is None else settle
    now = time.time()
    entries: list[LandingEntry] = []
    for table in TABLES.values():
        folder = landing_dir / table.name
        if not folder.is_dir():
            continue
        for path in _walk(folder):
            relative = path.parent.relative_to(landing_dir).as_posix()
            if path.parent != folder:
                entries.append(
                    LandingEntry(
                        relative,
                        path,
                        None,
                        IGNORED,
                        f"in a sub-folder: only files directly in {table.name}/ are read",
                    )
                )
                continue
            status, reason = _classify(path, table, now, settle)
            entries.append(LandingEntry(table.name, path, table, status, reason))
    for path in _walk(landing_dir):
        top = path.relative_to(landing_dir).parts[0]
        if top in TABLES:
            continue
        relative = path.parent.relative_to(landing_dir).as_posix()
        if path.parent == landing_dir:
            folder = ""
            if path.name == LANDING_MAPPING_FILE:
                reason = "the landing directory's mapping and read settings (not data)"
            else:
                reason = "not in a table folder: put data files in the folder of their table"
        else:
            folder = relative
            reason = f"folder {top}/ is not a table of the contract (tables: {', '.join(TABLES)})"
        entries.append(LandingEntry(folder, path, None, IGNORED, reason))
    return entries
