"""Reception KPIs (catalog section "Reception").

Re-derived from the catalog, not from the dbt models. D(P): valid tickets (winning, not
deleted, not quarantined, status other than cancelled) with a delivered_at, attributed to
the delivered local date at the ticket's branch; CD(P) = D(P) with is_internal false.
Windows are absolute time, read in the ticket branch's zone, both ends inclusive:

- reminder_rate: reminder_sent_at in [appointment_at - 24 h, appointment_at - 12 h], over
  CD(P) booked (appointment_booked_at) at least 24 h before appointment_at;
- punctuality_rate: arrived_at in [appointment_at - 5 min, appointment_at], over CD(P)
  with appointment_at.
"""

from __future__ import annotations

from datetime import datetime

from .kpis import Area, Daily
from .labour import epoch
from .resolve import Resolved

RECEPTION_CODES = (
    "appointment_rate",
    "reminder_rate",
    "punctuality_rate",
    "catalog_quote_rate",
    "precheck_form_rate",
    "interactive_precheck_rate",
)
HOUR = 3600
REMINDER_EARLIEST_SECONDS = 24 * HOUR
REMINDER_LATEST_SECONDS = 12 * HOUR
BOOKING_LEAD_SECONDS = 24 * HOUR
PUNCTUAL_EARLY_SECONDS = 5 * 60


def reception_facts(data: Resolved, out: Daily) -> None:
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    for row in current["tickets"].values():
        delivered: datetime | None = row["delivered_at"]  # type: ignore[assignment]
        if row["status"] == "cancelled" or delivered is None:
            continue
        branch = str(row["branch_code"])
        zone = zones[branch]
        day = delivered.date()

        def at(column: str, row: dict[str, object] = row, zone: str = zone) -> int | None:
            value = row[column]
            return None if value is None else epoch(value, zone)  # type: ignore[arg-type]

        out.add("catalog_quote_rate", branch, day, num=int(bool(row["quoted_from_catalog"])), den=1)
        if row["precheck_done"]:
            used_form = int(bool(row["precheck_form_used"]))
            out.add("precheck_form_rate", branch, day, num=used_form, den=1)
        if row["is_internal"]:
            continue

        appointment = at("appointment_at")
        out.add("appointment_rate", branch, day, num=int(appointment is not None), den=1)
        out.add(
            "interactive_precheck_rate",
            branch,
            day,
            num=int(bool(row["precheck_with_customer"])),
            den=1,
        )
        if appointment is None:
            continue
        arrived = at("arrived_at")
        punctual = (
            arrived is not None and appointment - PUNCTUAL_EARLY_SECONDS <= arrived <= appointment
        )
        out.add("punctuality_rate", branch, day, num=int(punctual), den=1)
        booked = at("appointment_booked_at")
        if booked is not None and booked <= appointment - BOOKING_LEAD_SECONDS:
            reminder = at("reminder_sent_at")
            reminded = (
                reminder is not None
                and appointment - REMINDER_EARLIEST_SECONDS
                <= reminder
                <= appointment - REMINDER_LATEST_SECONDS
            )
            out.add("reminder_rate", branch, day, num=int(reminded), den=1)


AREA = Area(codes=RECEPTION_CODES, daily=reception_facts)
