"""Publish compares row by row only the parts of a served table whose fingerprints changed
(D-108), and the served rows are the build's whichever parts it compares."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from served_months import (
    KPIS,
    ORDERS,
    ORDERS_V1,
    ORDERS_V2,
    differing_rows,
    publish,
    warehouse,
)

from orchestration.serving import parts
from orchestration.serving import publish as publish_module
from orchestration.serving.publish import PublishError, build_id_of
from orchestration.serving.selection import ServedTable


def rows_in(wh: Path, where: str) -> int:
    with duckdb.connect(str(wh), read_only=True) as con:
        query = f"select count(*) from marts.fct_work_orders where {where}"
        return con.execute(query).fetchone()[0]


def differences(wh: Path, served: Path) -> int:
    with duckdb.connect() as con:
        con.execute(f"attach '{wh}' as w (read_only)")
        con.execute(f"attach '{served}' as s (read_only)")
        table = "marts.fct_work_orders"
        return differing_rows(con, f"w.{table}", f"s.{table}")


def record(serving: Path) -> dict[str, object]:
    build_id = build_id_of(serving / "aftersales.duckdb")
    return json.loads(parts.path_for(serving, build_id).read_text(encoding="utf-8"))


def test_only_the_parts_whose_fingerprints_changed_are_compared(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    january_and_april = rows_in(wh, "month(opened_date) in (1, 4)")
    warehouse(wh, ORDERS_V2)
    result = publish(wh, serving)
    orders = result.updated["tables"]["marts.fct_work_orders"]
    # January (gone), April (changed) and May (new) are compared; February, March and the
    # undated part are not
    assert orders["parts_compared"] == 3
    assert orders["compared"] == january_and_april == 3096 + 3000  # the served rows in them
    assert orders["action"] == "updated"
    assert orders["deleted"] == 400 + 300 and orders["inserted"] == 300 + 100
    assert orders["parts"] == 6  # 0 (undated) and January to May
    assert result.updated["tables"]["marts.kpi_values"]["compared"] == 0
    assert differences(wh, serving / "aftersales.duckdb") == 0


def test_the_record_describes_the_served_file(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    for orders in (ORDERS_V1, ORDERS_V2):  # written whole, then updated
        warehouse(wh, orders)
        publish(wh, serving)
        measured = parts.measure(serving / "aftersales.duckdb", (KPIS, ORDERS))
        kept = record(serving)["tables"]
        assert kept["marts.fct_work_orders"]["parts_by"] == "opened_date"
        for name, fingerprints in measured.items():
            assert kept[name]["parts"] == {str(k): v for k, v in fingerprints.items()}
    assert sorted(measured["marts.fct_work_orders"]) == [0, *range(202601, 202606)]


def test_without_a_record_every_part_is_compared(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    for path in serving.glob(".parts-*.json"):
        path.unlink()
    warehouse(wh, ORDERS_V2)
    orders = publish(wh, serving).updated["tables"]["marts.fct_work_orders"]
    assert orders["compared"] == 12000 and orders["parts_compared"] == 6
    assert differences(wh, serving / "aftersales.duckdb") == 0


def test_a_changed_declaration_compares_every_part(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    publish(wh, serving)
    warehouse(wh, ORDERS_V2)
    undeclared = ServedTable("marts", "fct_work_orders", "Work orders.")
    orders = publish(wh, serving, KPIS, undeclared).updated["tables"]["marts.fct_work_orders"]
    assert orders["compared"] == 12000 and orders["parts"] == 1
    assert record(serving)["tables"]["marts.fct_work_orders"]["parts_by"] == ""


def test_a_declared_column_the_table_lacks_is_refused(tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    wrong = ServedTable("marts", "fct_work_orders", "Work orders.", parts_by="closed_date")
    with pytest.raises(PublishError, match="served_parts_by = closed_date"):
        publish(wh, serving, KPIS, wrong)
    assert not (serving / "aftersales.duckdb").exists()
    assert not list(serving.glob(".parts-*"))


def test_records_are_kept_for_the_served_the_previous_and_the_spare_build_only(
    tmp_path: Path,
) -> None:
    serving = tmp_path / "serving"
    wh = warehouse(tmp_path / "wh.duckdb", ORDERS_V1)
    ids = [publish(wh, serving).build_id for _ in range(4)]
    # served, previous, and the spare (two builds ago) that the next publish updates (D-143)
    assert sorted(p.name for p in serving.glob(".parts-*")) == [
        f".parts-{build_id}.json" for build_id in sorted(ids[1:])
    ]
    assert publish_module.build_id_of(serving / publish_module.SPARE_FILE_NAME) == ids[1]
    # after a rollback the served build's record is still there
    publish_module.rollback(serving)
    assert record(serving)["build_id"] == ids[2]


@pytest.mark.parametrize("column_type", ["date", "timestamp", "timestamptz"])
def test_a_part_filter_selects_exactly_the_rows_of_its_parts(column_type: str) -> None:
    """The range condition the update reads changed parts with (D-126) holds the same rows
    as the part key it stands for: month edges, December into January, nulls (part 0)."""
    table = ServedTable("marts", "fct_work_orders", "Work orders.", parts_by="opened_date")
    with duckdb.connect() as con:
        con.execute("set timezone = 'Asia/Shanghai'")
        con.execute(
            f"create table t as select range as id, case when range % 97 = 0 then null "
            f"else (timestamp '2024-11-30 23:59:59' + range * interval 7 hour)::{column_type} "
            "end as opened_date from range(5000)"
        )
        key = parts.part_expression(table)
        keys = {row[0] for row in con.execute(f"select distinct {key} from t").fetchall()}
        assert 0 in keys and 202412 in keys and 202501 in keys
        for chosen in ([202412], [202412, 202501], [0], [0, 202411, 202506], [190001], [999912]):
            expected = con.execute(
                f"select list(id order by id) from t where {key} in ({', '.join(map(str, chosen))})"
            ).fetchone()[0]
            actual = con.execute(
                f"select list(id order by id) from t where {parts.part_filter(table, chosen)}"
            ).fetchone()[0]
            assert actual == expected, chosen


def test_a_table_without_parts_is_all_or_nothing() -> None:
    assert parts.part_filter(KPIS, [0]) == "true"
    assert parts.part_filter(KPIS, []) == "false"
    assert parts.part_filter(ORDERS, []) == "false"
