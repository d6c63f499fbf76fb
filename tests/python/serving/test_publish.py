"""Publishing swaps the served file atomically and keeps the previous version."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.serving import publish as publish_module
from orchestration.serving.publish import PREVIOUS_FILE_NAME, PublishError, PublishResult, rollback
from orchestration.serving.selection import ServedColumn, ServedTable

SERVED_NAME = "aftersales.duckdb"
KPI_ONLY = (
    ServedTable(
        "marts",
        "kpi_values",
        "The KPIs.",
        (ServedColumn("kpi_code", "KPI code."), ServedColumn("label", "Test label.")),
    ),
)


def publish(*args: object, **kwargs: object) -> PublishResult:
    """The real publish, serving this module's test table unless told otherwise."""
    kwargs.setdefault("tables", KPI_ONLY)
    return publish_module.publish(*args, **kwargs)


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
    assert result.bytes_copied == (serving / SERVED_NAME).stat().st_size
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

    def broken_write(source: Path | None, target: Path, *args: object) -> int:
        # half of the served file, or half of the spare (D-143) updated in place
        data = (source or target).read_bytes()
        target.write_bytes(data[: len(data) // 2])
        raise OSError("disk full")

    # the update of a copy fails, and so does writing the file whole after it
    monkeypatch.setattr(publish_module, "update_served_copy", broken_write)
    monkeypatch.setattr(publish_module, "write_served_file", broken_write)
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


def test_publish_stamps_build_info_matching_the_rows(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 50, "v1")
    serving = tmp_path / "serving"

    result = publish(warehouse, serving, build_id="b1", export_parquet=False)

    with duckdb.connect(str(serving / SERVED_NAME), read_only=True) as con:
        build_id, rows, fingerprint = con.execute(
            "select build_id, kpi_values_rows, kpi_values_fingerprint from ops.build_info"
        ).fetchone()
        assert publish_module.kpi_values_fingerprint(con) == fingerprint
    assert (build_id, rows, fingerprint) == ("b1", 50, result.fingerprint)
    assert publish_module.build_id_of(serving / SERVED_NAME) == "b1"
    # the build warehouse itself is not stamped
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert not con.execute(
            "select count(*) from information_schema.tables where table_schema = 'ops'"
        ).fetchone()[0]
    assert (serving / SERVED_NAME).stat().st_mode & 0o044 == 0o044  # readable by BI users


def parquet_labels(serving: Path) -> set[str]:
    with duckdb.connect() as con:
        rows = con.execute(
            "select distinct label from read_parquet(?)",
            [str(serving / "parquet" / "marts" / "kpi_values" / "*.parquet")],
        ).fetchall()
    return {r[0] for r in rows}


def test_parquet_export_swaps_with_the_file_and_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    monkeypatch.setenv("AFTERSALES_EXPORT_PARQUET", "1")
    for index in (1, 2, 3):
        make_warehouse(warehouse, index, f"v{index}")
        result = publish(warehouse, serving, build_id=f"b{index}")
        assert result.parquet_tables == ("marts.kpi_values", "ops.build_info")
    assert (serving / "parquet").is_symlink()
    assert parquet_labels(serving) == {"v3"}
    # the served and the previous build's directories are kept, older ones removed
    kept = sorted(p.name for p in serving.iterdir() if p.name.startswith(".parquet-"))
    assert kept == [".parquet-b2", ".parquet-b3"]

    rollback(serving)
    assert served_state(serving / SERVED_NAME) == (2, {"v2"})
    assert parquet_labels(serving) == {"v2"}


def test_failed_publish_keeps_parquet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "wh" / "aftersales.duckdb"
    serving = tmp_path / "serving"
    make_warehouse(warehouse, 5, "v1")
    publish(warehouse, serving, build_id="b1", export_parquet=True)
    make_warehouse(warehouse, 6, "v2")

    def broken_export(database: Path, directory: Path, **kwargs: object) -> list[str]:
        (directory / "marts" / "kpi_values").mkdir(parents=True)
        (directory / "marts" / "kpi_values" / "all.parquet").write_bytes(b"half")
        raise ZeroDivisionError

    monkeypatch.setattr(publish_module, "_export_served_parquet", broken_export)
    with pytest.raises(ZeroDivisionError):
        publish(warehouse, serving, build_id="b2", export_parquet=True)
    assert served_state(serving / SERVED_NAME) == (5, {"v1"})
    assert parquet_labels(serving) == {"v1"}
    assert not [p for p in serving.iterdir() if "b2" in p.name or p.name.endswith(".tmp")]


def test_parquet_export_is_on_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 4, "v1")
    monkeypatch.delenv("AFTERSALES_EXPORT_PARQUET", raising=False)
    on = publish(warehouse, tmp_path / "on").parquet_tables
    assert on == ("marts.kpi_values", "ops.build_info")
    monkeypatch.setenv("AFTERSALES_EXPORT_PARQUET", "0")
    result = publish(warehouse, tmp_path / "off")
    assert result.parquet_tables == () and not (tmp_path / "off" / "parquet").exists()


def test_only_the_declared_tables_are_served_with_comments(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 3, "v1")
    with duckdb.connect(str(warehouse)) as con:
        for schema in ("raw", "staging", "config"):
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.t as select 'Zhang San' as full_name")
        con.execute("create table marts.not_declared as select 1 as x")
    serving = tmp_path / "serving"

    publish(warehouse, serving, export_parquet=False)

    with duckdb.connect(str(serving / SERVED_NAME), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name, comment from duckdb_tables() "
            "where database_name = current_database() order by 1"
        ).fetchall()
        columns = dict(
            con.execute(
                "select table_name || '.' || column_name, comment from duckdb_columns() "
                "where database_name = current_database()"
            ).fetchall()
        )
    assert [t for t, _ in tables] == ["marts.kpi_values", "ops.build_info"]
    assert all(comment for _, comment in tables)
    assert columns["kpi_values.label"] == "Test label."
    assert columns["kpi_values.n"] is None  # undocumented in the test table: no comment
    assert all(columns[f"build_info.{c.name}"] for c in publish_module.BUILD_INFO.columns)


def test_a_personal_data_column_is_never_served(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 3, "v1")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table marts.people as select 'E1' as employee_id, '138' as phone")
    tables = (*KPI_ONLY, ServedTable("marts", "people"))
    with pytest.raises(PublishError, match=r"personal-data column.*phone"):
        publish(warehouse, tmp_path / "serving", tables=tables)
    assert not (tmp_path / "serving" / SERVED_NAME).exists()


def test_a_served_file_of_the_old_layout_is_not_kept(tmp_path: Path) -> None:
    """Before the BI-only layout the served file was the whole warehouse (personal data
    included): the first publish after the upgrade must not keep it as the previous
    version, and must remove the data docs it served."""
    serving = tmp_path / "serving"
    old = make_warehouse(serving / SERVED_NAME, 2, "old")
    with duckdb.connect(str(old)) as con:
        con.execute("create schema raw")
        con.execute("create table raw.technicians as select 'Zhang San' as full_name")
    (serving / PREVIOUS_FILE_NAME).write_bytes(old.read_bytes())
    (serving / ".data_docs-x").mkdir()
    os.symlink(".data_docs-x", serving / "data_docs")
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 3, "v1")

    result = publish(warehouse, serving)

    assert result.previous_path is None
    assert not (serving / PREVIOUS_FILE_NAME).exists()
    assert not (serving / "data_docs").exists() and not (serving / ".data_docs-x").exists()
    with pytest.raises(PublishError, match="nothing to roll back"):
        rollback(serving)
    assert served_state(serving / SERVED_NAME) == (3, {"v1"})


def test_build_info_carries_the_builds_as_of_time(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 3, "v1")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_as_of_resolved as "
            "select timestamp '2025-03-16 23:00:00' as as_of, 'data' as as_of_source"
        )
    publish(warehouse, tmp_path / "serving", export_parquet=False)
    with duckdb.connect(str(tmp_path / "serving" / SERVED_NAME), read_only=True) as con:
        (as_of,) = con.execute("select data_as_of from ops.build_info").fetchone()
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
    assert str(as_of) == "2025-03-16 23:00:00"
    assert schemas == {"marts", "ops"}  # the as-of time travels in the stamp, not the table


def test_publish_connections_are_memory_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy, the stamp and the Parquet export run under AFTERSALES_DUCKDB_MEMORY_LIMIT
    (at 10 M work orders the copy grew to 8.3 GiB without it): a value that is not a size
    stops the publish before anything is served, naming the variable; a small one is
    obeyed."""
    from orchestration.serving.parquet import export_parquet
    from orchestration.serving.writer import write_served_file

    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 5, "v1")
    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "lots")
    named = "AFTERSALES_DUCKDB_MEMORY_LIMIT='lots' is not a memory size"
    with pytest.raises(ValueError, match=named):
        write_served_file(warehouse, tmp_path / "copy.duckdb", KPI_ONLY)
    with pytest.raises(ValueError, match=named):
        export_parquet(warehouse, tmp_path / "parquet")
    with pytest.raises(ValueError, match=named):
        publish(warehouse, tmp_path / "serving", build_id="b1", export_parquet=True)
    assert not (tmp_path / "serving" / SERVED_NAME).exists()

    monkeypatch.setenv("AFTERSALES_DUCKDB_MEMORY_LIMIT", "64MB")
    publish(warehouse, tmp_path / "serving", build_id="b2", export_parquet=True)
    assert served_state(tmp_path / "serving" / SERVED_NAME) == (5, {"v1"})


def test_the_stamp_is_the_builds_fingerprint_whether_written_whole_or_updated(
    tmp_path: Path,
) -> None:
    serving = tmp_path / "serving"
    for build_id, rows, label in (("b1", 50, "v1"), ("b2", 60, "v2")):
        warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", rows, label)
        result = publish(warehouse, serving, build_id=build_id, export_parquet=False)
        # b1 is written whole, b2 updates a copy of b1
        assert (result.updated is None) == (build_id == "b1")
        with duckdb.connect(str(warehouse), read_only=True) as con:
            built = publish_module.kpi_values_fingerprint(con)
        with duckdb.connect(str(serving / SERVED_NAME), read_only=True) as con:
            stamped = con.execute(
                "select kpi_values_rows, kpi_values_fingerprint from ops.build_info"
            ).fetchone()
        assert stamped == (rows, built) == (result.kpi_value_rows, result.fingerprint)


def test_an_updated_copy_without_the_builds_rows_is_not_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration.serving import update as update_module
    from orchestration.serving.writer import TARGET, qualified

    serving = tmp_path / "serving"
    warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 50, "v1")
    publish(warehouse, serving, build_id="b1", export_parquet=False)
    real_sync = update_module._sync

    def sync_losing_a_row(con, table, built, known=None):  # an update that drops a row unseen
        change = real_sync(con, table, built, known)
        target = qualified(TARGET, table)
        con.execute(f"delete from {target} where rowid = (select min(rowid) from {target})")
        return change

    monkeypatch.setattr(update_module, "_sync", sync_losing_a_row)
    make_warehouse(warehouse, 60, "v2")
    with pytest.raises(PublishError, match=r"does not match its build info: its marts\.kpi_values"):
        publish(warehouse, serving, build_id="b2", export_parquet=False)
    assert served_state(serving / SERVED_NAME) == (50, {"v1"})
    assert publish_module.build_id_of(serving / SERVED_NAME) == "b1"
    assert leftovers(serving) == []


def test_a_publish_says_where_its_time_went(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    whole_steps = ["checkpoint", "served file", "parts record", "stamp and verify"]
    copy_steps = ("copy and hash the build", "compare and change rows", "fsync the copy")
    spare_steps = ("hash the build", "compare and change rows", "fsync the file")
    tail = ["parquet", "swap", "prune"]

    # b1 is written whole, and copied to the spare after the Parquet export; b2 updates
    # that spare in place, b3 a copy of b2 (no spare: b1 is the previous); each says what
    # the update took (D-106, D-143)
    def updating(names: tuple[str, ...]) -> list[str]:
        return whole_steps[:2] + [f"served file: {name}" for name in names] + whole_steps[2:]

    expected_steps = {
        "b1": (whole_steps, ["parquet", "spare copy", "swap", "prune"]),
        "b2": (updating(spare_steps), tail),
        "b3": (updating(copy_steps), tail),
    }
    for build_id, (head, end) in expected_steps.items():
        warehouse = make_warehouse(tmp_path / "wh" / "aftersales.duckdb", 40, build_id)
        result = publish(warehouse, serving, build_id=build_id, export_parquet=True)
        steps = result.step_seconds
        assert list(steps) == head + end
        assert all(seconds >= 0 for seconds in steps.values())
        top = [seconds for step, seconds in steps.items() if ":" not in step]
        assert sum(top) <= result.seconds + 0.01
        parts = sum(seconds for step, seconds in steps.items() if step.startswith("served file:"))
        assert parts <= steps["served file"] + 0.01
