"""The publish keeps the served file of two builds ago as a spare and updates it in place
instead of copying the whole served file (D-143); whatever happens to the spare, the
served and the previous file are the builds they should be."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from served_months import build_warehouse, differing_rows

from orchestration.serving import publish as publish_module
from orchestration.serving import update as update_module
from orchestration.serving.publish import (
    PREVIOUS_FILE_NAME,
    SPARE_FILE_NAME,
    PublishResult,
    build_id_of,
    rollback,
)
from orchestration.serving.selection import ServedColumn, ServedTable

SERVED_NAME = "aftersales.duckdb"
KPIS = ServedTable(
    "marts",
    "kpi_values",
    "The KPIs.",
    (ServedColumn("kpi_code", "KPI code."), ServedColumn("n", "A number.")),
)


def warehouse(path: Path, rows: int) -> Path:
    """A warehouse whose kpi_values holds ``rows`` rows (a new build changes some)."""
    return build_warehouse(path, f"select 'open_rate' as kpi_code, range as n from range({rows})")


def publish(wh: Path, serving: Path, build_id: str) -> PublishResult:
    return publish_module.publish(
        wh, serving, tables=(KPIS,), build_id=build_id, export_parquet=False
    )


def served_equals_build(wh: Path, served: Path) -> bool:
    with duckdb.connect() as con:
        con.execute(f"attach '{wh}' as w (read_only)")
        con.execute(f"attach '{served}' as s (read_only)")
        return differing_rows(con, "w.marts.kpi_values", "s.marts.kpi_values") == 0


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The whole-file copies the publish made: "served" for a copy of the served file to
    update (none when it updated the spare), "spare" for a new file copied to the spare."""
    copied: list[str] = []
    for module, kind in ((update_module, "served"), (publish_module, "spare")):
        real = module.copying

        def copying(source: Path, target: Path, real=real, kind=kind) -> Iterator[None]:
            copied.append(kind)
            return real(source, target)

        monkeypatch.setattr(module, "copying", copying)
    return copied


def test_each_publish_updates_the_file_of_two_builds_ago_in_place(
    tmp_path: Path, copies: list[str]
) -> None:
    serving = tmp_path / "serving"
    served, previous, spare = (
        serving / n for n in (SERVED_NAME, PREVIOUS_FILE_NAME, SPARE_FILE_NAME)
    )
    wh = tmp_path / "wh.duckdb"
    bases = []
    for number in range(1, 6):
        warehouse(wh, 1000 + number)
        spare_inode = spare.stat().st_ino if spare.exists() else None
        result = publish(wh, serving, f"b{number}")
        bases.append(result.updated["base"] if result.updated else result.written_reason)
        assert served_equals_build(wh, served)
        assert build_id_of(served) == f"b{number}"
        if number > 1:
            assert build_id_of(previous) == f"b{number - 1}"
        if result.updated and result.updated["base"] == "the spare, in place":
            assert served.stat().st_ino == spare_inode  # the spare's file, not a copy
    assert bases == [
        "no served file yet",  # written whole, and copied to the spare
        "the spare, in place",  # b1's spare became b2
        "a copy of the served file",  # no spare: b1 is the previous, nothing older
        "the spare, in place",  # b1 (the previous until b3) became b4
        "the spare, in place",
    ]
    assert copies == ["spare", "served"]  # b1 copied to the spare; b3 a copy of b2
    assert result.updated["spare_not_updated_because"] is None
    # three files at rest: served b5, previous b4, spare b3; three parts records
    assert [build_id_of(p) for p in (served, previous, spare)] == ["b5", "b4", "b3"]
    assert len({p.stat().st_ino for p in (served, previous, spare)}) == 3
    assert sorted(p.name for p in serving.glob(".parts-*")) == [
        f".parts-b{n}.json" for n in (3, 4, 5)
    ]
    assert not list(serving.glob("*.tmp"))


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = "select count(*) from marts.kpi_values"
print(con.execute(count).fetchone()[0], flush=True)
sys.stdin.read()  # until the test closes it
print(con.execute(count).fetchone()[0], flush=True)
"""


def test_a_spare_that_a_reader_holds_is_left_to_it(tmp_path: Path, copies: list[str]) -> None:
    """A reader (another process: DuckDB's locks are per process) that opened the
    previous file keeps reading it after it became the spare: the lock it holds refuses
    to open the file for writing, and the publish copies the served file instead."""
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    for number in (1, 2):
        publish(warehouse(wh, 100 * number), serving, f"b{number}")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving / PREVIOUS_FILE_NAME)],  # b1
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "100"
        publish(warehouse(wh, 300), serving, "b3")  # no spare; b1 becomes it
        assert build_id_of(serving / SPARE_FILE_NAME) == "b1"
        result = publish(warehouse(wh, 400), serving, "b4")
        assert result.updated["base"] == "a copy of the served file"
        reason = result.updated["spare_not_updated_because"]
        assert reason.startswith("the spare was not updated in place") and "lock" in reason
        assert served_equals_build(wh, serving / SERVED_NAME)
        out, _ = reader.communicate("", timeout=60)
        assert out.strip() == "100"  # the reader's b1 is whole
    finally:
        reader.kill()
        reader.wait()
    assert copies == ["spare", "served", "served"]  # b1's spare; b3 and b4 copied b2, b3
    # the reader is gone: the next spare (b2) is updated in place again
    result = publish(warehouse(wh, 500), serving, "b5")
    assert result.updated["base"] == "the spare, in place"
    assert served_equals_build(wh, serving / SERVED_NAME)
    assert not list(serving.glob("*.tmp"))


def test_a_spare_a_reader_in_this_process_holds_is_left_to_it(tmp_path: Path) -> None:
    """DuckDB's lock does not keep out this process's own writer: the publish sees the
    open file and leaves it alone."""
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    for number in (1, 2):
        publish(warehouse(wh, 100 * number), serving, f"b{number}")
    with duckdb.connect(str(serving / PREVIOUS_FILE_NAME), read_only=True) as reader:  # b1
        publish(warehouse(wh, 300), serving, "b3")
        result = publish(warehouse(wh, 400), serving, "b4")  # the spare is b1
        assert result.updated["base"] == "a copy of the served file"
        assert result.updated["spare_not_updated_because"] == "this process has the spare open"
        assert reader.execute("select count(*) from marts.kpi_values").fetchone() == (100,)
    assert served_equals_build(wh, serving / SERVED_NAME)


def test_a_rollback_leaves_the_spare_to_the_next_publish(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    for number in (1, 2, 3):
        publish(warehouse(wh, 100 * number), serving, f"b{number}")
    rollback(serving)  # served b2, previous b3, spare b1
    result = publish(warehouse(wh, 400), serving, "b4")
    assert result.updated["base"] == "the spare, in place"
    assert served_equals_build(wh, serving / SERVED_NAME)
    names = (SERVED_NAME, PREVIOUS_FILE_NAME, SPARE_FILE_NAME)
    assert [build_id_of(serving / name) for name in names] == ["b4", "b2", "b3"]
    rollback(serving)
    assert build_id_of(serving / SERVED_NAME) == "b2"


def test_a_failed_publish_loses_the_spare_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    for number in (1, 2, 3, 4):
        publish(warehouse(wh, 100 * number), serving, f"b{number}")
    served, previous = serving / SERVED_NAME, serving / PREVIOUS_FILE_NAME
    before = {path: path.read_bytes() for path in (served, previous)}
    real_sync = update_module._sync

    def interrupted(*args: object, **kwargs: object) -> object:
        real_sync(*args, **kwargs)  # the spare's rows are changed ...
        raise KeyboardInterrupt  # ... then the publish dies (not an error it falls back from)

    monkeypatch.setattr(update_module, "_sync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish(warehouse(wh, 500), serving, "b5")
    assert {path: path.read_bytes() for path in (served, previous)} == before
    assert not (serving / SPARE_FILE_NAME).exists()  # it was being updated
    assert not list(serving.glob("*.tmp"))
    monkeypatch.setattr(update_module, "_sync", real_sync)
    result = publish(wh, serving, "b5")
    assert result.updated["base"] == "a copy of the served file"
    assert result.updated["spare_not_updated_because"] == "there is no spare"
    assert served_equals_build(wh, served)


def test_a_spare_that_cannot_be_updated_is_removed_before_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without its build's parts record, or holding more than the served tables, the
    spare is removed, not kept beside the copy of the served file (three files, not
    four), and the publish makes the previous file the spare again."""
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    for number in (1, 2, 3):
        publish(warehouse(wh, 100 * number), serving, f"b{number}")
    beside_the_copies: list[list[str]] = []
    real_update = publish_module.update_served_copy

    def update(base: Path | None, *args: object) -> object:
        beside_the_copies.append(sorted(path.name for path in serving.glob("*.duckdb")))
        return real_update(base, *args)

    monkeypatch.setattr(publish_module, "update_served_copy", update)
    spare = serving / SPARE_FILE_NAME
    (serving / ".parts-b1.json").unlink()  # the spare is b1
    result = publish(warehouse(wh, 400), serving, "b4")
    assert result.updated["base"] == "a copy of the served file"
    assert result.updated["spare_not_updated_because"] == "the spare's build has no parts record"
    assert build_id_of(spare) == "b2"  # the previous until b4
    with duckdb.connect(str(spare)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.work_orders as select 'a name' as customer_name")
    result = publish(warehouse(wh, 500), serving, "b5")
    reason = result.updated["spare_not_updated_because"]
    assert reason == "the spare holds more than the served tables"
    assert served_equals_build(wh, serving / SERVED_NAME)
    assert build_id_of(spare) == "b3"
    assert beside_the_copies == [[SERVED_NAME, PREVIOUS_FILE_NAME]] * 2
    assert not list(serving.glob("*.tmp"))


def test_a_spare_that_cannot_be_copied_leaves_the_build_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = tmp_path / "serving"

    @contextlib.contextmanager
    def full_disk(source: Path, target: Path) -> Iterator[None]:
        target.write_bytes(b"half")
        yield
        raise OSError("No space left on device")

    monkeypatch.setattr(publish_module, "copying", full_disk)
    wh = warehouse(tmp_path / "wh.duckdb", 100)
    result = publish(wh, serving, "b1")
    assert result.spare_reason == "the spare could not be copied: No space left on device"
    assert served_equals_build(wh, serving / SERVED_NAME)
    assert not (serving / SPARE_FILE_NAME).exists()
    assert not list(serving.glob("*.tmp"))
    assert "spare copy" in result.step_seconds


def test_the_spare_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copies: list[str]
) -> None:
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    publish(warehouse(wh, 100), serving, "b1")
    assert (serving / SPARE_FILE_NAME).exists()
    monkeypatch.setenv("AFTERSALES_PUBLISH_SPARE", "off")
    for number in (2, 3):
        result = publish(warehouse(wh, 100 * number), serving, f"b{number}")
        assert result.updated["base"] == "a copy of the served file"
        assert result.updated["spare_not_updated_because"] == "AFTERSALES_PUBLISH_SPARE is off"
        assert not (serving / SPARE_FILE_NAME).exists()
    assert copies == ["spare", "served", "served"]
    assert sorted(p.name for p in serving.glob(".parts-*")) == [".parts-b2.json", ".parts-b3.json"]


def test_a_spare_with_another_name_is_not_updated_in_place(tmp_path: Path) -> None:
    """A file with a second name may be read through it: it is never written in place."""
    serving = tmp_path / "serving"
    wh = tmp_path / "wh.duckdb"
    publish(warehouse(wh, 100), serving, "b1")
    other = tmp_path / "kept-by-someone.duckdb"
    os.link(serving / SPARE_FILE_NAME, other)
    result = publish(warehouse(wh, 200), serving, "b2")
    assert result.updated["base"] == "a copy of the served file"
    assert "has another name" in result.updated["spare_not_updated_because"]
    assert build_id_of(other) == "b1"
    assert served_equals_build(wh, serving / SERVED_NAME)
