"""The generator's vendor shape and the mapping's view of the contract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

from orchestration.contract import TABLES
from orchestration.landing.mapping import (
    LANDING_MAPPING_FILE,
    MAPPINGS_DIR,
    FileContext,
    apply_mapping,
    load_mapping,
)
from orchestration.landing.mapping import columns as C
from orchestration.sample_data import generate
from orchestration.sample_data import schema as S

TINY = {"seed": 3, "days": 4, "branches": 2, "orders_per_day": 6, "start_date": date(2025, 3, 1)}


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "summary.json"
    }


def test_contract_facts_match_the_generators() -> None:
    kinds = {"ts": "timestamp", "date": "date", "bool": "boolean", "bool_null": "boolean"}
    kinds |= {"int": "integer", "dec": "decimal", "code": "code", "text": "text"}
    for table, spec in TABLES.items():
        for column in spec.columns:
            expected = (
                "time" if column in ("opens_at", "closes_at") else kinds[S.KINDS[table][column]]
            )
            assert C.kind(table, column) == expected, (table, column)
            assert C.is_required(table, column) == (column not in S.NULLABLE[table])
            if S.KINDS[table][column] == "code":
                theirs = S.STATUS_VALUES[table] if column == "status" else S.CODE_VALUES[column]
                assert C.codes(table, column) == theirs


def test_dms_shape_is_deterministic_and_reads_back_without_problems(tmp_path: Path) -> None:
    first, second, contract = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, shape="dms_cn", **TINY)
    generate(second, shape="dms_cn", **TINY)
    assert _files(first) == _files(second)
    generate(contract, **TINY)
    assert not (contract / LANDING_MAPPING_FILE).exists()
    mapping = load_mapping(MAPPINGS_DIR / "dms_cn_example.yml")
    rows = 0
    for table in TABLES:
        for path in sorted((first / table).iterdir()):
            assert path.suffix == ".csv"  # a DMS exports CSV
            header = pa_csv.read_csv(path).column_names
            options = pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            )
            data = pa_csv.read_csv(path, convert_options=options)
            assert not set(data.column_names) & set(TABLES[table].columns) - {"ABC分类"}
            _, problems = apply_mapping(data, mapping, FileContext(table, path.name))
            # only injected violations are unknown to the mapping
            assert all(p.kind == "unmapped_value" for p in problems), problems
            rows += data.num_rows
    assert rows > 100
    # regenerating the contract shape over a vendor-shaped folder drops its _mapping.yml
    generate(first, **TINY)
    assert not (first / LANDING_MAPPING_FILE).exists()
