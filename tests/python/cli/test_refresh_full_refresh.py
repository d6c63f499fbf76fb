"""``aftersales-refresh --full-refresh`` reaches the dbt step's resource."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from build_scope_fakes import BuildReader, scope_table

from orchestration.cli import refresh
from orchestration.config import load_settings, override


class _Stop(Exception):
    pass


def test_the_flag_is_parsed() -> None:
    assert refresh.parse_args(["--full-refresh"]).full_refresh is True
    assert refresh.parse_args([]).full_refresh is False


@pytest.mark.parametrize("flag", [True, False])
def test_run_refresh_hands_the_flag_to_the_resource(
    flag: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = {}

    def build_definitions(*, aftersales, loggers):
        seen["full_refresh"] = aftersales.full_refresh
        raise _Stop

    import orchestration.definitions as definitions

    monkeypatch.setattr(definitions, "build_definitions", build_definitions)
    settings = override(load_settings(), warehouse_dir=tmp_path / "warehouse")
    with pytest.raises(_Stop):
        refresh.run_refresh(settings, publish=False, full_refresh=flag)
    assert seen == {"full_refresh": flag}


def test_the_refresh_says_whether_dbt_builds_incrementally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.defs.dbt.incremental import mark_finished, mark_started

    settings = override(load_settings(), warehouse_dir=tmp_path / "warehouse")
    monkeypatch.setattr(refresh, "_prepare", lambda settings: False)  # stop after the header

    class _Engine:
        name = "duckdb"

    engine = _Engine()
    engine.settings = settings
    assert refresh.refresh(engine, refresh.parse_args([])) == 1
    assert "dbt build full refresh: no incremental state" in capsys.readouterr().out
    mark_started(settings, full_refresh=True)
    mark_finished(settings)
    refresh.refresh(engine, refresh.parse_args([]))
    assert "dbt build incremental" in capsys.readouterr().out
    refresh.refresh(engine, refresh.parse_args(["--full-refresh"]))
    assert "dbt build full refresh: requested" in capsys.readouterr().out


def test_the_refresh_says_which_days_its_build_recomputed() -> None:
    """After a successful refresh: int_builds_scoped's newest row in words; a read that
    fails is said, not raised (the refresh has succeeded)."""
    row = (
        datetime(2026, 1, 2, 2),
        datetime(2025, 12, 31, 23),
        date(2025, 12, 29),
        date(2025, 12, 29),
        "changed days",
    )
    with scope_table([row]) as con:
        line = refresh._build_scope_line(BuildReader(con))  # type: ignore[arg-type]
    assert line == (
        "dbt build: KPI days recomputed from 2025-12-29 (3 days to the as-of date "
        "2025-12-31; changed days)"
    )
    missing = refresh._build_scope_line(
        BuildReader(error=FileNotFoundError("no build warehouse at /nowhere"))  # type: ignore[arg-type]
    )
    assert missing.startswith("dbt build: could not read what it recomputed")
    assert "no build warehouse at" in missing
