"""The dbt command line from a test: the virtual environment's dbt, run in the project."""

from __future__ import annotations

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
