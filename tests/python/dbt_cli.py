"""The dbt command line from a test: the virtual environment's dbt, run in the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from orchestration.config import PROJECT_DIR, Settings


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def _command(args: Sequence[str]) -> list[str]:
    folders = ["--profiles-dir", str(PROJECT_DIR), "--project-dir", str(PROJECT_DIR)]
    return [dbt_executable(), *args, *folders]


def dbt_env(settings: Settings, target: Path, logs: Path) -> dict[str, str]:
    """The environment of a dbt run from a test: this process's, with ``settings``' dbt
    variables (its warehouse), artifacts under ``target``, logs under ``logs``, no
    colours."""
    return {
        **os.environ,
        **settings.dbt_env(),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(logs),
        "DBT_USE_COLORS": "false",
    }


def run_dbt(args: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``dbt <args>`` on the project (its profiles and project directory), output captured;
    the caller checks the return code."""
    return subprocess.run(
        _command(args),
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )


def start_dbt(args: Sequence[str], env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``dbt <args>`` started in the background, its output (stdout and stderr) to ``log``;
    the caller waits for it and checks the return code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        return subprocess.Popen(
            _command(args), cwd=PROJECT_DIR, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        )


# the labour models' five invariants (D-131) and the sold hours' relationship to the work
# orders (D-141): a test that loses its tag would run in every refresh again
INVARIANT_TEST_COUNT = 6


def invariant_tests(target: Path) -> set[str]:
    """The data tests tagged ``invariant`` (D-131) in the manifest under ``target``."""
    from orchestration.defs.dbt.assets import INVARIANT_TAG

    manifest = json.loads((target / "manifest.json").read_text())
    return {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if INVARIANT_TAG in node.get("tags", [])
    }


def invariant_results(target: Path) -> dict[str, str]:
    """The status of each invariant test (:func:`invariant_tests`) in the last dbt run
    whose artifacts are under ``target`` (``missing`` when that run did not run it)."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    status = {r["unique_id"]: r["status"] for r in results}
    return {unique_id: status.get(unique_id, "missing") for unique_id in invariant_tests(target)}
