"""The served file opens in DuckDB 1.4, the series BI clients embed (not only in 2.0).

One environment holds one duckdb, so the 1.4 reader is installed with ``pip install
--target`` into a git-ignored cache directory (``.cache/duckdb-<version>/``, installed
once, re-used) and runs in its own interpreter with ``-S`` (no site-packages of the venv)
and only that directory on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.config import PROJECT_DIR
from orchestration.serving.publish import publish
from orchestration.serving.selection import ServedColumn, ServedTable
from orchestration.serving.writer import OLDEST_READER

READER_VERSION = "1.4.5"  # the latest 1.4.x on PyPI (pip index versions duckdb)
CACHE = PROJECT_DIR / ".cache" / f"duckdb-{READER_VERSION}"

READ = """
import json, sys
import duckdb
assert duckdb.__version__ == sys.argv[2], duckdb.__version__
con = duckdb.connect(sys.argv[1], read_only=True)
rows, codes = con.execute(
    "select count(*), count(distinct kpi_code) from marts.kpi_values where grain = 'month'"
).fetchone()
table = con.execute(
    "select comment from duckdb_tables() where table_name = 'kpi_values'"
).fetchone()[0]
column = con.execute(
    "select comment from duckdb_columns() where table_name = 'kpi_values' "
    "and column_name = 'is_period_complete'"
).fetchone()[0]
build = con.execute("select build_id from ops.build_info").fetchone()[0]
print(json.dumps({"file": duckdb.__file__, "rows": rows, "codes": codes,
                  "table": table, "column": column, "build": build}))
"""


def old_duckdb() -> Path:
    """``duckdb==READER_VERSION`` installed in :data:`CACHE` (once)."""
    if (CACHE / "duckdb").is_dir():
        return CACHE
    partial = CACHE.with_name(f"{CACHE.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--target",
            str(partial),
            f"duckdb=={READER_VERSION}",
        ],
        check=True,
        timeout=900,
    )
    try:
        partial.rename(CACHE)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(partial, ignore_errors=True)
    return CACHE


def run_old_reader(path: Path, script: str = READ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-S", "-c", script, str(path), READER_VERSION],
        env={"PYTHONPATH": str(old_duckdb()), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_duckdb_1_4_reads_the_published_file(refreshed: SimpleNamespace) -> None:
    assert READER_VERSION.startswith(OLDEST_READER.rsplit(".", 1)[0])
    served = refreshed.serving / "aftersales.duckdb"
    result = run_old_reader(served)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report["file"]).is_relative_to(CACHE)  # the 1.4 reader, not the venv's
    assert report["rows"] > 0 and report["codes"] >= 40
    assert report["table"] and report["column"].startswith("False for the period")
    with duckdb.connect(str(served), read_only=True) as con:
        assert report["build"] == con.execute("select build_id from ops.build_info").fetchone()[0]


def test_duckdb_1_4_refuses_the_default_storage_format(tmp_path: Path) -> None:
    """The check can fail: a file in this duckdb's default format is not readable by 1.4."""
    if duckdb.__version__.startswith("1.4"):
        pytest.skip("the venv's duckdb is 1.4 itself")
    path = tmp_path / "default.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.kpi_values as select 'x' as kpi_code, 'month' as grain")
    result = run_old_reader(path)
    assert result.returncode != 0
    assert "version" in result.stderr.lower()


READ_UPDATED = """
import json, sys
import duckdb
assert duckdb.__version__ == sys.argv[2], duckdb.__version__
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps(con.execute(
    "select count(*), count(*) filter (where n >= 1000), "
    "(select comment from duckdb_tables() where table_name = 'kpi_values') "
    "from marts.kpi_values"
).fetchone()))
"""


def test_duckdb_1_4_reads_a_file_the_publish_updated(tmp_path: Path) -> None:
    """A served file updated row by row (D-101) keeps the format 1.4 reads."""
    table = ServedTable("marts", "kpi_values", "The KPIs.", (ServedColumn("n", "A number."),))
    warehouse = tmp_path / "wh.duckdb"
    for rows in (1000, 1100):
        with duckdb.connect(str(warehouse)) as con:
            con.execute("create schema if not exists marts")
            con.execute(f"create or replace table marts.kpi_values as from range({rows}) t(n)")
        result = publish(warehouse, tmp_path / "serving", tables=(table,), export_parquet=False)
    assert result.updated["tables"]["marts.kpi_values"]["action"] == "updated"
    read = run_old_reader(tmp_path / "serving" / "aftersales.duckdb", READ_UPDATED)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == [1100, 100, "The KPIs."]
