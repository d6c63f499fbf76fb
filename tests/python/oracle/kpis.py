"""KPIs from the resolved landing data (KPI catalog definitions), by area.

An *area* (``Area``) names the KPI codes it computes and how:

- ``daily(data, out)`` adds facts: each adds to the numerator and/or the denominator of
  one (kpi, branch, local day); days roll up to week (ISO, Monday), month, quarter and
  year per branch by summing;
- ``periods(data)`` returns rows already per (kpi_code, grain, period_start, branch_code)
  for KPIs that do not sum over days (snapshots, distinct counts); branches only.

Branches always add up to the network (``branch_code`` None). Codes in ``no_denominator``
(count and amount KPIs) publish a null denominator. ``hours_parts`` lists the
(kpi, "numerator"|"denominator") that are sums of hours, compared with the tolerance the
published decimal scale needs. Values stay exact (``Fraction``) until the end.

The areas are listed in ``oracle/areas.py``; this module holds the headline area.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction

import pandas as pd

from .labour import MAX_PAIR_SECONDS, epoch, job_shares, jobs, punches, shifts
from .resolve import Resolved

HEADLINE_CODES = ("open_rate", "labor_efficiency", "parts_fill_rate", "revisit_rate")
GRAINS = ("day", "week", "month", "quarter", "year")
CALLBACK_WINDOW_SECONDS = 7 * 24 * 3600
SUCCESSFUL_CHANNELS = ("phone", "wechat")
assert MAX_PAIR_SECONDS == 16 * 3600

Key = tuple[str, str, date]  # kpi_code, branch_code, local day


class Daily:
    """Numerator and denominator sums per (kpi, branch, day), with the facts counted."""

    def __init__(self) -> None:
        self.num: dict[Key, Fraction] = defaultdict(Fraction)
        self.den: dict[Key, Fraction] = defaultdict(Fraction)
        self.facts: dict[Key, int] = defaultdict(int)

    def add(self, kpi: str, branch: str, day: date, num: object = 0, den: object = 0) -> None:
        key = (kpi, branch, day)
        self.num[key] += Fraction(num)  # type: ignore[arg-type]
        self.den[key] += Fraction(den)  # type: ignore[arg-type]
        self.facts[key] += 1


def period_start(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.isoweekday() - 1)
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise ValueError(grain)


PeriodKey = tuple[str, str, date, str | None]  # kpi_code, grain, period_start, branch


@dataclass(frozen=True)
class Area:
    codes: tuple[str, ...]
    daily: Callable[[Resolved, Daily], None] | None = None
    periods: Callable[[Resolved], list[dict[str, object]]] | None = None
    no_denominator: frozenset[str] = field(default_factory=frozenset)
    hours_parts: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def headline_facts(data: Resolved, out: Daily) -> None:
    current = data.current
    zones = {code: str(row["timezone"]) for code, row in current["branches"].items()}
    technicians = {
        emp for emp, row in current["technicians"].items() if row["role"] == "technician"
    }

    # Labour: technicians' shift hours and job shares, at the punch branch, start date.
    all_punches = punches(current["time_punches"], zones)
    shift_pairs = shifts(all_punches)
    job_pairs = jobs(all_punches)
    shares = job_shares(job_pairs)
    for pair in shift_pairs:
        if pair.start.employee_id in technicians:
            out.add("open_rate", pair.start.branch_code, pair.start.local.date(), den=pair.hours)
    for pair in job_pairs:
        if pair.start.employee_id in technicians:
            share = shares[pair.start.punch_id]
            branch, day = pair.start.branch_code, pair.start.local.date()
            out.add("open_rate", branch, day, num=share)
            out.add("labor_efficiency", branch, day, den=share)

    # Delivered valid tickets: sold hours (all), revisit (customer deliveries).
    successes: dict[str, list[datetime]] = defaultdict(list)
    for row in current["callbacks"].values():
        if row["outcome"] == "reached" and row["channel"] in SUCCESSFUL_CHANNELS:
            successes[str(row["ticket_id"])].append(row["attempted_at"])  # type: ignore[arg-type]
    as_of = data.as_of
    for ticket_id, row in current["tickets"].items():
        if row["status"] == "cancelled" or row["delivered_at"] is None:
            continue
        branch = str(row["branch_code"])
        delivered: datetime = row["delivered_at"]  # type: ignore[assignment]
        day = delivered.date()
        out.add("labor_efficiency", branch, day, num=row["sold_hours"])
        if row["is_internal"]:
            continue
        zone = zones[branch]
        delivered_at = epoch(delivered, zone)
        success = any(
            delivered_at <= epoch(at, zone) <= delivered_at + CALLBACK_WINDOW_SECONDS
            for at in successes.get(ticket_id, [])
        )
        known = success or epoch(as_of, zone) >= delivered_at + CALLBACK_WINDOW_SECONDS
        out.add("revisit_rate", branch, day, num=int(success), den=int(known))

    # Parts: valid lines, filled entirely from stock, by requested date at the line branch.
    for row in current["part_requests"].values():
        if row["status"] == "cancelled":
            continue
        filled = row["qty_from_stock"] == row["qty_requested"]
        requested: datetime = row["requested_at"]  # type: ignore[assignment]
        out.add("parts_fill_rate", str(row["branch_code"]), requested.date(), int(filled), 1)


HEADLINE = Area(
    codes=HEADLINE_CODES,
    daily=headline_facts,
    hours_parts=frozenset(
        {
            ("open_rate", "numerator"),
            ("open_rate", "denominator"),
            ("labor_efficiency", "denominator"),
        }
    ),
)


def kpi_table(data: Resolved, areas: tuple[Area, ...]) -> pd.DataFrame:
    """One row per (kpi_code, grain, period_start, branch_code), network rows included.

    Columns: the key, ``numerator`` and ``denominator`` (exact Fractions; the denominator
    is None for count and amount KPIs), ``facts`` (the number of records that
    contributed, for the tolerance of sums of hours).
    """
    daily = Daily()
    for area in areas:
        if area.daily is not None:
            area.daily(data, daily)
    num: dict[PeriodKey, Fraction] = defaultdict(Fraction)
    den: dict[PeriodKey, Fraction] = defaultdict(Fraction)
    facts: dict[PeriodKey, int] = defaultdict(int)
    for kpi, branch, day in daily.facts:
        for grain in GRAINS:
            start = period_start(day, grain)
            for who in (branch, None):
                key = (kpi, grain, start, who)
                num[key] += daily.num[(kpi, branch, day)]
                den[key] += daily.den[(kpi, branch, day)]
                facts[key] += daily.facts[(kpi, branch, day)]
    for area in areas:
        for row in area.periods(data) if area.periods is not None else []:
            for who in (row["branch_code"], None):
                key = (row["kpi_code"], row["grain"], row["period_start"], who)
                num[key] += Fraction(row["numerator"] or 0)  # type: ignore[arg-type]
                den[key] += Fraction(row["denominator"] or 0)  # type: ignore[arg-type]
                facts[key] += int(row.get("facts", 1))  # type: ignore[call-overload]
    no_denominator = frozenset().union(*(area.no_denominator for area in areas))
    rows = [
        {
            "kpi_code": kpi,
            "grain": grain,
            "period_start": start,
            "branch_code": who,
            "numerator": num[(kpi, grain, start, who)],
            "denominator": None if kpi in no_denominator else den[(kpi, grain, start, who)],
            "facts": n,
        }
        for (kpi, grain, start, who), n in facts.items()
    ]
    return pd.DataFrame(rows)
