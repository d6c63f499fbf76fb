"""The daily delivery of the benchmark: the last export batch, held back and put back.

The generator names every batch file ``<export date>T020000`` (the morning after the day
it covers). The last batch is the greatest such stem across the tables; each table that
changed that day has one file of it (a table with no change that day has none). Holding it
back leaves the year minus its last day for the full refresh; putting it back is the daily
delivery that the daily refresh ingests.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.contract import TABLES

EXPORT_SUFFIXES = (".csv", ".parquet")


def batch_files(landing: Path) -> list[Path]:
    """Every export file of the contract tables, sorted."""
    return sorted(
        path
        for table in TABLES
        if (landing / table).is_dir()
        for path in (landing / table).iterdir()
        if path.is_file() and path.suffix in EXPORT_SUFFIXES
    )


def last_batch(landing: Path) -> list[Path]:
    """The files of the last export batch (one per table that changed that day)."""
    files = batch_files(landing)
    if not files:
        raise FileNotFoundError(f"no export files under {landing}")
    last_stem = max(path.stem for path in files)
    return [path for path in files if path.stem == last_stem]


def hold_back(landing: Path, held: Path) -> list[str]:
    """Move the last batch out of ``landing`` into ``held`` (``<table>/<file>``); returns
    the moved files as ``table/file``. The move keeps the files' bytes and times."""
    moved = []
    for path in last_batch(landing):
        relative = path.relative_to(landing)
        target = held / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        moved.append(relative.as_posix())
    return moved


def put_back(landing: Path, held: Path, files: list[str]) -> None:
    """Move the held files back into ``landing`` (the daily delivery arrives)."""
    for name in files:
        shutil.move(held / name, landing / name)
