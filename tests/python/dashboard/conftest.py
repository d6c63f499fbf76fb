"""Fixtures of the dashboard tests: the served file of the session's ``refreshed`` run
(tests/python/conftest.py: 3 branches, 75 days from 2025-02-01), opened read-only.

``AFTERSALES_DASHBOARD_TEST_SERVED_FILE`` points the tests at an existing served file
instead (a developer's shortcut past the refresh; CI never sets it)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="session")
def served_file(request: pytest.FixtureRequest) -> Path:
    explicit = os.environ.get("AFTERSALES_DASHBOARD_TEST_SERVED_FILE")
    if explicit:
        return Path(explicit)
    refreshed = request.getfixturevalue("refreshed")
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
