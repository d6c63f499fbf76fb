"""What the mapping needs to know about each contract column: its kind, codes, nullability.

The column lists come from ``orchestration.contract``; kinds, codes and nullability are the
raw contract's (``models/staging/dms/_dms__docs.md``), the same facts the sample generator
uses (``orchestration/sample_data/schema.py``; a test keeps the two in step).
"""

from __future__ import annotations

from orchestration.contract import TABLES
from orchestration.sample_data.schema import CODE_VALUES, KINDS, NULLABLE, STATUS_VALUES

TIMESTAMP, DATE, TIME, BOOLEAN, INTEGER, DECIMAL, CODE, TEXT = (
    "timestamp",
    "date",
    "time",
    "boolean",
    "integer",
    "decimal",
    "code",
    "text",
)
_FROM_SCHEMA = {
    "ts": TIMESTAMP,
    "date": DATE,
    "bool": BOOLEAN,
    "bool_null": BOOLEAN,
    "int": INTEGER,
    "dec": DECIMAL,
    "code": CODE,
    "text": TEXT,
}
TIME_COLUMNS = frozenset({"opens_at", "closes_at"})

# Boolean spellings staging accepts (lower case); anything else is unparseable_boolean.
BOOLEAN_TRUE = ("true", "1", "y", "yes", "t")
BOOLEAN_FALSE = ("false", "0", "n", "no", "f")

# Units a decimal column may be exported in, by the column's dimension, as the factor
# that turns one source unit into the contract's unit.
HOURS_COLUMNS = frozenset({"sold_hours"})
MONEY_COLUMNS = frozenset({"labor_amount", "parts_amount", "unit_price"})
UNITS: dict[str, dict[str, str]] = {
    "hours": {"hours": "1", "minutes": "1/60", "seconds": "1/3600"},
    "money": {"units": "1", "cents": "1/100", "ten_thousands": "10000"},
}


def kind(table: str, column: str) -> str:
    """The kind of a contract column (one of the constants above)."""
    if column in TIME_COLUMNS:
        return TIME
    return _FROM_SCHEMA[KINDS[table][column]]


def codes(table: str, column: str) -> frozenset[str] | None:
    """The contract's codes of an enumerated column (lower case), else None."""
    if column == "status":
        return STATUS_VALUES.get(table)
    return CODE_VALUES.get(column)


def is_required(table: str, column: str) -> bool:
    """Whether the contract column is required (not marked `null`)."""
    return column not in NULLABLE[table]


def unit_dimension(column: str) -> str | None:
    if column in HOURS_COLUMNS:
        return "hours"
    if column in MONEY_COLUMNS:
        return "money"
    return None


def contract_columns(table: str) -> tuple[str, ...]:
    return TABLES[table].columns
