"""Workshop quality and timeliness KPIs (catalog section "Workshop quality and timeliness").

Re-derived from the catalog, not from the dbt models:

- D(P): valid tickets (winning, not deleted, not quarantined, status other than cancelled)
  with a delivered_at, attributed to the delivered local date at the ticket's branch;
  R(P) = D(P) with ticket_type repair or warranty.
- Reworked: another valid ticket names it in rework_of_ticket_id and was opened no more
  than the comeback window (30 days, absolute time) after its delivery; each instant read
  in its own ticket's branch zone. Known outcome: reworked, or as_of (read in the
  ticket's branch zone) at or after delivery + window. first_time_fix_rate and
  comeback_rate count known outcomes only.
- On time: instants compared in absolute time; workshop completion must be at least
  30 minutes before the promise (exactly 30 counts).
- mttr_hours / completion_cycle_hours: sums of absolute hours over counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from fractions import Fraction

from .kpis import Area, Daily
from .labour import epoch
from .resolve import Resolved

WORKSHOP_CODES = (
    "first_time_fix_rate",
    "comeback_rate",
    "workshop_ontime_rate",
    "ontime_delivery_rate",
    "invoice_ontime_rate",
    "delivery_explanation_rate",
    "mttr_hours",
    "completion_cycle_hours",
)
COMEBACK_WINDOW_SECONDS = 30 * 24 * 3600
WORKSHOP_MARGIN_SECONDS = 30 * 60
REPAIR_TYPES = ("repair", "warranty")


def workshop_facts(data: Resolved, out: Daily) -> None:
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    tickets = current["tickets"]
    valid = {tid: row for tid, row in tickets.items() if row["status"] != "cancelled"}

    # Opening instants of valid rework tickets, per ticket they re-repair.
    reworks: dict[str, list[int]] = defaultdict(list)
    for tid, row in valid.items():
        original = row["rework_of_ticket_id"]
        if original is None or original == tid:
            continue
        opened: datetime = row["opened_at"]  # type: ignore[assignment]
        reworks[str(original)].append(epoch(opened, zones[str(row["branch_code"])]))

    for tid, row in valid.items():
        delivered_local: datetime | None = row["delivered_at"]  # type: ignore[assignment]
        if delivered_local is None:
            continue
        branch = str(row["branch_code"])
        zone = zones[branch]
        day = delivered_local.date()

        def at(column: str, row: dict[str, object] = row, zone: str = zone) -> int | None:
            value = row[column]
            return None if value is None else epoch(value, zone)  # type: ignore[arg-type]

        delivered, opened = at("delivered_at"), at("opened_at")
        completed, invoiced = at("work_completed_at"), at("invoiced_at")
        promised = at("promised_at")
        assert delivered is not None and opened is not None

        if row["ticket_type"] in REPAIR_TYPES:
            window_end = delivered + COMEBACK_WINDOW_SECONDS
            reworked = any(opened_at <= window_end for opened_at in reworks.get(tid, []))
            known = reworked or epoch(data.as_of, zone) >= window_end
            if known:
                out.add("first_time_fix_rate", branch, day, num=int(not reworked), den=1)
                out.add("comeback_rate", branch, day, num=int(reworked), den=1)
            else:
                out.add("first_time_fix_rate", branch, day)
                out.add("comeback_rate", branch, day)

        if promised is not None and completed is not None:
            on_time = completed <= promised - WORKSHOP_MARGIN_SECONDS
            out.add("workshop_ontime_rate", branch, day, num=int(on_time), den=1)
        if promised is not None:
            out.add("ontime_delivery_rate", branch, day, num=int(delivered <= promised), den=1)
        if promised is not None and invoiced is not None:
            out.add("invoice_ontime_rate", branch, day, num=int(invoiced <= promised), den=1)
        if not row["is_internal"]:
            out.add(
                "delivery_explanation_rate",
                branch,
                day,
                num=int(bool(row["explained_at_delivery"])),
                den=1,
            )
        if completed is not None:
            out.add("mttr_hours", branch, day, num=Fraction(completed - opened, 3600), den=1)
        cycle = Fraction(delivered - opened, 3600)
        out.add("completion_cycle_hours", branch, day, num=cycle, den=1)


AREA = Area(
    codes=WORKSHOP_CODES,
    daily=workshop_facts,
    hours_parts=frozenset({("mttr_hours", "numerator"), ("completion_cycle_hours", "numerator")}),
)
