"""The raw contract is written once (var ``raw_contract`` in ``dbt_project.yml``).

- ``orchestration.contract`` reads it: tables, keys, columns, and per column the rules.
- The dms source (``models/staging/dms/_dms__sources.yml``), which documents what each raw
  column means, lists exactly the contract's columns plus the load metadata, in order.
- Every rule is well-formed: known types, codes for code columns, checks with a reason and
  either a condition or a referenced contract table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from orchestration import contract
from orchestration.config import PROJECT_DIR

SOURCES = PROJECT_DIR / "models" / "staging" / "dms" / "_dms__sources.yml"


def test_tables_keys_and_columns_read_from_the_contract() -> None:
    assert len(contract.TABLES) == 7 and "callbacks" in contract.TABLES
    punches = contract.TABLES["time_punches"]
    assert punches.primary_key == "punch_id"
    assert punches.columns[-2:] == ("updated_at", "is_deleted")
    assert punches.spec("ticket_id").required_when == {"punch_type": ("job_start", "job_end")}
    assert contract.TABLES["technicians"].spec("phone").staged is False
    assert contract.TABLES["callbacks"].spec("satisfied").nullable is True
    assert {n for n, t in contract.TABLES.items() if t.versions_per_key == "many"} == {"tickets"}
    for table in contract.TABLES.values():
        assert table.columns == tuple(s.name for s in table.specs)
        assert table.primary_key == table.columns[0]


def test_dms_source_documents_exactly_the_contract_columns() -> None:
    document = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))
    # the DMS exports; the other source is the ingest's register (ingest_register)
    (source,) = [source for source in document["sources"] if source["name"] == "dms"]
    documented = {t["name"]: tuple(c["name"] for c in t["columns"]) for t in source["tables"]}
    expected = {
        name: (*table.columns, *contract.LOAD_METADATA_COLUMNS)
        for name, table in contract.TABLES.items()
    }
    assert documented == expected


def test_contract_rules_are_well_formed() -> None:
    raw = yaml.safe_load(contract.CONTRACT_PATH.read_text(encoding="utf-8"))["vars"]
    for name, table in contract.TABLES.items():
        for spec in table.specs:
            assert spec.type in contract.TYPES
            assert bool(spec.values) == (spec.type == "code"), (name, spec.name)
            assert not spec.nullable or spec.type == "boolean", (name, spec.name)
            assert set(spec.required_when) <= set(table.columns)
        for check in raw["raw_contract"][name].get("checks", []):
            assert check["reason"]
            if "references" in check:
                assert check["references"] in contract.TABLES
                assert check["column"] in table.columns
            else:
                assert set(check) == {"reason", "when"}, check
        # the order a full build writes stg_dms__<table> in (D-141): a date or timestamp
        if cluster_by := raw["raw_contract"][name].get("cluster_by"):
            assert table.spec(cluster_by).type in ("date", "timestamp"), (name, cluster_by)


def test_an_unknown_versions_per_key_stops_reading_the_contract(tmp_path: Path) -> None:
    """A typo must not quietly fall back to the window (D-129): it names the file, the
    table and the values to write."""
    raw = yaml.safe_load(contract.CONTRACT_PATH.read_text(encoding="utf-8"))
    raw["vars"]["raw_contract"]["tickets"]["versions_per_key"] = "manny"
    path = tmp_path / "dbt_project.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"raw_contract\.tickets\.versions_per_key is 'manny'"):
        contract.read_tables(path)
    raw["vars"]["raw_contract"]["tickets"]["versions_per_key"] = "few"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert contract.read_tables(path)["tickets"].versions_per_key == "few"
