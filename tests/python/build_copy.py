"""A writable copy of the ``refreshed`` fixture's build warehouse, for tests that change
it (the fixture itself is shared: read-only)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb

WAREHOUSE_FILE = "aftersales.duckdb"


def copy_build(refreshed: SimpleNamespace, directory: Path) -> Path:
    """``directory`` (created) holding a copy of the refreshed build warehouse."""
    directory.mkdir(parents=True)
    shutil.copy2(refreshed.warehouse / WAREHOUSE_FILE, directory / WAREHOUSE_FILE)
    return directory


def read_only(directory: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(directory / WAREHOUSE_FILE), read_only=True)


def execute(directory: Path, sql: str) -> None:
    with duckdb.connect(str(directory / WAREHOUSE_FILE)) as con:
        con.execute(sql)


def count(directory: Path, relation: str) -> int:
    with read_only(directory) as con:
        return int(con.execute(f"select count(*) from {relation}").fetchone()[0])
