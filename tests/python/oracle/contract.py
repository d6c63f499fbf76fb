"""The raw source contract, written out again for the oracle: column types and checks.

Deliberately independent of ``orchestration.contract`` and of the dbt staging models: the
column types, code lists and quarantine rules below are transcribed from the contract text
(docs/raw-contract wording: "Tables", "Value formats", "Bad input").

:func:`parse_row` turns one landed row (text from CSV, or typed values from Parquet) into
typed Python values and the list of reason codes that quarantine it (empty when valid).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Column kinds: pk (primary key text), id (required trimmed text), id? (nullable trimmed
# text), text / text? (free text), branch (known branch code), ts / ts?, date / date?,
# bool (empty = false), bool? (empty = null), dec (non-negative decimal), int?,
# enum:<a,b,..> (case-insensitive, trimmed), plus a few one-offs.
TABLES: dict[str, dict[str, str]] = {
    "branches": {
        "branch_code": "pk",
        "branch_name": "text",
        "region": "text",
        "province": "text",
        "org_type": "enum:representative_office,dealer,supplier",
        "timezone": "tz",
        "opens_at": "hhmm",
        "closes_at": "hhmm",
        "open_weekdays": "weekdays",
    },
    "technicians": {
        "employee_id": "pk",
        "branch_code": "branch",
        "role": "enum:technician,advisor",
        "full_name": "text",
        "phone": "text",
        "hired_on": "date",
        "left_on": "date?",
    },
    "assets": {
        "asset_id": "pk",
        "customer_id": "id",
        "product_line": "text",
        "sold_on": "date",
        "warranty_end_on": "date?",
        "contract_start_on": "date?",
        "contract_end_on": "date?",
    },
    "tickets": {
        "ticket_id": "pk",
        "branch_code": "branch",
        "customer_id": "id",
        "asset_id": "id?",
        "advisor_id": "id?",
        "technician_id": "id?",
        "ticket_type": "enum:repair,maintenance,warranty,inspection,consult",
        "fault_level": "fault_level?",
        "is_internal": "bool",
        "opened_at": "ts",
        "appointment_booked_at": "ts?",
        "appointment_at": "ts?",
        "reminder_sent_at": "ts?",
        "first_response_at": "ts?",
        "arrived_at": "ts?",
        "precheck_done": "bool",
        "precheck_form_used": "bool",
        "precheck_with_customer": "bool",
        "quoted_from_catalog": "bool",
        "promised_at": "ts?",
        "work_started_at": "ts?",
        "work_completed_at": "ts?",
        "invoiced_at": "ts?",
        "delivered_at": "ts?",
        "explained_at_delivery": "bool",
        "status": "enum:open,in_progress,waiting_parts,completed,delivered,cancelled",
        "sold_hours": "dec",
        "labor_amount": "dec",
        "parts_amount": "dec",
        "warranty_claim": "bool",
        "rework_of_ticket_id": "id?",
    },
    "part_requests": {
        "request_line_id": "pk",
        "ticket_id": "id",
        "branch_code": "branch",
        "part_number": "id",
        "part_class": "enum:a,b,c",
        "qty_requested": "dec",
        "qty_from_stock": "dec",
        "requested_at": "ts",
        "issued_at": "ts?",
        "ordered_at": "ts?",
        "received_at": "ts?",
        "unit_price": "dec",
        "status": "enum:requested,issued,backordered,cancelled",
    },
    "time_punches": {
        "punch_id": "pk",
        "employee_id": "id",
        "branch_code": "branch",
        "punch_type": "enum:shift_start,shift_end,job_start,job_end",
        "ticket_id": "id?",
        "punched_at": "ts",
        "source": "enum:terminal,mobile,manual",
    },
    "callbacks": {
        "callback_id": "pk",
        "ticket_id": "id",
        "attempted_at": "ts",
        "channel": "enum:phone,sms,wechat,letter",
        "outcome": "enum:reached,no_answer,voicemail,letter_sent,refused,wrong_number",
        "satisfied": "bool?",
        "nps_score": "nps?",
        "problem_reported": "bool?",
        "problem_resolved": "bool?",
        "complaint": "bool?",
        "comment": "text?",
    },
}
for _columns in TABLES.values():
    _columns["updated_at"] = "ts"
    _columns["is_deleted"] = "bool"

PRIMARY_KEYS = {
    table: next(c for c, kind in cols.items() if kind == "pk") for table, cols in TABLES.items()
}

TRUE_WORDS = {"true", "1", "y", "yes", "t"}
FALSE_WORDS = {"false", "0", "n", "no", "f"}
_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DEC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT = re.compile(r"^[+-]?\d+$")
_HHMM = re.compile(r"^(\d{2}):(\d{2})$")
_WEEKDAYS = re.compile(r"^[1-7]+$")


class Bad(ValueError):
    """A value that breaks the contract; the message is the reason code."""


def _text(value: object) -> str | None:
    """The value as trimmed text; empty is null."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from Parquet
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def parse_timestamp(value: object, column: str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    text = _text(value)
    assert text is not None
    match = _TS.match(text)
    if not match:
        raise Bad(f"unparseable_timestamp:{column}")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise Bad(f"unparseable_timestamp:{column}") from None


def _parse_date(value: object, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    assert text is not None
    match = _DATE.match(text)
    try:
        if not match:
            raise ValueError
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise Bad(f"unparseable_date:{column}") from None


def _parse_decimal(value: object, column: str) -> Decimal:
    if isinstance(value, bool):
        raise Bad(f"unparseable_number:{column}")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value)
        assert text is not None
        if not _DEC.match(text):
            raise Bad(f"unparseable_number:{column}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Bad(f"unparseable_number:{column}") from None
    if number < 0:
        raise Bad(f"negative_value:{column}")
    return number


def _parse_int(value: object, column: str) -> int:
    if isinstance(value, bool):
        raise Bad(f"unparseable_number:{column}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != int(value):
            raise Bad(f"unparseable_number:{column}")
        return int(value)
    text = _text(value)
    assert text is not None
    if not _INT.match(text):
        raise Bad(f"unparseable_number:{column}")
    return int(text)


def _parse_bool(value: object, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value) if isinstance(value, int) else (_text(value) or "").lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Bad(f"unparseable_boolean:{column}")


def _parse(kind: str, value: object, column: str) -> object:
    """Typed value of a non-empty field."""
    if kind in ("pk", "id", "id?", "branch"):
        return _text(value)
    if kind in ("text", "text?"):
        return value if isinstance(value, str) else str(value)
    if kind.startswith("enum:"):
        code = (_text(value) or "").lower()
        if code not in kind[5:].split(","):
            raise Bad(f"invalid_code:{column}")
        return code
    if kind in ("ts", "ts?"):
        return parse_timestamp(value, column)
    if kind in ("date", "date?"):
        return _parse_date(value, column)
    if kind in ("bool", "bool?"):
        return _parse_bool(value, column)
    if kind == "dec":
        return _parse_decimal(value, column)
    if kind == "fault_level?":
        level = _parse_int(value, column)
        if level not in (1, 2, 3):
            raise Bad(f"invalid_code:{column}")
        return level
    if kind == "nps?":
        score = _parse_int(value, column)
        if not 0 <= score <= 10:
            raise Bad("nps_out_of_range")
        return score
    if kind == "tz":
        name = _text(value) or ""
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise Bad(f"invalid_code:{column}") from None
        return name
    if kind == "hhmm":
        if not isinstance(value, str):
            value = str(value)[:5]
        match = _HHMM.match(value.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise Bad(f"unparseable_time:{column}")
        return value.strip()
    if kind == "weekdays":
        text = _text(value) or ""
        if not _WEEKDAYS.match(text):
            raise Bad(f"invalid_code:{column}")
        return text
    raise AssertionError(f"unknown kind {kind}")


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip() == ""


def parse_row(
    table: str, raw: dict[str, object], known_branches: set[str]
) -> tuple[dict[str, object], list[str]]:
    """Typed values and quarantine reasons (empty list: the row is valid)."""
    typed: dict[str, object] = {}
    reasons: list[str] = []
    for column, kind in TABLES[table].items():
        value = raw.get(column)
        if _is_empty(value):
            if kind == "pk":
                reasons.append("missing_primary_key")
            elif kind == "bool":
                typed[column] = False
                continue
            elif not kind.endswith("?"):
                reasons.append(f"missing_required:{column}")
            typed[column] = None
            continue
        try:
            typed[column] = _parse(kind, value, column)
        except Bad as bad:
            reasons.append(str(bad))
            typed[column] = None
        if kind == "branch" and typed[column] is not None and typed[column] not in known_branches:
            reasons.append("unknown_branch_code")
    reasons.extend(_row_rules(table, typed))
    return typed, reasons


def _row_rules(table: str, row: dict[str, object]) -> list[str]:
    """Rules across columns of one row."""
    out: list[str] = []
    if table == "part_requests":
        requested, from_stock = row["qty_requested"], row["qty_from_stock"]
        if requested is not None and requested <= 0:  # type: ignore[operator]
            out.append("non_positive_value:qty_requested")
        if requested is not None and from_stock is not None and from_stock > requested:  # type: ignore[operator]
            out.append("qty_from_stock_exceeds_requested")
    if table == "tickets" and row["opened_at"] is not None:
        opened = row["opened_at"]
        if row["delivered_at"] is not None and row["delivered_at"] < opened:  # type: ignore[operator]
            out.append("delivered_before_opened")
        if row["work_completed_at"] is not None and row["work_completed_at"] < opened:  # type: ignore[operator]
            out.append("completed_before_opened")
    if (
        table == "time_punches"
        and row["punch_type"] in ("job_start", "job_end")
        and row["ticket_id"] is None
    ):
        out.append("missing_required:ticket_id")
    return out
