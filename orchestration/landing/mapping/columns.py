"""What the mapping needs to know about each contract column: its kind, codes, nullability.

Column lists, codes and which columns may be empty come from the raw contract
(``orchestration.contract``, the dbt var ``raw_contract``); the kinds below say how the
mapping parses a column's values (a test keeps them in step with the sample generator's).
"""

from __future__ import annotations

from orchestration.contract import TABLES

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
_KINDS: dict[str, str] = {
    **dict.fromkeys(
        [
            "updated_at",
            "opened_at",
            "appointment_booked_at",
            "appointment_at",
            "reminder_sent_at",
            "first_response_at",
            "arrived_at",
            "promised_at",
            "work_started_at",
            "work_completed_at",
            "invoiced_at",
            "delivered_at",
            "requested_at",
            "issued_at",
            "ordered_at",
            "received_at",
            "punched_at",
            "attempted_at",
        ],
        TIMESTAMP,
    ),
    **dict.fromkeys(
        [
            "hired_on",
            "left_on",
            "sold_on",
            "warranty_end_on",
            "contract_start_on",
            "contract_end_on",
        ],
        DATE,
    ),
    **dict.fromkeys(
        [
            "is_deleted",
            "is_internal",
            "precheck_done",
            "precheck_form_used",
            "precheck_with_customer",
            "quoted_from_catalog",
            "explained_at_delivery",
            "warranty_claim",
            "satisfied",
            "problem_reported",
            "problem_resolved",
            "complaint",
        ],
        BOOLEAN,
    ),
    **dict.fromkeys(("fault_level", "nps_score"), INTEGER),
    **dict.fromkeys(
        [
            "sold_hours",
            "labor_amount",
            "parts_amount",
            "qty_requested",
            "qty_from_stock",
            "unit_price",
        ],
        DECIMAL,
    ),
    **dict.fromkeys(
        [
            "org_type",
            "role",
            "ticket_type",
            "status",
            "part_class",
            "punch_type",
            "source",
            "channel",
            "outcome",
        ],
        CODE,
    ),
    **dict.fromkeys(("opens_at", "closes_at"), TIME),
}
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
    return _KINDS.get(column, TEXT)


def codes(table: str, column: str) -> frozenset[str] | None:
    """The contract's codes of an enumerated column (lower case), else None."""
    spec = TABLES[table].spec(column)
    return frozenset(v.lower() for v in spec.values) if spec.type == "code" else None


def is_required(table: str, column: str) -> bool:
    """Whether the contract column may not be empty: required, the primary key, or a
    boolean whose empty means false (the raw contract does not mark it `null`)."""
    spec = TABLES[table].spec(column)
    return (
        spec.required
        or column == TABLES[table].primary_key
        or (spec.type == "boolean" and not spec.nullable)
    )


def unit_dimension(column: str) -> str | None:
    if column in HOURS_COLUMNS:
        return "hours"
    if column in MONEY_COLUMNS:
        return "money"
    return None


def contract_columns(table: str) -> tuple[str, ...]:
    return TABLES[table].columns
