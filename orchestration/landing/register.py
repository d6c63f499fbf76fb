"""The file registers in the warehouse's ``raw`` schema (DuckDB).

- ``raw._loaded_files`` (since the first version): one row per file whose rows are in raw
  (``loaded``) or whose content already was (``duplicate_content``), with ``mapping``: the
  fingerprint (``name@sha256-prefix``) of the mapping that turned it into raw (D-095); a
  name registered here is not read again. ``retract`` removes a row.
- ``raw._landing_files``: the status of every file under the landing directory as the
  latest ingest saw it (loaded, duplicate, rejected, ignored, deferred) with the reason;
  replaced by every ingest, with the mapping's warnings for the file (``warnings``) and
  the fingerprint of the mapping that read it (``mapping``). The refresh summary, the
  dry run and the gate read it.
- ``raw._retractions``: every retraction (append-only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

RAW_SCHEMA = "raw"
LOADED_FILES_TABLE = f"{RAW_SCHEMA}._loaded_files"
LANDING_FILES_TABLE = f"{RAW_SCHEMA}._landing_files"
RETRACTIONS_TABLE = f"{RAW_SCHEMA}._retractions"


def ensure_register_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create table if not exists {LOADED_FILES_TABLE} ("
        "table_name varchar not null, file_name varchar not null, file_hash varchar not null, "
        "row_count bigint not null, loaded_at timestamp not null, status varchar not null, "
        "duplicate_of varchar, primary key (table_name, file_name))"
    )
    con.execute(
        f"create table if not exists {LANDING_FILES_TABLE} ("
        "folder varchar not null, file_name varchar not null, status varchar not null, "
        "reason varchar, file_hash varchar, row_count bigint, checked_at timestamp not null)"
    )
    # added with the vendor mapping (older warehouses get the columns, empty)
    con.execute(f"alter table {LOADED_FILES_TABLE} add column if not exists mapping varchar")
    for column in ("warnings", "mapping"):
        con.execute(f"alter table {LANDING_FILES_TABLE} add column if not exists {column} varchar")
    con.execute(
        f"create table if not exists {RETRACTIONS_TABLE} ("
        "table_name varchar not null, file_name varchar not null, file_hash varchar not null, "
        "rows_removed bigint not null, retracted_at timestamp not null, note varchar)"
    )


def registered_files(
    con: duckdb.DuckDBPyConnection,
) -> dict[str, dict[str, tuple[str, str]]]:
    """table → file name → (hash, status) from ``raw._loaded_files``."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for table, name, file_hash, status in con.execute(
        f"select table_name, file_name, file_hash, status from {LOADED_FILES_TABLE}"
    ).fetchall():
        found.setdefault(table, {})[name] = (file_hash, status)
    return found


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> None:
    """One insert of ``rows`` (tuples in ``columns`` order) into ``table``, through Arrow
    (``executemany`` runs one statement per row: seconds for a few thousand files)."""
    if not rows:
        return
    data = pa.table({name: [row[i] for row in rows] for i, name in enumerate(columns)})
    con.register("register_rows", data)
    try:
        names = ", ".join(columns)
        con.execute(f"insert into {table} ({names}) select {names} from register_rows")
    finally:
        con.unregister("register_rows")


def replace_landing_snapshot(
    con: duckdb.DuckDBPyConnection,
    rows: Iterable[
        tuple[str, str, str, str | None, str | None, int | None, str | None, str | None]
    ],
    checked_at: datetime,
) -> None:
    """Replace ``raw._landing_files`` by ``(folder, file, status, reason, hash, rows,
    warnings, mapping)``."""
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {LANDING_FILES_TABLE}")
        insert_rows(
            con,
            LANDING_FILES_TABLE,
            (
                "folder",
                "file_name",
                "status",
                "reason",
                "file_hash",
                "row_count",
                "warnings",
                "mapping",
                "checked_at",
            ),
            [(*row, checked_at) for row in rows],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def landing_snapshot(
    con: duckdb.DuckDBPyConnection,
) -> list[tuple[str, str, str, str | None, str | None]]:
    """``(folder, file, status, reason, warnings)`` of the latest ingest, or [] before the
    first (``warnings``: the mapping's, `` | ``-separated, or None)."""
    try:
        return con.execute(
            f"select folder, file_name, status, reason, warnings from {LANDING_FILES_TABLE} "
            "order by folder, file_name"
        ).fetchall()
    except duckdb.CatalogException:
        return []
