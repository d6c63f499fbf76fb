"""Customer follow-up KPIs (catalog "Customer follow-up"), except revisit_rate (headline).

F(P) = customer deliveries: valid tickets (not cancelled) with ``delivered_at`` in P and
``is_internal`` false, at the ticket's branch and delivered date. A successful follow-up
is ``outcome == "reached"`` on phone or WeChat; "first" orders a ticket's follow-ups by
``attempted_at`` then ``callback_id``. Project decisions (D-250..): only follow-ups
attempted at or after ``delivered_at`` (absolute time in the ticket branch's zone) belong
to the delivery; no window and no known-outcome rule; complaint_rate counts a complaint
recorded on a follow-up of any channel and outcome.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from .kpis import Area, Daily
from .labour import epoch
from .resolve import Resolved

CODES = ("satisfaction_rate", "problem_resolution_rate", "nps", "complaint_rate")
SUCCESSFUL_CHANNELS = ("phone", "wechat")


def _successful(row: dict[str, object]) -> bool:
    return row["outcome"] == "reached" and row["channel"] in SUCCESSFUL_CHANNELS


def follow_up_facts(data: Resolved, out: Daily) -> None:
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    by_ticket: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in current["callbacks"].values():
        by_ticket[str(row["ticket_id"])].append(row)

    for ticket_id, ticket in current["tickets"].items():
        if ticket["status"] == "cancelled" or ticket["delivered_at"] is None:
            continue
        if ticket["is_internal"]:
            continue
        branch = str(ticket["branch_code"])
        if branch not in zones:
            continue
        zone = zones[branch]
        delivered: datetime = ticket["delivered_at"]  # type: ignore[assignment]
        day = delivered.date()
        after = [
            cb
            for cb in by_ticket.get(ticket_id, [])
            if epoch(cb["attempted_at"], zone) >= epoch(delivered, zone)  # type: ignore[arg-type]
        ]
        after.sort(key=lambda cb: (cb["attempted_at"], cb["callback_id"]))  # type: ignore[arg-type,return-value]
        successful = [cb for cb in after if _successful(cb)]

        # satisfaction: the first successful follow-up, if it answered `satisfied`
        first = successful[0] if successful else None
        answered = first is not None and first["satisfied"] is not None
        out.add(
            "satisfaction_rate",
            branch,
            day,
            num=int(answered and first["satisfied"] is True),  # type: ignore[index]
            den=int(answered),
        )

        # nps: the first successful follow-up that has a score
        scored = [cb for cb in successful if cb["nps_score"] is not None]
        if scored:
            score = int(scored[0]["nps_score"])  # type: ignore[call-overload]
            band = 1 if score >= 9 else (-1 if score <= 6 else 0)
            out.add("nps", branch, day, num=band, den=1)
        else:
            out.add("nps", branch, day)

        # problem resolution: among tickets with a reported problem
        reported = any(cb["problem_reported"] is True for cb in successful)
        resolved = any(cb["problem_resolved"] is True for cb in successful)
        out.add(
            "problem_resolution_rate",
            branch,
            day,
            num=int(reported and resolved),
            den=int(reported),
        )

        # complaints: any follow-up, whatever its channel and outcome
        complained = any(cb["complaint"] is True for cb in after)
        out.add("complaint_rate", branch, day, num=int(complained), den=1)


AREA = Area(codes=CODES, daily=follow_up_facts)
