"""When the refresh's dbt build may be incremental (orchestration/defs/dbt/incremental.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.config import PROJECT_DIR, load_settings, override
from orchestration.defs.dbt.assets import dbt_build_args
from orchestration.defs.dbt.incremental import (
    FULL_REFRESH_THREADS_ENV,
    full_refresh_reason,
    mark_finished,
    mark_started,
    project_fingerprint,
    state_path,
)


def _settings(tmp_path: Path):
    return override(load_settings(), warehouse_dir=tmp_path / "warehouse")


def test_a_new_warehouse_gets_a_full_refresh(tmp_path: Path) -> None:
    reason = full_refresh_reason(_settings(tmp_path))
    assert reason is not None and "no incremental state" in reason


def test_after_a_finished_build_the_next_is_incremental(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    mark_started(settings, full_refresh=True)
    mark_finished(settings)
    assert full_refresh_reason(settings) is None
    assert "requested" in full_refresh_reason(settings, requested=True)


def test_a_build_that_did_not_finish_makes_the_next_full(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    mark_started(settings, full_refresh=False)
    assert "did not finish" in full_refresh_reason(settings)


def test_a_changed_project_makes_the_next_full(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for name in ("dbt_project.yml", "models", "macros", "seeds"):
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            project.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    settings = _settings(tmp_path)
    mark_started(settings, full_refresh=True, project_dir=project)
    mark_finished(settings)
    assert full_refresh_reason(settings, project_dir=project) is None
    before = project_fingerprint(project)
    (project / "models" / "_overview.md").write_text("changed\n")
    assert project_fingerprint(project) != before
    assert "project changed" in full_refresh_reason(settings, project_dir=project)


def test_a_build_of_a_selection_makes_the_next_full(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    mark_started(settings, full_refresh=False)
    mark_finished(settings, selection=True)
    assert "selection of the models" in (full_refresh_reason(settings) or "")
    mark_started(settings, full_refresh=True)
    mark_finished(settings)
    assert full_refresh_reason(settings) is None


def test_a_damaged_state_file_makes_the_next_full(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    state_path(settings).parent.mkdir(parents=True)
    state_path(settings).write_text("{not json")
    assert full_refresh_reason(settings) is not None


def test_the_full_refresh_flag_reaches_dbt() -> None:
    assert dbt_build_args("duckdb", full_refresh=True)[-1] == "--full-refresh"
    assert "--full-refresh" not in dbt_build_args("spark", full_refresh=False)
    assert dbt_build_args("spark", full_refresh=False)[-2:] == ["--target", "spark"]


def test_a_duckdb_full_refresh_builds_one_node_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FULL_REFRESH_THREADS_ENV, raising=False)
    full = dbt_build_args("duckdb", full_refresh=True)
    assert full[full.index("--threads") + 1] == "1"
    # an incremental build keeps the profile's threads, and Spark its own in both
    assert "--threads" not in dbt_build_args("duckdb", full_refresh=False)
    assert "--threads" not in dbt_build_args("spark", full_refresh=True)
    monkeypatch.setenv(FULL_REFRESH_THREADS_ENV, "3")
    full = dbt_build_args("duckdb", full_refresh=True)
    assert full[full.index("--threads") + 1] == "3"


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_full_refresh_thread_count_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(FULL_REFRESH_THREADS_ENV, value)
    with pytest.raises(ValueError, match=f"{FULL_REFRESH_THREADS_ENV}='{value}'"):
        dbt_build_args("duckdb", full_refresh=True)
