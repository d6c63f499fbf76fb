"""New files of one raw table, read and waiting to be written together (every engine).

Both ingests write in bulk: the rows of several files in one write, then their register
rows. A file's rows get the load metadata here, once for both engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from orchestration.contract import LOAD_METADATA_COLUMNS, Table
from orchestration.landing.report import LoadedFile


def with_load_metadata(
    data: pa.Table, table: Table, file_name: str, file_hash: str, loaded_at: datetime
) -> pa.Table:
    """A file's rows as text columns in contract order, followed by the load metadata
    (``LOAD_METADATA_COLUMNS``: file name, hash, 1-based row number, load time)."""
    rows = data.num_rows
    columns = [data.column(column).cast(pa.string()) for column in table.columns]
    metadata = [
        pa.repeat(pa.scalar(file_name, pa.string()), rows),
        pa.repeat(pa.scalar(file_hash, pa.string()), rows),
        pa.array(range(1, rows + 1), type=pa.int64()),
        pa.repeat(pa.scalar(loaded_at, pa.timestamp("us")), rows),
    ]
    names = [*table.columns, *LOAD_METADATA_COLUMNS]
    return pa.Table.from_arrays([*columns, *metadata], names=names)


@dataclass
class FileBatch:
    """Files of one raw table read but not written yet: their rows (``parts``) and their
    register rows with each file's load time (``records``)."""

    table: Table | None = None
    parts: list[pa.Table] = field(default_factory=list)
    records: list[tuple[LoadedFile, datetime]] = field(default_factory=list)
    rows: int = 0

    def add(self, record: LoadedFile, loaded_at: datetime, rows: pa.Table | None) -> None:
        """Queue a file: its register row, and its rows unless it adds none (a duplicate)."""
        self.records.append((record, loaded_at))
        if rows is not None:
            assert self.table is not None
            self.parts.append(
                with_load_metadata(rows, self.table, record.file_name, record.file_hash, loaded_at)
            )
            self.rows += rows.num_rows

    def clear(self) -> None:
        self.parts.clear()
        self.records.clear()
        self.rows = 0
