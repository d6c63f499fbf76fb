"""Fixtures of the dashboard tests: the served file of the session's ``refreshed`` run
(tests/python/conftest.py: 3 branches, 75 days from 2025-02-01), opened read-only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="session")
def served_file(refreshed) -> Path:
    assert refreshed.exit_code == 0, "the session's refresh failed; see test_refresh_job"
    path = refreshed.serving / "aftersales.duckdb"
    assert path.is_file()
    return path


@pytest.fixture(scope="session")
def kpi_values(served_file: Path):
    """All non-day rows of marts.kpi_values, read independently of the dashboard code."""
    with duckdb.connect(str(served_file), read_only=True) as con:
        return con.execute(
            "select kpi_code, grain, period_start, branch_code, numerator, denominator, value, "
            "target, comparator, meets_target, is_period_complete "
            "from marts.kpi_values where grain <> 'day'"
        ).df()
