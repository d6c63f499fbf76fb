"""The JSON state files beside the warehouse (orchestration/state_files.py)."""

from __future__ import annotations

from pathlib import Path

from orchestration.state_files import read_state, write_state


def test_a_missing_damaged_or_foreign_file_is_no_state(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert read_state(path) is None
    path.write_text('{"half": ', encoding="utf-8")
    assert read_state(path) is None
    path.write_text("[1, 2]", encoding="utf-8")
    assert read_state(path) is None
    path.write_bytes(b"\xff\xfe{")
    assert read_state(path) is None


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "state.json"
    write_state(path, {"b": 1, "a": "x"})
    assert read_state(path) == {"a": "x", "b": 1}
    write_state(path, {"c": True})
    assert read_state(path) == {"c": True}
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]  # no scratch left
