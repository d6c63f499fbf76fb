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


def test_the_refresh_says_which_days_its_build_recomputed(tmp_path: Path) -> None:
    """After a successful refresh: int_builds_scoped's newest row in words; a read that
    fails is said, not raised (the refresh has succeeded)."""
    import contextlib

    import duckdb

    path = tmp_path / "aftersales.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_builds_scoped as select "
            "timestamp '2026-01-02 02:00' as built_at, timestamp '2025-12-31 23:00' as as_of, "
            "date '2025-12-29' as recompute_from, date '2025-12-29' as assets_recompute_from, "
            "'changed days' as recompute_reason"
        )

    class _Engine:
        def __init__(self, path: Path) -> None:
            self.path = path

        @contextlib.contextmanager
        def read_build(self):
            if not self.path.is_file():
                raise FileNotFoundError(f"no build warehouse at {self.path}")
            with duckdb.connect(str(self.path), read_only=True) as con:
                yield con

    assert refresh._build_scope_line(_Engine(path)) == (
        "dbt build: KPI days recomputed from 2025-12-29 (3 days to the as-of date "
        "2025-12-31; changed days)"
    )
    missing = refresh._build_scope_line(_Engine(tmp_path / "none.duckdb"))
    assert missing.startswith("dbt build: could not read what it recomputed")
    assert "no build warehouse at" in missing
