"""The dbt unit tests (hand-computed rows for every KPI, the labour pairing, staging), and
the data tests tagged ``invariant`` (the labour models' invariants, D-131).

A scheduled refresh runs neither (``orchestration.defs.dbt.assets.DBT_BUILD_ARGS``): they
prove the SQL, which changes only with the code. They run here, in CI and
``scripts/test.sh``, against a copy of the warehouse one refresh built (dbt unit tests read
the column types of a model's parents from the warehouse).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

from dbt_cli import INVARIANT_TEST_COUNT, invariant_results, invariant_tests, run_dbt


def _run_results(target: Path) -> list[dict]:
    found = []
    for path in target.rglob("run_results.json"):
        found.append(json.loads(path.read_text()))
    return found


def _env_on_a_copy(refreshed: SimpleNamespace, tmp_path: Path) -> dict[str, str]:
    """dbt's environment on a copy of the refreshed warehouse, artifacts under ``tmp_path``
    (``target``, ``logs``)."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(refreshed.warehouse, warehouse)
    return {
        **os.environ,
        "AFTERSALES_WAREHOUSE_DIR": str(warehouse),
        "AFTERSALES_LANDING_DIR": str(refreshed.landing),
        "AFTERSALES_SERVING_DIR": str(tmp_path / "serving"),
        "AFTERSALES_TARGET": "duckdb",
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_USE_COLORS": "false",
    }


def test_scheduled_refresh_builds_without_unit_or_invariant_tests(
    refreshed: SimpleNamespace,
) -> None:
    assert refreshed.exit_code == 0
    builds = [
        results
        for results in _run_results(Path(os.environ["DBT_TARGET_PATH"]))
        if (results.get("args") or {}).get("which") == "build"
    ]
    assert builds, "the refresh wrote no dbt build run_results.json"
    # from the refresh's manifest (its run results are in a folder per build)
    invariants = invariant_tests(Path(os.environ["DBT_TARGET_PATH"]))
    assert invariants
    for results in builds:
        ids = [result["unique_id"] for result in results["results"]]
        assert any(i.startswith("model.") for i in ids)
        assert any(i.startswith("test.") for i in ids), "data tests still run in a refresh"
        assert not [i for i in ids if i.startswith("unit_test.")]
        assert not set(ids) & invariants


def test_every_invariant_test_passes_on_every_row(
    refreshed: SimpleNamespace, tmp_path: Path
) -> None:
    """The labour models' invariants (D-131), which a refresh leaves out, hold on every
    row of the warehouse the end-to-end refresh built."""
    target = tmp_path / "target"
    env = _env_on_a_copy(refreshed, tmp_path)
    completed = run_dbt(["test", "--select", "tag:invariant"], env)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    invariants = invariant_results(target)
    assert len(invariants) == INVARIANT_TEST_COUNT, invariants
    assert set(invariants.values()) == {"pass"}, invariants


def test_every_dbt_unit_test_passes(refreshed: SimpleNamespace, tmp_path: Path) -> None:
    target = tmp_path / "target"
    env = _env_on_a_copy(refreshed, tmp_path)
    completed = run_dbt(["test", "--select", "test_type:unit"], env)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(manifest["unit_tests"]) >= 80
    assert {r["unique_id"] for r in results} == set(manifest["unit_tests"])
    assert {r["status"] for r in results} == {"pass"}
