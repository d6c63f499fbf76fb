"""Parts KPIs beyond parts_fill_rate (catalog "Parts", seeds 003/001).

A valid line is a winning, not deleted, not quarantined part line whose status is not
``cancelled``; ``part_class`` is compared lower-case. Instants are absolute (each record
read in its own branch's IANA zone); as_of is read in the line's branch zone.

Project decisions (D-110..D-113): lines without a class are not B/C; a line without
``qty_requested`` is left out of the quantity fill rate, a missing ``qty_from_stock``
counts 0; a delivered valid ticket with at least one valid line is pre-picked on time
when every valid line has ``issued_at <= work_started_at`` (a missing issued_at or
work_started_at is not on time); receipt windows 24, 48 and 168 h, both ends inclusive,
outcome known when received (at any time) or as_of >= ordered_at + window.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .kpis import Area, Daily
from .labour import epoch
from .resolve import Resolved

RECEIPT_WINDOW_HOURS = {
    "parts_receipt_24h_rate": 24,
    "parts_receipt_48h_rate": 48,
    "parts_receipt_7d_rate": 168,
}
CODES = (
    "parts_fill_rate_bc",
    "parts_qty_fill_rate",
    "parts_prepick_ontime_rate",
    *RECEIPT_WINDOW_HOURS,
)


def parts_facts(data: Resolved, out: Daily) -> None:
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    lines = [row for row in current["part_requests"].values() if row["status"] != "cancelled"]

    for row in lines:
        branch = str(row["branch_code"])
        requested_on = row["requested_at"].date()  # type: ignore[attr-defined]
        if row["part_class"] in ("b", "c"):
            filled = row["qty_from_stock"] == row["qty_requested"]
            out.add("parts_fill_rate_bc", branch, requested_on, num=int(filled), den=1)
        if row["qty_requested"] is not None:
            from_stock = row["qty_from_stock"] if row["qty_from_stock"] is not None else Decimal(0)
            out.add("parts_qty_fill_rate", branch, requested_on, from_stock, row["qty_requested"])
        if row["ordered_at"] is not None:
            zone = zones[branch]
            ordered = epoch(row["ordered_at"], zone)  # type: ignore[arg-type]
            received = None if row["received_at"] is None else epoch(row["received_at"], zone)  # type: ignore[arg-type]
            as_of = epoch(data.as_of, zone)
            for kpi, hours in RECEIPT_WINDOW_HOURS.items():
                end = ordered + hours * 3600
                on_time = received is not None and received <= end
                known = received is not None or as_of >= end
                out.add(kpi, branch, row["ordered_at"].date(), int(on_time), int(known))  # type: ignore[attr-defined]

    issued_by_ticket: dict[str, list[int | None]] = defaultdict(list)
    for row in lines:
        issued = row["issued_at"]
        zone = zones[str(row["branch_code"])]
        issued_by_ticket[str(row["ticket_id"])].append(
            None if issued is None else epoch(issued, zone)  # type: ignore[arg-type]
        )
    for ticket_id, ticket in current["tickets"].items():
        if ticket["status"] == "cancelled" or ticket["delivered_at"] is None:
            continue
        issued_list = issued_by_ticket.get(ticket_id)
        if not issued_list:
            continue
        branch = str(ticket["branch_code"])
        started = ticket["work_started_at"]
        start = None if started is None else epoch(started, zones[branch])  # type: ignore[arg-type]
        ontime = start is not None and all(i is not None and i <= start for i in issued_list)
        day = ticket["delivered_at"].date()  # type: ignore[attr-defined]
        out.add("parts_prepick_ontime_rate", branch, day, num=int(ontime), den=1)


AREA = Area(codes=CODES, daily=parts_facts)
