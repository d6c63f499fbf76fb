"""Labour KPIs beyond the headline ones (catalog "Labour", seed 003/001).

D(P) = valid tickets (winning, not deleted, not quarantined, status not cancelled) with a
``delivered_at``, attributed to the local delivered date at the ticket's branch, internal
tickets included. Technicians = employees whose current master row says
``role == 'technician'``; their shifts are paired from the punches (``oracle/labour.py``)
and attributed to the start punch's branch and local start date.

Project decisions (D-100..D-104): a missing ``sold_hours`` or ``parts_amount`` counts 0
for a ticket that still counts in D(P); parts_sales_per_advisor counts distinct non-null
``advisor_id`` per branch and period (no role check), tickets without an advisor add
their amount only; tickets_per_technician counts distinct technicians per branch and
period with a shift starting in it. Distinct counts are per period (every grain), the
network adds the branches (a person in two branches counts twice).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from .kpis import GRAINS, Area, Daily, period_start
from .labour import punches, shifts
from .resolve import Resolved

CODES = (
    "productivity_index",
    "sold_hours_per_ticket",
    "parts_sales_per_ticket",
    "parts_sales_per_advisor",
    "tickets_per_technician",
)


def _amount(value: object) -> Decimal:
    return Decimal(0) if value is None else value  # type: ignore[return-value]


def _delivered(data: Resolved) -> list[dict[str, object]]:
    return [
        row
        for row in data.current["tickets"].values()
        if row["status"] != "cancelled" and row["delivered_at"] is not None
    ]


def _technician_shifts(data: Resolved) -> list[tuple[str, str, date, object]]:
    """(employee, branch, local start date, hours) of technicians' paired shifts."""
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    technicians = {
        emp for emp, row in current["technicians"].items() if row["role"] == "technician"
    }
    return [
        (p.start.employee_id, p.start.branch_code, p.start.local.date(), p.hours)
        for p in shifts(punches(current["time_punches"], zones))
        if p.start.employee_id in technicians
    ]


def labour_facts(data: Resolved, out: Daily) -> None:
    for row in _delivered(data):
        branch = str(row["branch_code"])
        day = row["delivered_at"].date()  # type: ignore[attr-defined]
        sold = _amount(row["sold_hours"])
        out.add("productivity_index", branch, day, num=sold)
        out.add("sold_hours_per_ticket", branch, day, num=sold, den=1)
        out.add("parts_sales_per_ticket", branch, day, num=_amount(row["parts_amount"]), den=1)
    for _, branch, day, hours in _technician_shifts(data):
        out.add("productivity_index", branch, day, den=hours)


def labour_periods(data: Resolved) -> list[dict[str, object]]:
    PeriodKey = tuple[str, date, str]
    amount: dict[PeriodKey, Decimal] = defaultdict(Decimal)
    advisors: dict[PeriodKey, set[str]] = defaultdict(set)
    tickets: dict[PeriodKey, int] = defaultdict(int)
    technicians: dict[PeriodKey, set[str]] = defaultdict(set)
    for row in _delivered(data):
        branch = str(row["branch_code"])
        day = row["delivered_at"].date()  # type: ignore[attr-defined]
        for grain in GRAINS:
            key = (grain, period_start(day, grain), branch)
            amount[key] += _amount(row["parts_amount"])
            tickets[key] += 1
            ids = advisors[key]  # the period exists even without an advisor
            if row["advisor_id"] is not None:
                ids.add(str(row["advisor_id"]))
    for employee, branch, day, _ in _technician_shifts(data):
        for grain in GRAINS:
            technicians[(grain, period_start(day, grain), branch)].add(employee)
    rows: list[dict[str, object]] = []
    for (grain, start, branch), ids in advisors.items():
        rows.append(
            {
                "kpi_code": "parts_sales_per_advisor",
                "grain": grain,
                "period_start": start,
                "branch_code": branch,
                "numerator": amount[(grain, start, branch)],
                "denominator": len(ids),
            }
        )
    for key in set(tickets) | set(technicians):
        grain, start, branch = key
        rows.append(
            {
                "kpi_code": "tickets_per_technician",
                "grain": grain,
                "period_start": start,
                "branch_code": branch,
                "numerator": tickets.get(key, 0),
                "denominator": len(technicians.get(key, ())),
            }
        )
    return rows


AREA = Area(
    codes=CODES,
    daily=labour_facts,
    periods=labour_periods,
    hours_parts=frozenset({("productivity_index", "denominator")}),
)
