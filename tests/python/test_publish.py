"""Publishing swaps the served file atomically and keeps the previous version."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration import publish as publish_module
from orchestration.publish import PREVIOUS_FILE_NAME, PublishError, publish, rollback

SERVED_NAME = "aftersales.duckdb"


def make_warehouse(path: Path, rows: int, label: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.kpi_values as "
            "select 'open_rate' as kpi_code, ? as label, range as n from range(?)",
            [label, rows],
        )
    return path


def served_state(path: Path) -> tuple[int, set[str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        count, labels = con.execute(
            "select count(*), list(distinct label) from marts.kpi_values"
        ).fetchone()
    return count, set(labels)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_first_publish_serves_a_complete_copy(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 1000, "v1")
    serving = tmp_path / "serving"

    result = publish(warehouse, serving)

    assert result.served_path == serving / SERVED_NAME
    assert result.previous_path is None
    assert result.kpi_value_rows == 1000
    assert result.bytes_copied == warehouse.stat().st_size
    assert served_state(serving / SERVED_NAME) == (1000, {"v1"})
    assert not (serving / PREVIOUS_FILE_NAME).exists()
    assert leftovers(serving) == []


def test_republish_replaces_target_and_keeps_previous(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 10, "v1")
    publish(warehouse, serving)
    make_warehouse(warehouse, 20, "v2")

    result = publish(warehouse, serving)

    assert result.previous_path == serving / PREVIOUS_FILE_NAME
    assert served_state(serving / SERVED_NAME) == (20, {"v2"})
    assert served_state(serving / PREVIOUS_FILE_NAME) == (10, {"v1"})
    assert leftovers(serving) == []


def test_open_reader_keeps_a_complete_table_during_the_swap(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 5000, "v1")
    publish(warehouse, serving)

    reader = duckdb.connect(str(serving / SERVED_NAME), read_only=True)
    try:
        make_warehouse(warehouse, 7000, "v2")
        publish(warehouse, serving)
        # The reader opened before the swap still sees the whole old table ...
        assert reader.execute("select count(*), min(label) from marts.kpi_values").fetchone() == (
            5000,
            "v1",
        )
    finally:
        reader.close()
    # ... and a new reader sees the whole new one.
    assert served_state(serving / SERVED_NAME) == (7000, {"v2"})


def test_failure_mid_copy_leaves_the_served_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 100, "v1")
    publish(warehouse, serving)
    served_bytes = (serving / SERVED_NAME).read_bytes()
    make_warehouse(warehouse, 200, "v2")

    def broken_copy(source: Path, destination_fd: int) -> int:
        data = source.read_bytes()
        os.write(destination_fd, data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(publish_module, "copy_file", broken_copy)
    with pytest.raises(OSError, match="disk full"):
        publish(warehouse, serving)

    assert (serving / SERVED_NAME).read_bytes() == served_bytes
    assert served_state(serving / SERVED_NAME) == (100, {"v1"})
    assert not (serving / PREVIOUS_FILE_NAME).exists()
    assert leftovers(serving) == []


def test_a_copy_without_the_published_table_is_not_served(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 3, "v1")
    publish(warehouse, serving)
    warehouse.unlink()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table unrelated as select 1 as x")

    with pytest.raises(PublishError, match="kpi_values"):
        publish(warehouse, serving)

    assert served_state(serving / SERVED_NAME) == (3, {"v1"})
    assert leftovers(serving) == []


def test_missing_warehouse_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="no warehouse"):
        publish(tmp_path / "nope.duckdb", tmp_path / "serving")


def test_rollback_swaps_current_and_previous(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 1, "v1")
    publish(warehouse, serving)
    make_warehouse(warehouse, 2, "v2")
    publish(warehouse, serving)

    rollback(serving)

    assert served_state(serving / SERVED_NAME) == (1, {"v1"})
    assert served_state(serving / PREVIOUS_FILE_NAME) == (2, {"v2"})
    assert leftovers(serving) == []


def test_rollback_without_previous_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="nothing to roll back"):
        rollback(tmp_path)
