"""Read a landing directory the way the raw contract describes it, without the project's code.

CSV: UTF-8 (optional byte-order mark), RFC 4180 quoting, header row, empty field = null.
Parquet: typed values. A file whose bytes equal an earlier file's (by name) is a resend
and contributes nothing.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from .contract import TABLES


@dataclass(frozen=True)
class LandedRow:
    table: str
    source_file: str
    row_number: int  # 1-based data row inside the file
    values: dict[str, object]


@dataclass(frozen=True)
class LandedFile:
    table: str
    name: str
    sha256: str
    duplicate_of: str | None
    rows: int


def _csv_rows(path: Path) -> Iterator[dict[str, object]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader)]
        for record in reader:
            yield {
                name: (value if value != "" else None)
                for name, value in zip(header, record, strict=True)
            }


def _parquet_rows(path: Path) -> Iterator[dict[str, object]]:
    table = pq.read_table(path)
    names = [name.strip().lower() for name in table.column_names]
    for record in table.to_pylist():
        yield dict(zip(names, record.values(), strict=True))


def landed_files(landing_dir: Path, table: str) -> list[Path]:
    folder = landing_dir / table
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".parquet")),
        key=lambda p: p.name,
    )


def read_table(landing_dir: Path, table: str) -> tuple[list[LandedFile], list[LandedRow]]:
    """Every file of a table folder (in name order) and the rows of the non-duplicate ones."""
    files: list[LandedFile] = []
    rows: list[LandedRow] = []
    seen: dict[str, str] = {}
    for path in landed_files(landing_dir, table):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            files.append(LandedFile(table, path.name, digest, seen[digest], 0))
            continue
        seen[digest] = path.name
        reader = _csv_rows if path.suffix.lower() == ".csv" else _parquet_rows
        count = 0
        for count, values in enumerate(reader(path), start=1):
            unknown = set(values) - set(TABLES[table])
            assert not unknown, f"{path}: columns outside the contract {unknown}"
            rows.append(LandedRow(table, path.name, count, values))
        files.append(LandedFile(table, path.name, digest, None, count))
    return files, rows
