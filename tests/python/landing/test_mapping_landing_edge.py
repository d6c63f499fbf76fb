"""The mapping inside the landing edge: chosen once per landing directory, applied in
``normalize`` for every file, its problems recorded per file in ``raw._landing_files``,
its reading options (``encoding``) in the same YAML, its fingerprint in the register."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.cli.batches import landing_report
from orchestration.config import Settings
from orchestration.contract import TABLES
from orchestration.engines import engine_for
from orchestration.engines.duckdb.ingest import ingest_landing
from orchestration.landing.context import LandingConfigError, load_source
from orchestration.landing.dry_run import DryRun, FileCheck, format_report
from orchestration.landing.mapping import MAPPINGS_DIR, load_mapping

DMS = load_mapping(MAPPINGS_DIR / "dms_cn_example.yml")
HEADERS = {
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
ROW = {
    "回访编号": "CB1",
    "工单号": "T1",
    "回访时间": "2025/1/3 8:05",
    "回访方式": "电话",
    "回访结果": "已接通",
    "是否满意": "是",
    "推荐意愿(0-10)": "9",
    "是否有遗留问题": "否",
    "问题是否解决": "",
    "是否投诉": "否",
    "客户意见": "很好",
    "更新时间": "2025/1/3 8:06:07",
    "删除标记": "否",
}


def _landing(tmp_path: Path, mapping_yml: str = "mapping: dms_cn_example\n") -> Path:
    landing = tmp_path / "landing"
    (landing / "callbacks").mkdir(parents=True)
    (landing / "_mapping.yml").write_text(mapping_yml, encoding="utf-8")
    return landing


def _csv(path: Path, row: dict[str, str], delimiter: str, encoding: str) -> None:
    text = delimiter.join(row) + "\n" + delimiter.join(row.values()) + "\n"
    path.write_bytes(text.encode(encoding))


def test_mapping_problems_become_file_statuses_and_register_rows(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    folder = landing / "callbacks"
    # GB18030, semicolons: the sniffer must find the delimiter from the *mapped* headers
    _csv(folder / "01.csv", ROW, ";", "gb18030")
    # an unknown channel label and a header the mapping does not know: loaded, warned
    _csv(
        folder / "02.csv", {**ROW, "回访编号": "CB2", "回访方式": "飞鸽", "备注": "x"}, ",", "utf-8"
    )
    # the mapped header of attempted_at is missing: rejected, the others load all the same
    _csv(folder / "03.csv", {k: v for k, v in ROW.items() if k != "回访时间"}, ",", "utf-8")
    warehouse = tmp_path / "aftersales.duckdb"
    report = ingest_landing(landing, warehouse)

    assert [f.file_name for f in report.files_loaded] == ["01.csv", "02.csv"]
    assert report.files_loaded[0].warnings == ()
    warnings = " | ".join(report.files_loaded[1].warnings)
    assert "'飞鸽'" in warnings and "'备注'" in warnings
    [rejected] = report.files_rejected
    assert rejected.reason.startswith("callbacks/03.csv, line 1, column 'attempted_at'")
    assert "'回访时间'" in rejected.reason and "dms_cn_example.yml" in rejected.reason
    assert any(line.startswith("WARNING  callbacks/02.csv") for line in report.lines())

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select callback_id, channel, attempted_at from raw.callbacks order by 1"
        ).fetchall() == [
            ("CB1", "phone", "2025-01-03 08:05:00"),
            ("CB2", "飞鸽", "2025-01-03 08:05:00"),
        ]
        snapshot = con.execute(
            "select file_name, status, warnings, mapping from raw._landing_files "
            "where folder = 'callbacks' order by 1"
        ).fetchall()
        loaded = con.execute(
            "select file_name, mapping from raw._loaded_files order by 1"
        ).fetchall()
    assert [(n, s) for n, s, _, _ in snapshot] == [
        ("01.csv", "loaded"),
        ("02.csv", "loaded"),
        ("03.csv", "rejected"),
    ]
    assert snapshot[0][2] is None and "飞鸽" in snapshot[1][2]
    assert {m for *_, m in snapshot} == {DMS.fingerprint}
    assert loaded == [("01.csv", DMS.fingerprint), ("02.csv", DMS.fingerprint)]
    summary = "\n".join(landing_report(engine_for(Settings(tmp_path, tmp_path, tmp_path, None))))
    assert "REJECTED callbacks/03.csv" in summary
    assert "WARNING  callbacks/02.csv" in summary and "飞鸽" in summary
    # no personal data in the messages: the free-text comment never appears
    assert "很好" not in summary and "很好" not in rejected.reason


def test_dry_run_shows_mapping_warnings() -> None:
    check = FileCheck("callbacks/02.csv", "loaded", "", warnings=["column(s) '备注' map to no"])
    text = format_report(DryRun(Path("x"), 0.05, [check]))
    assert "mapping warning: column(s) '备注' map to no" in text


def test_encoding_pin_lives_in_the_mapping_and_is_validated(tmp_path: Path) -> None:
    landing = _landing(
        tmp_path,
        "version: 1\nname: local\ndefaults:\n  encoding: latin-1\n"
        "tables:\n  callbacks:\n    encoding: utf-8\n",
    )
    mapping = load_source(landing)
    assert mapping.encodings["callbacks"] == "utf-8"
    assert mapping.encodings["tickets"] != "utf-8"  # the default, canonical latin-1
    (landing / "_mapping.yml").write_text(
        "version: 1\nname: local\ndefaults:\n  encoding: klingon\n", encoding="utf-8"
    )
    with pytest.raises(LandingConfigError, match=r"_mapping.yml:4: .*unknown encoding 'klingon'"):
        load_source(landing)


def test_the_former_landing_toml_is_refused_with_where_its_settings_go(tmp_path: Path) -> None:
    landing = _landing(tmp_path)
    (landing / "landing.toml").write_text('[defaults]\nencoding = "gb18030"\n')
    with pytest.raises(LandingConfigError, match="under 'defaults:'"):
        ingest_landing(landing, tmp_path / "wh.duckdb")
    assert not (tmp_path / "wh.duckdb").exists()


def test_contract_files_record_the_contract_mapping(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "tickets").mkdir(parents=True)
    (landing / "tickets" / "a.csv").write_text(",".join(TABLES["tickets"].columns) + "\n")
    report = ingest_landing(landing, tmp_path / "wh.duckdb")
    assert report.files_loaded[0].mapping == load_mapping(MAPPINGS_DIR / "contract.yml").fingerprint


@pytest.mark.parametrize("vendor_format", ["gb18030", "xlsx"])
def test_generator_writes_the_vendor_shape_as_gb18030_or_excel(
    tmp_path: Path, vendor_format: str
) -> None:
    """The same vendor-shaped data written as GB18030 CSVs or Excel workbooks lands as the
    same raw rows as the UTF-8 CSVs (read through the same mapping)."""
    from datetime import date

    from orchestration.sample_data import generate

    params = dict(seed=4, days=3, branches=2, orders_per_day=5, start_date=date(2025, 9, 1))
    raws = {}
    for fmt in ("csv", vendor_format):
        landing = tmp_path / fmt
        generate(landing, shape="dms_cn", vendor_format=fmt, **params)
        suffixes = {p.suffix for p in (landing / "tickets").iterdir()}
        assert suffixes == {".xlsx" if fmt == "xlsx" else ".csv"}
        if fmt == "gb18030":
            head = next((landing / "tickets").iterdir()).read_bytes()[:40]
            assert "工单号".encode("gb18030") in head
        report = ingest_landing(landing, tmp_path / f"{fmt}.duckdb")
        assert not report.files_rejected, report.rejection_message()
        with duckdb.connect(str(tmp_path / f"{fmt}.duckdb"), read_only=True) as con:
            raws[fmt] = {
                t: con.execute(
                    f"select * exclude (_source_file, _file_hash, _loaded_at) from raw.{t} "
                    "order by all"
                ).fetchall()
                for t in ("tickets", "callbacks", "time_punches")
            }
    assert raws["csv"]["tickets"], "the sample should have tickets"
    assert raws[vendor_format] == raws["csv"]
