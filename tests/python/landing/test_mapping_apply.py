"""apply_mapping: headers, labels, booleans, timestamps and units to contract text; nothing
unmapped is dropped or nulled silently; a file lacking a column is rejected."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.contract import TABLES
from orchestration.engines.duckdb.ingest import ingest_landing
from orchestration.landing.mapping import (
    MAPPINGS_DIR,
    FileContext,
    apply_mapping,
    is_rejected,
    load_mapping,
    parse_mapping,
)

DMS = load_mapping(MAPPINGS_DIR / "dms_cn_example.yml")
CONTRACT = load_mapping(MAPPINGS_DIR / "contract.yml")
CALLBACK_HEADERS = {
    "callback_id": "回访编号",
    "ticket_id": "工单号",
    "attempted_at": "回访时间",
    "channel": "回访方式",
    "outcome": "回访结果",
    "satisfied": "是否满意",
    "nps_score": "推荐意愿(0-10)",
    "problem_reported": "是否有遗留问题",
    "problem_resolved": "问题是否解决",
    "complaint": "是否投诉",
    "comment": "客户意见",
    "updated_at": "更新时间",
    "is_deleted": "删除标记",
}


def callbacks(**overrides: list[str | None]) -> pa.Table:
    rows = {
        "回访编号": ["CB1", "CB2", "CB3"],
        "工单号": ["T1", "T2", "T3"],
        "回访时间": ["2025/1/3 8:05", "45660.3368055556", "2025-01-03 08:05:00"],
        "回访方式": ["电话", " 微信 ", "phone"],
        "回访结果": ["已接通", "无人接听", "已接通"],
        "是否满意": ["是", "", "否"],
        "推荐意愿(0-10)": ["9", None, "10"],
        "是否有遗留问题": ["否", None, "true"],
        "问题是否解决": [None, None, None],
        "是否投诉": ["否", "否", "否"],
        "客户意见": ["很好, 谢谢", None, None],
        "更新时间": ["2025/1/3 8:06:07", "2025/1/3 8:06", "2025/1/3 8:07"],
        "删除标记": ["否", "否", "否"],
    }
    rows.update(overrides)
    return pa.table({k: pa.array(v, pa.string()) for k, v in rows.items()})


def apply(data: pa.Table, mapping=DMS, table: str = "callbacks"):
    return apply_mapping(data, mapping, FileContext(table, "2025-01-04T020000.csv"))


def test_vendor_file_becomes_contract_text() -> None:
    out, problems = apply(callbacks())
    assert problems == []
    assert out.column_names == list(TABLES["callbacks"].columns)
    assert out.column("attempted_at").to_pylist() == ["2025-01-03 08:05:00"] * 3
    assert out.column("channel").to_pylist() == ["phone", "wechat", "phone"]
    assert out.column("outcome").to_pylist() == ["reached", "no_answer", "reached"]
    # empty stays empty (null in a nullable boolean), contract spellings pass
    assert out.column("satisfied").to_pylist() == ["true", "", "false"]
    assert out.column("problem_reported").to_pylist() == ["false", None, "true"]
    assert out.column("comment").to_pylist() == ["很好, 谢谢", None, None]
    assert out.column("updated_at").to_pylist() == [
        "2025-01-03 08:06:07",
        "2025-01-03 08:06:00",
        "2025-01-03 08:07:00",
    ]


def test_unmapped_values_stay_as_landed_and_are_reported() -> None:
    data = callbacks(
        **{
            "回访方式": ["电邮", "电邮", "微信"],
            "回访时间": ["2025/2/30 8:05", "昨天", "2025/1/3 8:05"],
            "是否满意": ["满意", "是", "否"],
        }
    )
    out, problems = apply(data)
    assert not is_rejected(problems)
    assert out.column("channel").to_pylist() == ["电邮", "电邮", "wechat"]
    assert out.column("attempted_at").to_pylist() == [
        "2025/2/30 8:05",
        "昨天",
        "2025-01-03 08:05:00",
    ]
    assert out.column("satisfied").to_pylist() == ["满意", "true", "false"]
    by_column = {p.column: p for p in problems}
    channel = by_column["channel"]
    assert (channel.kind, channel.severity, channel.count) == ("unmapped_value", "warning", 2)
    assert channel.examples == (("电邮", 1),)
    assert "callbacks/2025-01-04T020000.csv" in channel.message
    assert "invalid_code:channel" in channel.message
    assert "tables.callbacks.columns.channel.values" in channel.message
    assert str(DMS.path) in channel.message
    stamp = by_column["attempted_at"]
    assert stamp.examples == (("2025/2/30 8:05", 1), ("昨天", 2))
    assert "unparseable_timestamp:attempted_at" in stamp.message
    assert "defaults.timestamp_formats" in stamp.message
    assert by_column["satisfied"].examples == (("满意", 1),)


def test_ingest_loads_the_landed_text_so_staging_quarantines_it(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "callbacks").mkdir(parents=True)
    (landing / "_mapping.yml").write_text("mapping: dms_cn_example\n", encoding="utf-8")
    data = callbacks(**{"回访方式": ["电邮", "电话", "微信"]})
    header = ",".join(data.column_names)
    lines = [
        ",".join("" if v is None else f'"{v}"' for v in row.values()) for row in data.to_pylist()
    ]
    (landing / "callbacks" / "a.csv").write_text("\n".join([header, *lines]) + "\n", "utf-8")
    warehouse = tmp_path / "wh.duckdb"
    report = ingest_landing(landing, warehouse)
    assert report.rows_loaded["callbacks"] == 3
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select callback_id, channel, attempted_at, satisfied from raw.callbacks "
            "order by _row_number"
        ).fetchall()
    assert rows == [
        ("CB1", "电邮", "2025-01-03 08:05:00", "true"),
        ("CB2", "phone", "2025-01-03 08:05:00", ""),
        ("CB3", "wechat", "2025-01-03 08:05:00", "false"),
    ]


def test_missing_column_rejects_the_file(tmp_path: Path) -> None:
    _, problems = apply(callbacks().drop_columns(["回访时间", "客户意见"]))
    assert is_rejected(problems)
    kinds = {(p.kind, p.column, p.severity) for p in problems}
    assert kinds == {
        ("missing_column", "attempted_at", "reject"),
        ("missing_column", "comment", "reject"),
    }
    required = next(p for p in problems if p.column == "attempted_at")
    assert "no column '回访时间' for the required contract column callbacks.attempted_at" in (
        required.message
    )
    optional = next(p for p in problems if p.column == "comment")
    assert "optional contract column callbacks.comment" in optional.message
    assert "absent: true" in optional.message
    # the loader does not load it, says why, and loads the other files all the same
    landing = tmp_path / "landing"
    (landing / "tickets").mkdir(parents=True)
    header = ",".join(c for c in TABLES["tickets"].columns if c != "delivered_at")
    (landing / "tickets" / "b.csv").write_text(header + "\n", encoding="utf-8")
    (landing / "tickets" / "c.csv").write_text(
        ",".join(TABLES["tickets"].columns) + "\n", encoding="utf-8"
    )
    report = ingest_landing(landing, tmp_path / "wh.duckdb")
    assert [f.file_name for f in report.files_loaded] == ["c.csv"]
    [rejected] = report.files_rejected
    assert rejected.reason.startswith(
        "tickets/b.csv, line 1, column 'delivered_at': has no column 'delivered_at'"
    )
    assert "Export the column" in rejected.reason


def test_constant_and_absent_columns_are_explicit() -> None:
    mapping = parse_mapping(
        "version: 1\nname: t\ntables:\n  callbacks:\n    columns:\n"
        "      comment: {absent: true}\n      is_deleted: {constant: 'false'}\n"
    )
    data = pa.table(
        {c: pa.array(["x"], pa.string()) for c in TABLES["callbacks"].columns[:-3]}
        | {"updated_at": pa.array(["2025-01-01 00:00"], pa.string())}
    )
    out, problems = apply(data, mapping)
    assert problems == []
    assert out.column("comment").to_pylist() == [None]
    assert out.column("is_deleted").to_pylist() == ["false"]


def test_duplicate_and_unmapped_headers() -> None:
    data = callbacks()
    data = data.append_column("打印次数", pa.array(["1", "2", "1"]))
    _, problems = apply(data)
    [extra] = problems
    assert (extra.kind, extra.severity) == ("unmapped_header", "warning")
    assert "'打印次数' map to no contract column" in extra.message
    assert "ignore_headers" in extra.message
    ignoring = parse_mapping(
        DMS.path.read_text("utf-8").replace(
            "  callbacks:\n    columns:",
            "  callbacks:\n    ignore_headers: [打印次数]\n    columns:",
        ),
        DMS.path,
    )
    assert apply(data, ignoring)[1] == []
    twice = data.append_column(" 回访结果 ", pa.array(["拒访"] * 3))
    problems = apply(twice)[1]
    duplicate = next(p for p in problems if p.kind == "duplicate_header")
    assert duplicate.severity == "reject" and duplicate.column == "outcome"
    assert "appears 2 times" in duplicate.message


def test_units_and_value_maps_on_numbers() -> None:
    headers = {c: c for c in TABLES["tickets"].columns}
    mapping = parse_mapping(
        "version: 1\nname: t\ntables:\n  tickets:\n    columns:\n"
        "      sold_hours: {header: 工时(分钟), unit: minutes}\n"
        "      parts_amount: {unit: cents}\n"
        "      fault_level: {values: {紧急: '1'}}\n"
    )
    headers["sold_hours"] = "工时(分钟)"
    n = 4
    data = pa.table({h: pa.array(["" for _ in range(n)], pa.string()) for h in headers.values()})
    data = data.set_column(
        data.column_names.index("工时(分钟)"), "工时(分钟)", pa.array(["90", "7", "-30", "1,5"])
    )
    data = data.set_column(
        data.column_names.index("parts_amount"), "parts_amount", pa.array(["12345", "5", "", "x"])
    )
    data = data.set_column(
        data.column_names.index("fault_level"), "fault_level", pa.array(["紧急", "2", "", "低"])
    )
    out, problems = apply(data, mapping, "tickets")
    assert out.column("sold_hours").to_pylist() == ["1.5", "0.1167", "-0.5", "1,5"]
    assert out.column("parts_amount").to_pylist() == ["123.45", "0.05", "", "x"]
    assert out.column("fault_level").to_pylist() == ["1", "2", "", "低"]
    assert {p.column: p.examples for p in problems} == {
        "sold_hours": (("1,5", 4),),
        "parts_amount": (("x", 4),),
        "fault_level": (("低", 4),),
    }


def test_contract_mapping_keeps_contract_files_as_they_are() -> None:
    columns = TABLES["branches"].columns
    data = pa.table({f" {c.upper()} ": pa.array(["Dealer "], pa.string()) for c in columns})
    out, problems = apply(data, CONTRACT, "branches")
    assert problems == []
    assert out.column_names == list(columns)
    assert out.column("org_type").to_pylist() == ["Dealer "]  # raw keeps the text
