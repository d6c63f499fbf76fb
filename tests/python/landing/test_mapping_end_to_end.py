"""End to end through a vendor mapping: the same sample data written as a Chinese DMS
exports it (``aftersales-generate --shape dms_cn``: Chinese headers and labels, 是/否,
``2025/1/3 8:05`` and Excel serial timestamps, sold hours in minutes) and read through
``mappings/dms_cn_example.yml`` must publish exactly the ``kpi_values`` of the
contract-shaped run (``refreshed`` in conftest.py), and quarantine the same rows.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from orchestration.contract import TABLES as CONTRACT_TABLES
from orchestration.landing.mapping import LANDING_MAPPING_FILE

BATCH_TOTALS = (
    "select table_name, sum(rows_arrived), sum(rows_kept), sum(rows_quarantined) "
    "from staging.stg_dms__batch_quality group by table_name order by table_name"
)
REASONS = (
    "select '{t}', quarantine_reason, count(*) from staging.stg_dms__{t}_quarantine "
    "group by quarantine_reason"
)
TABLES = tuple(CONTRACT_TABLES)


@pytest.fixture(scope="module")
def dms_run(tmp_path_factory: pytest.TempPathFactory, small_landing_spec: dict) -> SimpleNamespace:
    from orchestration.cli.refresh import main
    from orchestration.sample_data import generate

    base = tmp_path_factory.mktemp("dms_cn")
    landing, warehouse, serving = base / "landing", base / "warehouse", base / "serving"
    generate(landing, shape="dms_cn", **small_landing_spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AFTERSALES_LANDING_DIR", str(landing))
        patch.setenv("AFTERSALES_WAREHOUSE_DIR", str(warehouse))
        patch.setenv("AFTERSALES_SERVING_DIR", str(serving))
        patch.delenv("AFTERSALES_AS_OF", raising=False)
        patch.delenv("AFTERSALES_MAPPING", raising=False)
        patch.delenv("AFTERSALES_FAILURE_WEBHOOK_URL", raising=False)
        exit_code = main([])
    return SimpleNamespace(landing=landing, warehouse=warehouse, serving=serving, code=exit_code)


def test_the_landing_directory_is_vendor_shaped(dms_run: SimpleNamespace) -> None:
    assert (
        (dms_run.landing / LANDING_MAPPING_FILE)
        .read_text("utf-8")
        .strip()
        .endswith("mapping: dms_cn_example")
    )
    tickets = sorted((dms_run.landing / "tickets").iterdir())
    text = "".join(p.read_text("utf-8-sig") for p in tickets)
    assert text.startswith("工单号,网点编码")
    assert "已交车" in text and "维修中" in text and ",是," in text
    assert "ticket_id" not in text and "delivered" not in text
    # Excel-style timestamps and serial numbers both occur
    assert any(f",{y}/" in text for y in ("2025",))
    assert any(char.isdigit() for char in text)
    serial_files = [
        p for p in tickets if p.read_text("utf-8-sig").splitlines()[1].split(",")[9].count(".")
    ]
    assert serial_files, "no tickets file with Excel serial timestamps"


def test_kpi_values_identical_to_the_contract_shaped_run(
    dms_run: SimpleNamespace, refreshed: SimpleNamespace
) -> None:
    assert refreshed.exit_code == 0 and dms_run.code == 0
    with duckdb.connect() as con:
        con.execute(f"attach '{refreshed.serving / 'aftersales.duckdb'}' as contract (read_only)")
        con.execute(f"attach '{dms_run.serving / 'aftersales.duckdb'}' as dms (read_only)")
        rows = con.execute("select count(*) from contract.marts.kpi_values").fetchone()[0]
        assert rows > 1000
        assert con.execute("select count(*) from dms.marts.kpi_values").fetchone()[0] == rows
        for left, right in (("contract", "dms"), ("dms", "contract")):
            extra = con.execute(
                f"select count(*) from (select * from {left}.marts.kpi_values "
                f"except all select * from {right}.marts.kpi_values)"
            ).fetchone()[0]
            assert extra == 0, f"{extra} kpi_values rows of {left} are not in {right}"


def test_same_rows_quarantined_for_the_same_reasons(
    dms_run: SimpleNamespace, refreshed: SimpleNamespace
) -> None:
    def quality(warehouse: Path) -> tuple[list, list]:
        with duckdb.connect(str(warehouse / "aftersales.duckdb"), read_only=True) as con:
            totals = con.execute(BATCH_TOTALS).fetchall()
            reasons = con.execute(
                " union all ".join(REASONS.format(t=t) for t in TABLES) + " order by 1, 2"
            ).fetchall()
        return totals, reasons

    contract, dms = quality(refreshed.warehouse), quality(dms_run.warehouse)
    assert dms == contract
    assert sum(n for *_, n in contract[1]) > 0, "the sample should carry quarantined rows"
