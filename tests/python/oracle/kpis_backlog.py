"""Backlog (KPI catalog, "Backlog"): snapshot counts at the end of each branch-local day
and open tickets per technician, as per-period rows.

At the end E (next local midnight) of each branch-local day with E <= as_of (as_of read
in the branch's zone), a valid ticket is open when opened_at <= E and delivered_at is
null or > E; its age is the absolute time from opened_at to E. Days run from the branch's
first valid ticket's opened date. A period's value is its last day's value.

backlog_per_technician: the open tickets of the period's last day over the distinct
technicians with a paired shift starting in the period at the branch; a period without a
snapshot day has no row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from .kpis import GRAINS, Area, period_start
from .labour import epoch, punches, shifts
from .resolve import Resolved

AGE_HOURS = {
    "backlog_over_24h": 24,
    "backlog_over_48h": 48,
    "backlog_over_72h": 72,
    "backlog_over_96h": 96,
    "backlog_over_120h": 120,
}
COUNT_CODES = ("backlog_open", *AGE_HOURS)
CODES = (*COUNT_CODES, "backlog_per_technician")


def _snapshots(data: Resolved) -> dict[str, dict[date, dict[str, int]]]:
    """Per branch and day: the count of every backlog count KPI at the day's end."""
    zones = {code: str(row["timezone"]) for code, row in data.current["branches"].items()}
    tickets: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    first_day: dict[str, date] = {}
    for row in data.current["tickets"].values():
        if row["status"] == "cancelled":
            continue
        branch = str(row["branch_code"])
        opened: datetime = row["opened_at"]  # type: ignore[assignment]
        delivered: datetime | None = row["delivered_at"]  # type: ignore[assignment]
        zone = zones[branch]
        tickets[branch].append(
            (epoch(opened, zone), None if delivered is None else epoch(delivered, zone))
        )
        first_day[branch] = min(first_day.get(branch, opened.date()), opened.date())
    out: dict[str, dict[date, dict[str, int]]] = {}
    for branch, day in first_day.items():
        zone = zones[branch]
        as_of = epoch(data.as_of, zone)
        days: dict[date, dict[str, int]] = {}
        while True:
            end = epoch(datetime.combine(day + timedelta(days=1), datetime.min.time()), zone)
            if end > as_of:
                break
            ages = [
                end - opened
                for opened, delivered in tickets[branch]
                if opened <= end and (delivered is None or delivered > end)
            ]
            counts = {"backlog_open": len(ages)}
            for code, hours in AGE_HOURS.items():
                counts[code] = sum(1 for age in ages if age > hours * 3600)
            days[day] = counts
            day += timedelta(days=1)
        out[branch] = days
    return out


def backlog_periods(data: Resolved) -> list[dict[str, object]]:
    snapshots = _snapshots(data)
    zones = {code: str(row["timezone"]) for code, row in data.current["branches"].items()}
    technicians = {
        emp for emp, row in data.current["technicians"].items() if row["role"] == "technician"
    }
    staffed: dict[tuple[str, str, date], set[str]] = defaultdict(set)
    for pair in shifts(punches(data.current["time_punches"], zones)):
        if pair.start.employee_id not in technicians:
            continue
        for grain in GRAINS:
            start = period_start(pair.start.local.date(), grain)
            staffed[(pair.start.branch_code, grain, start)].add(pair.start.employee_id)
    rows: list[dict[str, object]] = []
    for branch, days in snapshots.items():
        for grain in GRAINS:
            last: dict[date, date] = {}
            for day in days:
                start = period_start(day, grain)
                last[start] = max(last.get(start, day), day)
            for start, day in last.items():
                counts = days[day]
                for code in COUNT_CODES:
                    rows.append(
                        {
                            "kpi_code": code,
                            "grain": grain,
                            "period_start": start,
                            "branch_code": branch,
                            "numerator": counts[code],
                            "denominator": None,
                        }
                    )
                rows.append(
                    {
                        "kpi_code": "backlog_per_technician",
                        "grain": grain,
                        "period_start": start,
                        "branch_code": branch,
                        "numerator": counts["backlog_open"],
                        "denominator": len(staffed.get((branch, grain, start), set())),
                    }
                )
    return rows


AREA = Area(codes=CODES, periods=backlog_periods, no_denominator=frozenset(COUNT_CODES))
