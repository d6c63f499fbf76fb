"""Assets and contracts KPIs (catalog "Assets and contracts").

Only valid tickets (not cancelled) whose ``asset_id`` names a current asset count. A
contract covers a date when ``contract_start_on <= date <= contract_end_on`` (both set).
Dates compared are the local date of ``opened_at``. Project decisions (D-270..): an early
failure is opened from ``sold_on`` to ``sold_on + 90`` days, both inclusive; a missing
``warranty_end_on`` is out of warranty; contract_attach_rate counts each asset once per
branch and period (distinct over the whole period, so it is computed per period), and an
asset is covered when the opened date of any of its period's deliveries is covered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from .kpis import GRAINS, Area, Daily, period_start
from .resolve import Resolved

CODES = (
    "contract_attach_rate",
    "warranty_leakage_rate",
    "warranty_leakage_amount",
    "early_failure_count",
    "in_warranty_fault_count",
    "out_of_warranty_fault_count",
)
EARLY_FAILURE_DAYS = 90
REPAIR_TYPES = ("repair", "warranty")


def _covered(asset: dict[str, object], day: date) -> bool:
    start, end = asset["contract_start_on"], asset["contract_end_on"]
    return start is not None and end is not None and start <= day <= end  # type: ignore[operator]


def _tickets_with_assets(data: Resolved) -> list[tuple[dict[str, object], dict[str, object]]]:
    assets = data.current["assets"]
    return [
        (ticket, assets[str(ticket["asset_id"])])
        for ticket in data.current["tickets"].values()
        if ticket["status"] != "cancelled" and ticket["asset_id"] in assets
    ]


def asset_facts(data: Resolved, out: Daily) -> None:
    for ticket, asset in _tickets_with_assets(data):
        branch = str(ticket["branch_code"])
        opened: datetime = ticket["opened_at"]  # type: ignore[assignment]
        opened_on = opened.date()
        warranty_end = asset["warranty_end_on"]
        out_of_warranty = warranty_end is None or opened_on > warranty_end  # type: ignore[operator]

        delivered = ticket["delivered_at"]
        if delivered is not None and ticket["warranty_claim"] is True:
            day = delivered.date()  # type: ignore[attr-defined]
            leaked = out_of_warranty and not _covered(asset, opened_on)
            out.add("warranty_leakage_rate", branch, day, num=int(leaked), den=1)
            amount = ticket["labor_amount"] + ticket["parts_amount"]  # type: ignore[operator]
            out.add("warranty_leakage_amount", branch, day, num=amount if leaked else 0)

        if ticket["ticket_type"] in REPAIR_TYPES:
            sold: date = asset["sold_on"]  # type: ignore[assignment]
            early = sold <= opened_on <= sold + timedelta(days=EARLY_FAILURE_DAYS)
            out.add("early_failure_count", branch, opened_on, num=int(early))
            out.add("in_warranty_fault_count", branch, opened_on, num=int(not out_of_warranty))
            out.add("out_of_warranty_fault_count", branch, opened_on, num=int(out_of_warranty))


def contract_attach_periods(data: Resolved) -> list[dict[str, object]]:
    """Distinct assets per (grain, period, branch) among delivered tickets."""
    assets_in: dict[tuple[str, date, str], set[str]] = defaultdict(set)
    covered_in: dict[tuple[str, date, str], set[str]] = defaultdict(set)
    for ticket, asset in _tickets_with_assets(data):
        if ticket["delivered_at"] is None:
            continue
        branch, asset_id = str(ticket["branch_code"]), str(ticket["asset_id"])
        day = ticket["delivered_at"].date()  # type: ignore[attr-defined]
        covered = _covered(asset, ticket["opened_at"].date())  # type: ignore[attr-defined]
        for grain in GRAINS:
            key = (grain, period_start(day, grain), branch)
            assets_in[key].add(asset_id)
            if covered:
                covered_in[key].add(asset_id)
    return [
        {
            "kpi_code": "contract_attach_rate",
            "grain": grain,
            "period_start": start,
            "branch_code": branch,
            "numerator": len(covered_in[(grain, start, branch)]),
            "denominator": len(ids),
        }
        for (grain, start, branch), ids in assets_in.items()
    ]


AREA = Area(
    codes=CODES,
    daily=asset_facts,
    periods=contract_attach_periods,
    no_denominator=frozenset(
        {
            "warranty_leakage_amount",
            "early_failure_count",
            "in_warranty_fault_count",
            "out_of_warranty_fault_count",
        }
    ),
)
