"""``aftersales-dashboard``: local, offline Streamlit settings; a clear error without a file."""

from __future__ import annotations

from pathlib import Path

from orchestration.dashboard.cli import dashboard_main, streamlit_command


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_streamlit_runs_local_and_offline() -> None:
    command = streamlit_command("127.0.0.1", 8765)
    assert Path(command[command.index("run") + 1]).name == "app.py"
    assert _option(command, "--server.address") == "127.0.0.1"
    assert _option(command, "--server.port") == "8765"
    assert _option(command, "--browser.gatherUsageStats") == "false"
    assert _option(command, "--server.headless") == "true"


def test_missing_served_file_exits_with_a_hint(tmp_path, capsys) -> None:
    assert dashboard_main(["--served-file", str(tmp_path / "none.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "none.duckdb" in err and "demo.sh" in err
