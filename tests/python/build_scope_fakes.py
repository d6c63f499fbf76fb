"""An ``int_builds_scoped`` table of chosen rows and an engine that reads it, for the
tests of what a build recomputed (``orchestration/defs/dbt/build_scope.py``) and of its
callers (the Dagster step, ``aftersales-refresh``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import duckdb


def scope_table(rows: Sequence[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse whose ``intermediate.int_builds_scoped`` holds ``rows``
    (built_at, as_of, recompute_from, assets_recompute_from, recompute_reason)."""
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_builds_scoped (built_at timestamp, as_of timestamp, "
        "recompute_from date, assets_recompute_from date, recompute_reason varchar, "
        "open_outcomes_from date)"
    )
    for row in rows:
        con.execute(
            "insert into intermediate.int_builds_scoped values (?, ?, ?, ?, ?, null)", list(row)
        )
    return con


class BuildReader:
    """The part of an engine that the build scope is read through: ``read_build()``
    yields ``con``, or raises ``error`` (no build warehouse)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection | None = None, error: Exception | None = None
    ) -> None:
        self.con = con
        self.error = error

    @contextlib.contextmanager
    def read_build(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.con is None:
            raise self.error or RuntimeError("no build warehouse")
        yield self.con
