"""``aftersales-refresh --full-refresh`` reaches the dbt step's resource."""

from __future__ import annotations

from pathlib import Path

import pytest

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
