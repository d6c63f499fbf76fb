"""The README's "How to connect" recipes run as written against a published file.

Each recipe is the fenced ``python`` block after a ``<!-- recipe: NAME -->`` line in
README.md. It runs in a fresh interpreter (the project's venv) in a directory where
``data/serving`` is the session's refreshed serving directory, so the README's relative
path is the one used.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.config import PROJECT_DIR

RECIPE = re.compile(r"<!-- recipe: ([\w-]+) -->\s*```python\n(.*?)```", re.DOTALL)


def recipes() -> dict[str, str]:
    return dict(RECIPE.findall((PROJECT_DIR / "README.md").read_text(encoding="utf-8")))


def run_recipe(name: str, refreshed: SimpleNamespace, tmp_path: Path) -> str:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "serving").symlink_to(refreshed.serving)
    result = subprocess.run(
        [sys.executable, "-c", recipes()[name]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_readme_has_the_recipes() -> None:
    assert set(recipes()) == {"duckdb-python", "sqlalchemy", "parquet"}


def test_duckdb_python_recipe(refreshed: SimpleNamespace, tmp_path: Path) -> None:
    out = run_recipe("duckdb-python", refreshed, tmp_path)
    assert "build_id" in out
    for code in ("labor_efficiency", "open_rate", "parts_fill_rate", "revisit_rate"):
        assert code in out


def test_sqlalchemy_duckdb_engine_recipe(refreshed: SimpleNamespace, tmp_path: Path) -> None:
    pytest.importorskip("duckdb_engine", reason="the bi extra is not installed")
    out = run_recipe("sqlalchemy", refreshed, tmp_path)
    listed = out.splitlines()[0]
    assert "'kpi_values'" in listed and "'dim_kpis'" in listed
    assert "'fct_kpi_daily'" not in listed  # the semantic layer's tables are not served
    assert "('appointment_rate', '预约率'" in out


def test_parquet_recipe(refreshed: SimpleNamespace, tmp_path: Path) -> None:
    """The Parquet folders read as tables (D-109): the same kpi_values rows as the file."""
    out = run_recipe("parquet", refreshed, tmp_path).splitlines()
    with duckdb.connect(str(refreshed.serving / "aftersales.duckdb"), read_only=True) as con:
        per_code = con.execute(
            "select kpi_code, count(*) as n from marts.kpi_values group by kpi_code "
            "order by kpi_code"
        ).fetchall()
        (build_id,) = con.execute("select build_id from ops.build_info").fetchone()
    assert out[0] == str(per_code)
    assert out[1] == f"{sum(n for _, n in per_code)} rows"
    assert build_id in out[2]
