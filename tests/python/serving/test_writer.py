"""The served file's comments are the dbt descriptions, and only changed ones are written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.serving.selection import ServedColumn, ServedTable
from orchestration.serving.writer import comment_table

ORDERS = ServedTable(
    "marts",
    "fct_work_orders",
    "Work orders.",
    (ServedColumn("id", "The work order."), ServedColumn("status", "Its status.")),
)


def comments(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """The comment on marts.fct_work_orders (key "") and on each of its columns."""
    (table,) = con.execute(
        "select comment from duckdb_tables() where table_name = 'fct_work_orders'"
    ).fetchone()
    columns = con.execute(
        "select column_name, comment from duckdb_columns() "
        "where table_name = 'fct_work_orders' order by column_index"
    ).fetchall()
    return {"": table, **dict(columns)}


def served_copy(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection with a served file attached as ``served``, holding a table of three
    columns (``hours`` undocumented)."""
    con = duckdb.connect()
    con.execute(f"attach '{path}' as served")
    con.execute("create schema served.marts")
    con.execute(
        "create table served.marts.fct_work_orders as "
        "select range as id, 'open' as status, range * 2 as hours from range(10)"
    )
    return con


def test_a_new_table_gets_every_description_and_an_undocumented_column_none(
    tmp_path: Path,
) -> None:
    con = served_copy(tmp_path / "served.duckdb")
    assert comment_table(con, "served", ORDERS) == 3
    assert comments(con) == {
        "": "Work orders.",
        "id": "The work order.",
        "status": "Its status.",
        "hours": None,
    }


def test_comments_already_there_are_not_written_again(tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    con = served_copy(path)
    comment_table(con, "served", ORDERS)
    con.execute("detach served")
    con.execute(f"attach '{path}' as served")
    # an updated copy holds the comments of the file it was copied from: nothing to write
    assert comment_table(con, "served", ORDERS) == 0
    assert comments(con)["status"] == "Its status."


def test_a_changed_or_removed_description_changes_only_that_comment(tmp_path: Path) -> None:
    con = served_copy(tmp_path / "served.duckdb")
    comment_table(con, "served", ORDERS)
    changed = ServedTable(
        "marts",
        "fct_work_orders",
        "Work orders.",
        (ServedColumn("id", "The work order's id."), ServedColumn("status", "")),
    )
    assert comment_table(con, "served", changed) == 2
    assert comments(con) == {
        "": "Work orders.",
        "id": "The work order's id.",
        "status": None,  # its description went: so did the comment
        "hours": None,
    }


def test_a_refused_comment_is_raised_and_the_connection_stays_usable(tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    con = served_copy(path)
    comment_table(con, "served", ORDERS)
    con.execute("detach served")
    con.execute(f"attach '{path}' as served (read_only)")  # refuses every write
    changed = ServedTable("marts", "fct_work_orders", "Orders.", ORDERS.columns)
    with pytest.raises(duckdb.Error):
        comment_table(con, "served", changed)
    assert comments(con)[""] == "Work orders."
    # the failed transaction was rolled back: the connection runs the next statement
    assert con.execute("select count(*) from served.marts.fct_work_orders").fetchone() == (10,)
