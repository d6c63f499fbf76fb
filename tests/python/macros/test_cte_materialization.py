"""A full build on DuckDB reads three large pass-through CTEs twice rather than
materializing them; an incremental build keeps DuckDB's default
(macros/cross_db/cte_materialization.sql, D-135)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

from build_copy import copy_build
from dbt_cli import dbt_env, run_dbt

from orchestration.config import load_settings, override

# model -> the CTE that a full build inlines
INLINED = {
    "int_punches_sequenced": "keyed",
    "int_job_shares_allocated": "jobs",
    "int_sold_hours_allocated": "tickets",
}


def _compiled(warehouse_dir: Path, base: Path, *, full_refresh: bool) -> dict[str, str]:
    """The SQL that ``dbt compile`` (a full build or an incremental one) writes for the
    models of ``INLINED``, by model."""
    settings = override(load_settings(), warehouse_dir=warehouse_dir)
    target = base / f"target_{full_refresh}"
    shutil.rmtree(target, ignore_errors=True)
    args = ["compile", "--target", "duckdb", "--select", *INLINED]
    if full_refresh:
        args.append("--full-refresh")
    completed = run_dbt(args, dbt_env(settings, target, base / "logs"))
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    return {
        model: next(target.glob(f"compiled/**/{model}.sql")).read_text(encoding="utf-8")
        for model in INLINED
    }


def _declaration(sql: str, cte: str) -> str:
    """How ``sql`` opens the CTE ``cte``: ``<cte> as [not materialized] (``."""
    found = re.search(rf"(?m)^{cte} as [a-z ]*\(", sql)
    assert found, f"no CTE {cte} in:\n{sql[:2000]}"
    return " ".join(found.group(0).split())


def test_a_full_build_inlines_the_pass_through_ctes_and_an_incremental_one_does_not(
    refreshed: SimpleNamespace, tmp_path: Path
) -> None:
    warehouse_dir = copy_build(refreshed, tmp_path / "warehouse")
    full = _compiled(warehouse_dir, tmp_path, full_refresh=True)
    incremental = _compiled(warehouse_dir, tmp_path, full_refresh=False)
    for model, cte in INLINED.items():
        assert _declaration(full[model], cte) == f"{cte} as not materialized (", model
        assert _declaration(incremental[model], cte) == f"{cte} as (", model
        # only that CTE: every other one keeps DuckDB's default
        assert full[model].count("not materialized") == 1, model
