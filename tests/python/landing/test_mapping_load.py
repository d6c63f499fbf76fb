"""Mapping files: every problem named with file, line, key and what to do; selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.landing.mapping import (
    LANDING_MAPPING_FILE,
    MAPPINGS_DIR,
    MappingError,
    load_mapping,
    parse_mapping,
    select_mapping,
)

HEAD = "version: 1\nname: test\n"


def errors(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "vendor.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert str(path) in message and "docs/mapping.md" in message
    for problem in caught.value.problems:
        assert problem.startswith(f"{path}:"), problem
    return caught.value.problems


def test_shipped_mappings_are_valid() -> None:
    names = sorted(p.stem for p in MAPPINGS_DIR.glob("*.yml"))
    assert names == ["contract", "dms_cn_example"]
    contract = load_mapping(MAPPINGS_DIR / "contract.yml")
    assert all(rule.is_identity for t in contract.tables.values() for rule in t.columns)
    dms = load_mapping(MAPPINGS_DIR / "dms_cn_example.yml")
    # every column of every table has a Chinese header
    for table in dms.tables.values():
        for rule in table.columns:
            assert (rule.header and not rule.header.isascii()) or rule.header == "ABC分类", rule


def test_unknown_contract_column_names_line_and_choices(tmp_path: Path) -> None:
    text = (
        HEAD + "tables:\n  tickets:\n    columns:\n      ticket_id: 工单号\n      statuss: 状态\n"
    )
    [problem] = errors(text, tmp_path)
    assert ":7: tables.tickets.columns.statuss:" in problem
    assert "not a column of the contract table tickets" in problem and "status" in problem


def test_unknown_table_and_unknown_key(tmp_path: Path) -> None:
    text = HEAD + "tables:\n  invoices: {}\n  tickets:\n    colums: {}\n"
    problems = errors(text, tmp_path)
    assert any(":4: tables.invoices:" in p and "not a contract table" in p for p in problems)
    assert any(":6: tables.tickets.colums: unknown key" in p for p in problems)


def test_duplicate_source_header(tmp_path: Path) -> None:
    text = HEAD + (
        "tables:\n  tickets:\n    columns:\n"
        "      opened_at: 开单时间\n"
        "      updated_at: ' 开单时间'\n"
        "      status: ticket_type\n"
    )
    problems = errors(text, tmp_path)
    assert any(
        ":7: tables.tickets.columns.updated_at:" in p and "already the source of opened_at" in p
        for p in problems
    )
    # an unlisted column reads the header of its own name: status -> 'ticket_type' clashes
    assert any("already the source of" in p and "ticket_type" in p for p in problems)


def test_duplicate_yaml_key_is_not_silently_overwritten(tmp_path: Path) -> None:
    text = (
        HEAD
        + "tables:\n  tickets:\n    columns:\n      status:\n        values:\n"
        + ("          已交车: delivered\n          已交车: cancelled\n")
    )
    [problem] = errors(text, tmp_path)
    assert ":9: tables.tickets.columns.status.values.已交车: written twice (first on line 8)" in (
        problem
    )


def test_bad_timestamp_format_spec(tmp_path: Path) -> None:
    text = HEAD + (
        "defaults:\n  timestamp_formats: ['%Y/%m/%d %H:%M', '%Y/%m %H:%M']\n"
        "tables:\n  callbacks:\n    columns:\n      attempted_at:\n        formats: ['%d.%m.%y']\n"
    )
    problems = errors(text, tmp_path)
    assert any(":4: defaults.timestamp_formats.1: bad format" in p for p in problems)
    assert any(
        ":9: tables.callbacks.columns.attempted_at.formats.0: bad format" in p and "%y" in p
        for p in problems
    )


def test_values_must_be_contract_values(tmp_path: Path) -> None:
    text = HEAD + (
        "tables:\n  tickets:\n    columns:\n"
        "      status:\n        values: {已交车: deliverd, 维修中: in_progress}\n"
        "      is_internal:\n        values: {内部: maybe}\n"
        "      fault_level:\n        values: {紧急: high}\n"
    )
    problems = errors(text, tmp_path)
    assert any("status.values.已交车" in p and "'deliverd' is not a code" in p for p in problems)
    assert any("is_internal.values.内部" in p and "not a contract boolean" in p for p in problems)
    assert any("fault_level.values.紧急" in p and "not an integer" in p for p in problems)


def test_column_options_that_do_not_fit(tmp_path: Path) -> None:
    text = HEAD + (
        "tables:\n  tickets:\n    columns:\n"
        "      ticket_id: {header: 工单号, formats: ['%Y/%m/%d']}\n"
        "      opened_at: {absent: true}\n"
        "      delivered_at: {absent: true, header: 交车时间}\n"
        "      sold_hours: {header: 工时, unit: fortnights}\n"
        "      labor_amount: {unit: minutes}\n"
    )
    problems = errors(text, tmp_path)
    joined = "\n".join(problems)
    assert "ticket_id.formats: tickets.ticket_id is a text column" in joined
    assert "opened_at.absent: tickets.opened_at is required by the contract" in joined
    assert "delivered_at: header, constant and absent exclude each other" in joined
    assert "unknown unit 'fortnights' for tickets.sold_hours; use one of hours, minutes" in joined
    assert "unknown unit 'minutes' for tickets.labor_amount; use one of units, cents" in joined


def test_version_name_and_yaml_syntax(tmp_path: Path) -> None:
    problems = errors("name: x\ntables: {}\n", tmp_path)
    assert any("version must be 1" in p for p in problems)
    [problem] = errors(HEAD + "tables:\n  tickets: [unclosed\n", tmp_path)
    assert "not valid YAML" in problem


def test_scalars_stay_text() -> None:
    mapping = parse_mapping(
        HEAD
        + "defaults:\n  booleans: {true: [Y, yes, on], false: [N, no, off]}\n"
        + "tables:\n  branches:\n    columns:\n      opens_at: {constant: 08:00}\n"
    )
    rule = next(r for r in mapping.tables["branches"].columns if r.column == "is_deleted")
    assert rule.values == {
        "y": "true",
        "yes": "true",
        "on": "true",
        "n": "false",
        "no": "false",
        "off": "false",
    }
    opens = next(r for r in mapping.tables["branches"].columns if r.column == "opens_at")
    assert opens.constant == "08:00"  # not 480 (YAML 1.1 sexagesimal)


def test_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFTERSALES_MAPPING", raising=False)
    landing = tmp_path / "landing"
    landing.mkdir()
    assert select_mapping(landing).name == "contract"
    (landing / LANDING_MAPPING_FILE).write_text("mapping: dms_cn_example\n", encoding="utf-8")
    assert select_mapping(landing).name == "dms_cn_example"
    own = landing / "mine.yml"
    own.write_text(HEAD, encoding="utf-8")
    (landing / LANDING_MAPPING_FILE).write_text("mapping: mine.yml\n", encoding="utf-8")
    assert select_mapping(landing).name == "test"
    monkeypatch.setenv("AFTERSALES_MAPPING", "contract")  # the environment wins
    assert select_mapping(landing).name == "contract"
    monkeypatch.setenv("AFTERSALES_MAPPING", "dms_jp")
    with pytest.raises(MappingError, match="no shipped mapping named 'dms_jp'; shipped: contract"):
        select_mapping(landing)
    monkeypatch.delenv("AFTERSALES_MAPPING")
    (landing / LANDING_MAPPING_FILE).write_text("mapping:\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"_mapping.yml:1: mapping: names no mapping"):
        select_mapping(landing)
    (landing / LANDING_MAPPING_FILE).write_text("mapping: missing.yml\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"missing\.yml: no such file"):
        select_mapping(landing)
