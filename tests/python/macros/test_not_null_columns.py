"""The ``not_null_columns`` generic test (macros/tests/not_null_columns.sql): it passes on
the refreshed build and fails, naming the column, when one of its columns holds a null."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
from build_copy import copy_build, execute, read_only
from dbt_cli import dbt_env, run_dbt

from orchestration.config import load_settings, override

TEST = "fct_labour_technician_days_not_null_columns"


def _dbt_test(warehouse_dir: Path, base: Path) -> tuple[int, str]:
    settings = override(load_settings(), warehouse_dir=warehouse_dir)
    env = dbt_env(settings, base / "target", base / "logs")
    args = ["test", "--target", "duckdb", "--select", TEST, "--store-failures"]
    completed = run_dbt(args, env)
    return completed.returncode, completed.stdout + completed.stderr


def test_not_null_columns_fails_on_a_null_and_names_the_column(
    refreshed: SimpleNamespace, tmp_path: Path
) -> None:
    warehouse_dir = copy_build(refreshed, tmp_path / "warehouse")
    code, output = _dbt_test(warehouse_dir, tmp_path)
    assert code == 0, output[-3000:]
    assert "PASS=1" in output, output[-3000:]

    execute(
        warehouse_dir,
        "update marts.fct_labour_technician_days set job_share_hours = null "
        "where rowid in (select rowid from marts.fct_labour_technician_days limit 3)",
    )
    code, output = _dbt_test(warehouse_dir, tmp_path)
    assert code == 1, output[-3000:]
    assert "FAIL 1" in output and TEST in output, output[-3000:]
    with read_only(warehouse_dir) as con:
        failures = con.execute(
            f"select column_name, null_rows from {_failures_table(con)}"
        ).fetchall()
    assert failures == [("job_share_hours", 3)]


def _failures_table(con: duckdb.DuckDBPyConnection) -> str:
    """Where ``--store-failures`` kept the failing rows of the test."""
    schema, table = con.execute(
        "select schema_name, table_name from duckdb_tables() where table_name = ?", [TEST]
    ).fetchone()
    return f"{schema}.{table}"
