"""The dbt command line from a test: the virtual environment's dbt, run in the project."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from orchestration.config import PROJECT_DIR


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: Sequence[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``dbt <args>`` on the project (its profiles and project directory), output captured;
    the caller checks the return code."""
    folders = ["--profiles-dir", str(PROJECT_DIR), "--project-dir", str(PROJECT_DIR)]
    return subprocess.run(
        [dbt_executable(), *args, *folders],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
