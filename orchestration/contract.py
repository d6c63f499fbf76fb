"""The raw source contract as data: landing tables, their columns and primary keys.

The contract is written once, as the dbt var ``raw_contract`` in ``dbt_project.yml``: per
table its primary key, its columns in export order (type, required, codes, ...) and its
row checks. dbt generates the staging models from it (``macros/staging/dms_contract.sql``);
this module reads the same file for Python.

The ingest step creates one ``raw.<table>`` per entry with every contract column as text
plus the load metadata columns; parsing and validation happen in dbt staging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "dbt_project.yml"

LOAD_METADATA_COLUMNS: tuple[str, ...] = (
    "_source_file",  # basename of the landed file (file names sort in export order)
    "_file_hash",  # sha256 of the file's bytes
    "_row_number",  # 1-based data row inside the file
    "_loaded_at",  # UTC time the file was loaded
)

TYPES = (
    "text",
    "code",
    "integer",
    "decimal",
    "boolean",
    "timestamp",
    "date",
    "time_hhmm",
    "weekdays",
)

# how many versions a table's keys usually have: "many" picks the latest by an aggregate
# on DuckDB (D-129); "few", the default, by a window
VERSIONS_PER_KEY = ("few", "many")


@dataclass(frozen=True)
class Column:
    """One contract column: its type and rules."""

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()  # the codes of a ``code`` column
    nullable: bool = False  # boolean only: empty is null instead of false
    required_when: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    staged: bool = True  # False: personal data, dropped by stg_dms__<table>


@dataclass(frozen=True)
class Table:
    name: str
    primary_key: str
    columns: tuple[str, ...]
    specs: tuple[Column, ...] = ()  # the same columns with their rules
    versions_per_key: str = "few"  # one of VERSIONS_PER_KEY

    def spec(self, column: str) -> Column:
        return next(s for s in self.specs if s.name == column)


def _column(table: str, entry: dict[str, Any]) -> Column:
    meta = entry
    name = entry["name"]
    if meta.get("type") not in TYPES:
        raise ValueError(
            f"{CONTRACT_PATH}: raw_contract.{table}.{name}: type must be one of {TYPES}"
        )
    return Column(
        name=name,
        type=meta["type"],
        required=bool(meta.get("required", False)),
        values=tuple(str(v) for v in meta.get("values", ())),
        nullable=bool(meta.get("nullable", False)),
        required_when={k: tuple(v) for k, v in (meta.get("required_when") or {}).items()},
        staged=bool(meta.get("staged", True)),
    )


def _versions_per_key(path: Path, table: str, entry: dict[str, Any]) -> str:
    value = entry.get("versions_per_key", "few")
    if value not in VERSIONS_PER_KEY:
        raise ValueError(
            f"{path}: raw_contract.{table}.versions_per_key is {value!r}: write one of "
            f"{VERSIONS_PER_KEY} (many: its keys usually have several versions), or leave "
            "it out for few"
        )
    return str(value)


def read_tables(path: Path = CONTRACT_PATH) -> dict[str, Table]:
    """The contract's tables, in file order, from the var ``raw_contract`` of ``path``."""
    contract = yaml.safe_load(path.read_text(encoding="utf-8"))["vars"]["raw_contract"]
    tables: dict[str, Table] = {}
    for name, entry in contract.items():
        specs = tuple(_column(name, c) for c in entry["columns"])
        tables[name] = Table(
            name,
            entry["primary_key"],
            tuple(s.name for s in specs),
            specs,
            _versions_per_key(path, name, entry),
        )
    return tables


TABLES: dict[str, Table] = read_tables()
