"""Publishing updates a copy of the served file row by row when it can (D-101), and
writes the file whole when it cannot; either way the served rows are the build's."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from served_months import build_warehouse, differing_rows

from orchestration.serving import publish as publish_module
from orchestration.serving import update as update_module
from orchestration.serving.publish import PublishResult
from orchestration.serving.selection import ServedColumn, ServedTable

KPIS = ServedTable(
    "marts",
    "kpi_values",
    "The KPIs.",
    (ServedColumn("kpi_code", "KPI code."), ServedColumn("n", "A number.")),
)
ORDERS = ServedTable("marts", "fct_work_orders", "Work orders.", ())
BOTH = (KPIS, ORDERS)


def warehouse(path: Path, orders: str, kpis: int = 100) -> Path:
    """A warehouse whose fct_work_orders holds the rows of the query ``orders``."""
    return build_warehouse(
        path, f"select 'open_rate' as kpi_code, range as n from range({kpis})", orders
    )


ORDERS_V1 = "select range as id, 'open' as status, range * 2 as hours from range(10000)"
# ids 0-4 gone, 5-9 changed, 10000-10019 new
ORDERS_V2 = (
    "select range as id, case when range < 10 then 'closed' else 'open' end as status, "
    "range * 2 as hours from range(5, 10020)"
)


def publish(wh: Path, serving: Path, **kwargs: object) -> PublishResult:
    kwargs.setdefault("tables", BOTH)
    return publish_module.publish(wh, serving, **kwargs)


def differences(wh: Path, served: Path, table: str) -> int:
    """Rows in one file and not the other (``except all`` both ways)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{wh}' as w (read_only)")
        con.execute(f"attach '{served}' as s (read_only)")
        return differing_rows(con, f"w.{table}", f"s.{table}")


def test_a_daily_change_updates_only_the_changed_rows(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    first = publish(wh, serving)
    assert first.updated is None and first.written_reason == "no served file yet"
    warehouse(wh, ORDERS_V2)
    second = publish(wh, serving)
    assert second.written_reason is None
    tables = second.updated["tables"]
    # neither table declares parts: each is one part; kpi_values' fingerprint is unchanged,
    # so only fct_work_orders is compared row by row
    assert tables["marts.fct_work_orders"] == {
        "action": "updated",
        "deleted": 10,
        "inserted": 25,
        "compared": 10000,
        "parts_compared": 1,
        "parts": 1,
    }
    assert tables["marts.kpi_values"] == {
        "action": "unchanged",
        "deleted": 0,
        "inserted": 0,
        "compared": 0,
        "parts_compared": 0,
        "parts": 1,
    }
    served = serving / "aftersales.duckdb"
    for table in ("marts.fct_work_orders", "marts.kpi_values"):
        assert differences(wh, served, table) == 0
    with duckdb.connect(str(served), read_only=True) as con:
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'fct_work_orders'"
        ).fetchone()[0]
        build = con.execute("select build_id from ops.build_info").fetchone()[0]
    assert comment == "Work orders." and build == second.build_id
    # the unchanged table's Parquet file is the previous build's; the changed one is new
    old = serving / f".parquet-{first.build_id}" / "marts"
    new = serving / "parquet" / "marts"
    kpis, orders = "kpi_values/all.parquet", "fct_work_orders/all.parquet"
    assert os.path.samefile(old / kpis, new / kpis)
    assert not os.path.samefile(old / orders, new / orders)
    assert (second.parquet_parts_reused, second.parquet_parts_written) == (1, 2)  # + build_info
    with duckdb.connect() as con:
        assert con.execute(f"select count(*) from '{new / orders}'").fetchone() == (10015,)


def test_a_table_that_changed_mostly_or_in_shape_is_written_again(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1, kpis=100)
    publish(wh, serving)
    warehouse(wh, ORDERS_V1.replace("'open' as status", "'open' as status, 1 as extra"), kpis=300)
    result = publish(wh, serving)
    tables = result.updated["tables"]
    assert tables["marts.fct_work_orders"]["action"] == "replaced"  # a new column
    assert tables["marts.kpi_values"] == {
        "action": "replaced",
        "deleted": 0,
        "inserted": 200,
        "compared": 100,
        "parts_compared": 1,
        "parts": 1,
    }
    served = serving / "aftersales.duckdb"
    assert differences(wh, served, "marts.fct_work_orders") == 0
    assert differences(wh, served, "marts.kpi_values") == 0


def test_a_table_no_longer_served_is_dropped_and_the_file_then_compacted(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(
        tmp_path / "wh.duckdb", "select range as id, md5(range::varchar) as s from range(300000)"
    )
    publish(wh, serving)
    first = publish(wh, serving, tables=(KPIS,))
    assert first.updated["dropped"] == ["marts.fct_work_orders"]
    served = serving / "aftersales.duckdb"
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute(
            "select count(*) from duckdb_tables() where table_name = 'fct_work_orders'"
        ).fetchone() == (0,)
    # its blocks are free now: the next publish writes the file whole, which compacts it
    second = publish(wh, serving, tables=(KPIS,))
    assert second.updated is None
    assert "blocks are free" in second.written_reason
    assert served.stat().st_size < (serving / "aftersales.previous.duckdb").stat().st_size


def test_an_update_that_does_not_reproduce_the_build_is_not_served(tmp_path: Path) -> None:
    """Row hashes cannot tell a duplicated row from the row: the check on counts and
    hashes catches it and the file is written whole."""
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    warehouse(wh, f"{ORDERS_V1} union all select 1, 'open', 2")
    result = publish(wh, serving)
    assert result.updated is None
    assert "fct_work_orders: rows of the build and the served file collide" in result.written_reason
    assert differences(wh, serving / "aftersales.duckdb", "marts.fct_work_orders") == 0


def test_update_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    monkeypatch.setenv("AFTERSALES_PUBLISH_UPDATE", "off")
    result = publish(wh, serving)
    assert result.updated is None and result.written_reason == "AFTERSALES_PUBLISH_UPDATE is off"


def test_a_failed_update_leaves_the_served_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    first = publish(wh, serving)
    warehouse(wh, ORDERS_V2)

    def broken(*args: object) -> None:
        raise KeyboardInterrupt  # not an error the publish falls back from

    monkeypatch.setattr(update_module, "_sync", broken)
    with pytest.raises(KeyboardInterrupt):
        publish(wh, serving)
    assert sorted(p.name for p in serving.iterdir() if p.name.endswith(".tmp")) == []
    served = serving / "aftersales.duckdb"
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("select build_id from ops.build_info").fetchone()[0] == first.build_id


def test_the_build_is_hashed_while_the_served_file_is_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """D-126: the copy of the served file runs while the build's tables are hashed, and the
    copy is compared only once both are done. (Without a spare to update in place,
    D-143.)"""
    monkeypatch.setenv("AFTERSALES_PUBLISH_SPARE", "off")
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    warehouse(wh, ORDERS_V2)
    events: list[str] = []
    real_copying, real_measure, real_sync = (
        update_module.copying,
        update_module._measure_build,
        update_module._sync,
    )

    @contextlib.contextmanager
    def copying(source: Path, target: Path) -> Iterator[None]:
        events.append("copy starts")
        with real_copying(source, target):
            yield
        events.append(f"copy ends ({target.stat().st_size == source.stat().st_size})")

    def measure(con: duckdb.DuckDBPyConnection, table: ServedTable) -> update_module.Built:
        events.append(f"hash {table.name}")
        return real_measure(con, table)

    def sync(
        con: duckdb.DuckDBPyConnection,
        table: ServedTable,
        built: update_module.Built,
        known: dict[int, str] | None = None,
    ) -> update_module.TableChange:
        events.append(f"compare {table.name}")
        return real_sync(con, table, built, known)

    monkeypatch.setattr(update_module, "copying", copying)
    monkeypatch.setattr(update_module, "_measure_build", measure)
    monkeypatch.setattr(update_module, "_sync", sync)
    result = publish(wh, serving)
    assert result.written_reason is None
    assert events == [
        "copy starts",
        "hash kpi_values",
        "hash fct_work_orders",
        "copy ends (True)",
        "compare kpi_values",
        "compare fct_work_orders",
    ]
    assert differences(wh, serving / "aftersales.duckdb", "marts.fct_work_orders") == 0
