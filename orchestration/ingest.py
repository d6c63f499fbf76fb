"""Load new landing files into the ``raw`` schema of the build warehouse.

Every contract column lands as text (parsing and validation are dbt staging's job), with
the file's basename, its sha256, the 1-based row number inside the file and the load time.
A file is read once: a name already loaded is skipped without being opened again, and a
file whose content was already loaded under another name is recorded as a duplicate and
adds no rows. Each file is loaded in its own transaction.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from orchestration.contract import LOAD_METADATA_COLUMNS, TABLES, Table
from orchestration.landing.mapping import FileContext, Mapping, mapped_or_raise, select_mapping

RAW_SCHEMA = "raw"
LOADED_FILES_TABLE = f"{RAW_SCHEMA}._loaded_files"
FILE_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True)
class LoadedFile:
    table_name: str
    file_name: str
    file_hash: str
    row_count: int
    status: str  # "loaded" or "duplicate_content"
    duplicate_of: str | None = None


@dataclass
class IngestReport:
    files_loaded: list[LoadedFile] = field(default_factory=list)
    files_duplicate: list[LoadedFile] = field(default_factory=list)
    files_skipped: int = 0  # already loaded under this name: not even opened
    rows_loaded: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_loaded.values())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema, one text table per contract table, and the file register."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for table in TABLES.values():
        columns = ", ".join(f'"{c}" varchar' for c in table.columns)
        con.execute(
            f"create table if not exists {RAW_SCHEMA}.{table.name} ({columns}, "
            "_source_file varchar not null, _file_hash varchar not null, "
            "_row_number bigint not null, _loaded_at timestamp not null)"
        )
    con.execute(
        f"create table if not exists {LOADED_FILES_TABLE} ("
        "table_name varchar not null, file_name varchar not null, file_hash varchar not null, "
        "row_count bigint not null, loaded_at timestamp not null, status varchar not null, "
        "duplicate_of varchar, primary key (table_name, file_name))"
    )


def _landing_files(landing_dir: Path, table: Table) -> Iterator[Path]:
    folder = landing_dir / table.name
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.is_file() and path.suffix.lower() in FILE_SUFFIXES:
            yield path


@dataclass(frozen=True)
class PendingFile:
    """A landing file not loaded under its name yet."""

    path: Path
    file_hash: str
    duplicate_of: str | None  # a loaded file with the same content, if any


def pending_files(
    landing_dir: Path, table: Table, known: dict[str, str], report: IngestReport
) -> Iterator[PendingFile]:
    """The landing files of ``table`` to handle, in name order; shared by every engine.

    ``known`` maps the file names already registered for the table to their hashes.
    A name already registered is counted in ``report.files_skipped`` and not opened. A
    yielded file counts as registered once the caller asks for the next one, so a file
    whose handling raised is not taken as known and is retried by the next run.
    """
    known = dict(known)
    hashes = {h: name for name, h in known.items()}
    for path in _landing_files(landing_dir, table):
        if path.name in known:
            report.files_skipped += 1
            continue
        file_hash = file_sha256(path)
        yield PendingFile(path, file_hash, hashes.get(file_hash))
        known[path.name] = file_hash
        hashes.setdefault(file_hash, path.name)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Render a typed Parquet column the way the CSV contract writes it."""
    kind = column.type
    if pa.types.is_timestamp(kind):
        text = pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
        return pc.utf8_slice_codeunits(text, 0, 19)
    if pa.types.is_time(kind):
        return pc.utf8_slice_codeunits(pc.cast(column, pa.string()), 0, 5)
    if pa.types.is_dictionary(kind):
        column = pc.cast(column, kind.value_type)
    return pc.cast(column, pa.string())


def read_landing_file(path: Path, table: Table, mapping: Mapping | None = None) -> pa.Table:
    """Read one CSV or Parquet batch as text columns in contract order, through ``mapping``
    (default: the contract itself); a file the mapping rejects raises ``MappedFileRejected``."""
    if path.suffix.lower() == ".csv":
        names = _csv_header(path)
        data = pa_csv.read_csv(
            path,
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    else:
        data = pq.read_table(path)
        data = pa.table({name: _as_text(data[name]) for name in data.column_names})
    # vendor mapping (orchestration/landing/mapping): source headers and labels -> contract
    return mapped_or_raise(
        data, mapping or select_mapping(path.parent.parent), FileContext(table.name, path.name)
    )


def _csv_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = pa_csv.open_csv(
            handle, parse_options=pa_csv.ParseOptions(newlines_in_values=True)
        ).schema
    return first.names


def _load_file(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    path: Path,
    file_hash: str,
    loaded_at: datetime,
    mapping: Mapping | None = None,
) -> int:
    data = read_landing_file(path, table, mapping)
    batch = data.append_column(
        "_row_number", pa.array(range(1, data.num_rows + 1), type=pa.int64())
    )
    con.register("landing_batch", batch)
    try:
        columns = ", ".join(f'"{c}"' for c in table.columns)
        metadata = ", ".join(LOAD_METADATA_COLUMNS)
        con.execute(
            f"insert into {RAW_SCHEMA}.{table.name} ({columns}, {metadata}) "
            f"select {columns}, ?, ?, _row_number, ? from landing_batch",
            [path.name, file_hash, loaded_at],
        )
    finally:
        con.unregister("landing_batch")
    return data.num_rows


def _register(con: duckdb.DuckDBPyConnection, record: LoadedFile, loaded_at: datetime) -> None:
    con.execute(
        f"insert into {LOADED_FILES_TABLE} values (?, ?, ?, ?, ?, ?, ?)",
        [
            record.table_name,
            record.file_name,
            record.file_hash,
            record.row_count,
            loaded_at,
            record.status,
            record.duplicate_of,
        ],
    )


def ingest_landing(landing_dir: Path, warehouse_path: Path) -> IngestReport:
    """Load every landing file not loaded before; return what was done."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    report = IngestReport(rows_loaded={name: 0 for name in TABLES})
    mapping = select_mapping(landing_dir)  # vendor mapping of this landing directory
    with duckdb.connect(str(warehouse_path)) as con:
        ensure_raw_tables(con)
        for table in TABLES.values():
            known = dict(
                con.execute(
                    f"select file_name, file_hash from {LOADED_FILES_TABLE} where table_name = ?",
                    [table.name],
                ).fetchall()
            )
            for pending in pending_files(landing_dir, table, known, report):
                path, file_hash = pending.path, pending.file_hash
                loaded_at = datetime.now(UTC).replace(tzinfo=None)
                con.execute("begin transaction")
                try:
                    if pending.duplicate_of is not None:
                        record = LoadedFile(
                            table.name,
                            path.name,
                            file_hash,
                            0,
                            "duplicate_content",
                            duplicate_of=pending.duplicate_of,
                        )
                        report.files_duplicate.append(record)
                    else:
                        rows = _load_file(con, table, path, file_hash, loaded_at, mapping)
                        record = LoadedFile(table.name, path.name, file_hash, rows, "loaded")
                        report.files_loaded.append(record)
                        report.rows_loaded[table.name] += rows
                    _register(con, record, loaded_at)
                    con.execute("commit")
                except BaseException:
                    con.execute("rollback")
                    raise
    return report


def main(argv: list[str] | None = None) -> int:
    from orchestration.config import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(description="Load new landing files into raw tables.")
    parser.add_argument("--landing-dir", type=Path, default=settings.landing_dir)
    parser.add_argument("--warehouse", type=Path, default=settings.warehouse_path)
    args = parser.parse_args(argv)
    report = ingest_landing(args.landing_dir, args.warehouse)
    print(
        f"loaded {len(report.files_loaded)} files ({report.total_rows} rows), "
        f"{len(report.files_duplicate)} duplicate content, {report.files_skipped} already loaded"
    )
    for name, rows in report.rows_loaded.items():
        print(f"  {name:<14} {rows:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
