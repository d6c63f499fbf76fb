"""Write the served DuckDB file: the selected tables of the build warehouse, commented.

The file is built deliberately, not copied: a new database is attached with
``STORAGE_VERSION`` :data:`SERVED_STORAGE_VERSION`, so that the DuckDB builds embedded in
BI clients (1.4 and later; DuckDB 2.0 writes storage version 69 by default, which 1.x
refuses) can open it, and only the tables of :mod:`orchestration.serving.selection` are
copied into it, each with its dbt description as a ``COMMENT ON TABLE`` / ``COMMENT ON
COLUMN``. Nothing else of the warehouse (raw, staging, intermediate, config) goes out,
and a table with a personal-data column is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from orchestration.engines.duckdb.connection import limit_memory, release_buffers, sql_text
from orchestration.serving.files import fsync_file
from orchestration.serving.personal_data import personal_columns
from orchestration.serving.selection import ServedTable

SERVED_STORAGE_VERSION = "v1.4.0"
OLDEST_READER = "1.4.0"  # the oldest DuckDB release that opens the served file
SOURCE = "warehouse"  # the names the build and the new served file are attached under
TARGET = "served"


class ServedFileError(RuntimeError):
    """The served file could not be written from the warehouse."""


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qualified(database: str, table: ServedTable) -> str:
    """``table``'s quoted name in the attached ``database``."""
    return f"{ident(database)}.{ident(table.schema)}.{ident(table.name)}"


def column_types(
    con: duckdb.DuckDBPyConnection, database: str, table: ServedTable
) -> list[tuple[str, str]]:
    """``table``'s columns in ``database`` with their types, in order (none: no table)."""
    return con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? order by column_index",
        [database, table.schema, table.name],
    ).fetchall()


def _columns(con: duckdb.DuckDBPyConnection, database: str, table: ServedTable) -> list[str]:
    return [column for column, _ in column_types(con, database, table)]


def _comments(
    con: duckdb.DuckDBPyConnection, database: str, table: ServedTable
) -> tuple[str | None, dict[str, str | None]]:
    """The comment on ``table`` in ``database`` and on each of its columns, in order."""
    row = con.execute(
        "select comment from duckdb_tables() where database_name = ? and schema_name = ? "
        "and table_name = ?",
        [database, table.schema, table.name],
    ).fetchone()
    columns = con.execute(
        "select column_name, comment from duckdb_columns() where database_name = ? "
        "and schema_name = ? and table_name = ? order by column_index",
        [database, table.schema, table.name],
    ).fetchall()
    return (row[0] if row else None), dict(columns)


def comment_table(con: duckdb.DuckDBPyConnection, database: str, table: ServedTable) -> int:
    """Make the comments on ``table`` and its columns in ``database`` its descriptions
    (none where it has none); return how many comments changed. Only the comments that
    differ are written, in one transaction: an updated copy already holds the unchanged
    tables' comments, and every auto-committed statement on the attached file would be a
    commit of its own (D-139)."""
    name = qualified(database, table)
    on_table, on_columns = _comments(con, database, table)
    commented = [(f"table {name}", table.description, on_table)] + [
        (f"column {name}.{ident(column)}", table.column_description(column), current)
        for column, current in on_columns.items()
    ]
    statements = [
        f"comment on {target} is {_comment_text(description)}"
        for target, description, current in commented
        if (description or None) != current  # an empty description: no comment
    ]
    if statements:
        con.execute("begin transaction")
        try:
            for statement in statements:
                con.execute(statement)
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
    return len(statements)


def _comment_text(description: str) -> str:
    """The SQL of a comment: the description as a literal, or null to remove one."""
    return sql_text(description) if description else "null"


def check_servable(table: ServedTable, columns: Sequence[str]) -> None:
    """Raise :class:`ServedFileError` unless ``table`` (with ``columns`` in the build) can
    be served: it exists, has the column its parts are declared by, and has no
    personal-data column."""
    if not columns:
        raise ServedFileError(
            f"{table.qualified} is declared served (meta.served in dbt_project.yml) but is "
            "not in the build warehouse: run `dbt build` (or remove the declaration)"
        )
    if table.parts_by and table.parts_by.lower() not in {c.lower() for c in columns}:
        raise ServedFileError(
            f"{table.qualified} declares meta.served_parts_by = {table.parts_by}, a column it "
            "does not have: name one of its date or timestamp columns (docs/decisions.md, "
            "D-108), or remove the declaration"
        )
    if personal := personal_columns(columns):
        raise ServedFileError(
            f"{table.qualified} has personal-data column(s) {', '.join(personal)}: drop them "
            "in the model or do not serve it (docs/decisions.md, D-045)"
        )


def copy_whole(con: duckdb.DuckDBPyConnection, table: ServedTable) -> None:
    """Write ``table`` of the build into the served file whole, replacing any table of
    that name there."""
    con.execute(f"create schema if not exists {ident(TARGET)}.{ident(table.schema)}")
    con.execute(f"drop table if exists {qualified(TARGET, table)}")
    con.execute(
        f"create table {qualified(TARGET, table)} as select * from {qualified(SOURCE, table)}"
    )


def _copy_table(con: duckdb.DuckDBPyConnection, table: ServedTable) -> None:
    check_servable(table, _columns(con, SOURCE, table))
    copy_whole(con, table)
    comment_table(con, TARGET, table)


def write_served_file(warehouse: Path, target: Path, tables: Sequence[ServedTable]) -> int:
    """Create ``target`` (which must not exist) holding ``tables`` of ``warehouse``, read
    read-only; fsync it and return its size in bytes."""
    if target.exists():
        raise ServedFileError(f"{target} exists already")
    con = duckdb.connect()
    try:
        limit_memory(con)  # at 10 M work orders the copy grew to 8.3 GiB without it
        con.execute("set enable_progress_bar = false")
        con.execute(f"attach {sql_text(str(warehouse))} as {SOURCE} (read_only)")
        con.execute(
            f"attach {sql_text(str(target))} as {TARGET} "
            f"(storage_version {sql_text(SERVED_STORAGE_VERSION)})"
        )
        for table in tables:
            _copy_table(con, table)
            # the blocks just written stay cached up to the memory limit, and the next
            # tables' copies then evicted them as they went (D-138)
            release_buffers(con)
        con.execute(f"detach {TARGET}")
    except duckdb.Error as error:
        raise ServedFileError(f"cannot write {target} from {warehouse}: {error}") from error
    finally:
        con.close()
    fsync_file(target)
    return target.stat().st_size
