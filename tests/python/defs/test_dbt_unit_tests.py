"""The dbt unit tests (hand-computed rows for every KPI, the labour pairing, staging).

A scheduled refresh does not run them (``orchestration.defs.assets.DBT_BUILD_ARGS``): they prove
the SQL, which changes only with the code. They run here, in CI and ``scripts/test.sh``,
against a copy of the warehouse one refresh built (dbt unit tests read the column types of
a model's parents from the warehouse).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

from dbt_cli import run_dbt


def _run_results(target: Path) -> list[dict]:
    found = []
    for path in target.rglob("run_results.json"):
        found.append(json.loads(path.read_text()))
    return found


def test_scheduled_refresh_builds_without_unit_tests(refreshed: SimpleNamespace) -> None:
    assert refreshed.exit_code == 0
    builds = [
        results
        for results in _run_results(Path(os.environ["DBT_TARGET_PATH"]))
        if (results.get("args") or {}).get("which") == "build"
    ]
    assert builds, "the refresh wrote no dbt build run_results.json"
    for results in builds:
        ids = [result["unique_id"] for result in results["results"]]
        assert any(i.startswith("model.") for i in ids)
        assert any(i.startswith("test.") for i in ids), "data tests still run in a refresh"
        assert not [i for i in ids if i.startswith("unit_test.")]


def test_every_dbt_unit_test_passes(refreshed: SimpleNamespace, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(refreshed.warehouse, warehouse)
    target = tmp_path / "target"
    env = {
        **os.environ,
        "AFTERSALES_WAREHOUSE_DIR": str(warehouse),
        "AFTERSALES_LANDING_DIR": str(refreshed.landing),
        "AFTERSALES_SERVING_DIR": str(tmp_path / "serving"),
        "AFTERSALES_TARGET": "duckdb",
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_USE_COLORS": "false",
    }
    completed = run_dbt(["test", "--select", "test_type:unit"], env)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(manifest["unit_tests"]) >= 80
    assert {r["unique_id"] for r in results} == set(manifest["unit_tests"])
    assert {r["status"] for r in results} == {"pass"}
