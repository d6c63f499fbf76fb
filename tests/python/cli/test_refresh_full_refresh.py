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
