"""The file steps of a publish: the served file is copied while the build is hashed
(D-126); a file this process has open is seen (D-143)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.serving.files import copying, open_in_this_process


def test_the_copy_is_whole_when_the_block_ends(tmp_path: Path) -> None:
    source = tmp_path / "served.duckdb"
    source.write_bytes(bytes(range(256)) * 40_000)
    target = tmp_path / "copy.tmp"
    with copying(source, target):
        pass
    assert target.read_bytes() == source.read_bytes()


def test_an_error_of_the_block_wins_and_the_copy_is_waited_for(tmp_path: Path) -> None:
    source = tmp_path / "served.duckdb"
    source.write_bytes(b"x" * 1_000_000)
    target = tmp_path / "copy.tmp"
    with pytest.raises(ValueError, match="hashing failed"), copying(source, target):
        raise ValueError("hashing failed")
    # the copy finished before the error left: the caller can remove the file
    assert target.stat().st_size == 1_000_000


def test_a_failed_copy_is_raised_when_the_block_ends(tmp_path: Path) -> None:
    ran = []
    with pytest.raises(FileNotFoundError), copying(tmp_path / "gone.duckdb", tmp_path / "c.tmp"):
        ran.append(True)
    assert ran == [True]
    assert not (tmp_path / "c.tmp").exists()


def test_a_file_open_in_this_process_is_seen_under_any_name(tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    path.write_bytes(b"x")
    other = tmp_path / "second-name.duckdb"
    other.hardlink_to(path)
    assert not open_in_this_process(path)
    with other.open("rb"):
        assert open_in_this_process(path)
    assert not open_in_this_process(path)
    assert not open_in_this_process(tmp_path / "missing.duckdb")
