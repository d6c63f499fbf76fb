"""Value kinds of the contract columns (the columns themselves come from the contract).

Simulation modules hand over rows as ``dict[column, numpy array]`` in these encodings:

- ``ts``: local wall clock as naive epoch seconds (int64), ``NULL_I`` for null
- ``date``: days since 1970-01-01 (int64), ``NULL_I`` for null
- ``bool`` / ``bool_null``: int8 1/0, -1 for null (only ``bool_null`` may be null)
- ``int``: int64, ``NULL_I`` for null
- ``dec``: float64, NaN for null
- ``code``: enumerated code (object array of str)
- ``text``: free text or id (object array of str or None)
"""

from __future__ import annotations

from orchestration.contract import TABLES

TS = (
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
)
DATES = (
    "hired_on",
    "left_on",
    "sold_on",
    "warranty_end_on",
    "contract_start_on",
    "contract_end_on",
)
BOOLS = (
    "is_deleted",
    "is_internal",
    "precheck_done",
    "precheck_form_used",
    "precheck_with_customer",
    "quoted_from_catalog",
    "explained_at_delivery",
    "warranty_claim",
)
BOOLS_NULL = ("satisfied", "problem_reported", "problem_resolved", "complaint")
INTS = ("fault_level", "nps_score")
DECS = (
    "sold_hours",
    "labor_amount",
    "parts_amount",
    "qty_requested",
    "qty_from_stock",
    "unit_price",
)
CODES = (
    "org_type",
    "role",
    "ticket_type",
    "status",
    "part_class",
    "punch_type",
    "source",
    "channel",
    "outcome",
)


def kind_of(column: str) -> str:
    for kind, names in (
        ("ts", TS),
        ("date", DATES),
        ("bool", BOOLS),
        ("bool_null", BOOLS_NULL),
        ("int", INTS),
        ("dec", DECS),
        ("code", CODES),
    ):
        if column in names:
            return kind
    return "text"


KINDS: dict[str, dict[str, str]] = {
    name: {col: kind_of(col) for col in table.columns} for name, table in TABLES.items()
}

# Columns that carry the branch (for the branch's time zone) in each table.
BRANCH_COLUMN = {
    "branches": "branch_code",
    "technicians": "branch_code",
    "tickets": "branch_code",
    "part_requests": "branch_code",
    "time_punches": "branch_code",
}

# Enumerated codes of the raw contract (lower case).
CODE_VALUES: dict[str, frozenset[str]] = {
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
STATUS_VALUES: dict[str, frozenset[str]] = {
    "tickets": frozenset(
        {"open", "in_progress", "waiting_parts", "completed", "delivered", "cancelled"}
    ),
    "part_requests": frozenset({"requested", "issued", "backordered", "cancelled"}),
}

# Columns the contract marks `null` (every other column is required).
NULLABLE: dict[str, frozenset[str]] = {
    "branches": frozenset(),
    "technicians": frozenset({"left_on"}),
    "assets": frozenset({"warranty_end_on", "contract_start_on", "contract_end_on"}),
    "tickets": frozenset(
        {
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
        }
    ),
    "part_requests": frozenset({"issued_at", "ordered_at", "received_at"}),
    "time_punches": frozenset({"ticket_id"}),
    "callbacks": frozenset(
        {"satisfied", "nps_score", "problem_reported", "problem_resolved", "complaint", "comment"}
    ),
}
