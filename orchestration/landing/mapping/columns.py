"""What the mapping needs to know about each contract column: its kind, codes, nullability.

The column lists come from ``orchestration.contract``; kinds, codes and nullability are the
raw contract's (``models/staging/dms/_dms__docs.md``), the same facts the sample generator
writes (``orchestration/sample_data/schema.py``; a test keeps the two in step).
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
_CODES: dict[str, frozenset[str]] = {
    "org_type": frozenset({"representative_office", "dealer", "supplier"}),
    "role": frozenset({"technician", "advisor"}),
    "ticket_type": frozenset({"repair", "maintenance", "warranty", "inspection", "consult"}),
    "part_class": frozenset({"a", "b", "c"}),
    "punch_type": frozenset({"shift_start", "shift_end", "job_start", "job_end"}),
    "source": frozenset({"terminal", "mobile", "manual"}),
    "channel": frozenset({"phone", "sms", "wechat", "letter"}),
    "outcome": frozenset(
        {"reached", "no_answer", "voicemail", "letter_sent", "refused", "wrong_number"}
    ),
}
_STATUS: dict[str, frozenset[str]] = {
    "tickets": frozenset(
        {"open", "in_progress", "waiting_parts", "completed", "delivered", "cancelled"}
    ),
    "part_requests": frozenset({"requested", "issued", "backordered", "cancelled"}),
}
_NULLABLE: dict[str, frozenset[str]] = {
    "branches": frozenset(),
    "technicians": frozenset({"left_on"}),
    "assets": frozenset({"warranty_end_on", "contract_start_on", "contract_end_on"}),
    "tickets": frozenset(
        [
            "asset_id",
            "advisor_id",
            "technician_id",
            "fault_level",
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
            "rework_of_ticket_id",
        ]
    ),
    "part_requests": frozenset({"issued_at", "ordered_at", "received_at"}),
    "time_punches": frozenset({"ticket_id"}),
    "callbacks": frozenset(
        {"satisfied", "nps_score", "problem_reported", "problem_resolved", "complaint", "comment"}
    ),
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
    if column == "status":
        return _STATUS.get(table)
    return _CODES.get(column)


def is_required(table: str, column: str) -> bool:
    """Whether the contract column is required (not marked `null`)."""
    return column not in _NULLABLE[table]


def unit_dimension(column: str) -> str | None:
    if column in HOURS_COLUMNS:
        return "hours"
    if column in MONEY_COLUMNS:
        return "money"
    return None


def contract_columns(table: str) -> tuple[str, ...]:
    return TABLES[table].columns
