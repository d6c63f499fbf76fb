"""Service levels (KPI catalog, "Service levels"): response, arrival and resolution SLA
rates by opened date.

Re-derived from the catalog, not from the dbt models: the policy table and the 2025
holidays are written out here as the catalog lists them, and business time is counted
day by day (the intersection of the interval with each business day's opening window),
not with the warehouse's prefix sums.

- policy by fault_level; a ticket without one uses level 3;
- calendar clock: absolute seconds (epoch difference in the branch's zone);
- business clock: wall-clock seconds inside opens_at..closes_at on open_weekdays, minus
  the holidays (all branches);
- met: the event happened and its elapsed time is at most the target (an event before
  opened_at has negative elapsed time); known: the event happened, or the elapsed time
  from opened_at to as_of reached the target.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .kpis import Area, Daily
from .labour import epoch
from .resolve import Resolved

CODES = ("response_sla_rate", "arrival_sla_rate", "resolution_sla_rate")
EVENTS = {
    "response_sla_rate": "first_response_at",
    "arrival_sla_rate": "arrived_at",
    "resolution_sla_rate": "work_completed_at",
}
# fault_level: ((response, arrival, resolution) targets in minutes, clock)
POLICIES: dict[int, tuple[tuple[int, int, int], str]] = {
    1: ((10, 240, 1440), "calendar"),
    2: ((10, 240, 1440), "calendar"),
    3: ((30, 480, 2880), "business"),
}
DEFAULT_LEVEL = 3


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


HOLIDAYS: frozenset[date] = frozenset(
    [
        date(2025, 1, 1),
        *_days(date(2025, 1, 28), date(2025, 2, 4)),
        *_days(date(2025, 4, 4), date(2025, 4, 6)),
        *_days(date(2025, 5, 1), date(2025, 5, 5)),
        *_days(date(2025, 5, 31), date(2025, 6, 2)),
        *_days(date(2025, 10, 1), date(2025, 10, 8)),
    ]
)


def _clock_time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class BusinessClock:
    """Business seconds between two wall-clock instants of one branch."""

    def __init__(self, branch: dict[str, object]) -> None:
        self.opens = _clock_time(str(branch["opens_at"]))
        self.closes = _clock_time(str(branch["closes_at"]))
        self.weekdays = {int(d) for d in str(branch["open_weekdays"])}

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day in HOLIDAYS or day.isoweekday() not in self.weekdays:
            return None
        if self.closes <= self.opens:
            return None
        return datetime.combine(day, self.opens), datetime.combine(day, self.closes)

    def seconds(self, start: datetime, end: datetime) -> int:
        if end < start:
            return -self.seconds(end, start)
        total = 0
        for day in _days(start.date(), end.date()):
            window = self._window(day)
            if window is None:
                continue
            lo, hi = max(start, window[0]), min(end, window[1])
            if hi > lo:
                total += int((hi - lo).total_seconds())
        return total


def _elapsed(clock: str, business: BusinessClock, zone: str, start: datetime, end: datetime) -> int:
    """Seconds from start to end on the policy's clock."""
    if clock == "calendar":
        return epoch(end, zone) - epoch(start, zone)
    return business.seconds(start, end)


def service_level_facts(data: Resolved, out: Daily) -> None:
    branches = data.current["branches"]
    clocks = {code: BusinessClock(row) for code, row in branches.items()}
    zones = {code: str(row["timezone"]) for code, row in branches.items()}
    as_of = data.as_of
    for row in data.current["tickets"].values():
        if row["status"] == "cancelled":
            continue
        branch = str(row["branch_code"])
        level = row["fault_level"] if row["fault_level"] is not None else DEFAULT_LEVEL
        targets, clock = POLICIES[level]  # type: ignore[index]
        opened: datetime = row["opened_at"]  # type: ignore[assignment]
        zone, business = zones[branch], clocks[branch]
        to_as_of = _elapsed(clock, business, zone, opened, as_of)
        for (code, column), minutes in zip(EVENTS.items(), targets, strict=True):
            target = minutes * 60
            event: datetime | None = row[column]  # type: ignore[assignment]
            met = event is not None and _elapsed(clock, business, zone, opened, event) <= target
            known = event is not None or to_as_of >= target
            out.add(code, branch, opened.date(), num=int(met), den=int(known))


AREA = Area(codes=CODES, daily=service_level_facts)
