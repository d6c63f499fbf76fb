"""How many branches, days and orders per branch-day give about N work orders."""

from __future__ import annotations

import math
from dataclasses import dataclass

YEAR_DAYS = 365


@dataclass(frozen=True)
class Sizing:
    branches: int
    days: int
    orders_per_day: int  # per branch and opening day (the generator's mean)

    @property
    def work_orders(self) -> int:
        return self.branches * self.days * self.orders_per_day

    def as_json(self) -> dict[str, int]:
        return {
            "branches": self.branches,
            "days": self.days,
            "orders_per_day": self.orders_per_day,
        }


def choose_sizing(work_orders: int, days: int = YEAR_DAYS) -> Sizing:
    """A year (``days``) of daily exports; branches grow with the size so that a branch
    keeps a plausible 20 to 80 orders a day: up to 20 000 tickets 4 branches, then one branch
    per 12 500 tickets (8 at 100 k, 80 at 1 M, 800 at 10 M).

    The generator simulates opening days only, so the count it writes is somewhat lower
    than ``work_orders``; the report gives the distinct tickets actually loaded.
    """
    if work_orders < 1:
        raise ValueError("--work-orders must be positive")
    if days < 1:
        raise ValueError("--days must be positive")
    branches = 4 if work_orders <= 20_000 else max(4, round(work_orders / 12_500))
    branches = max(1, min(branches, work_orders))
    orders_per_day = max(1, math.ceil(work_orders / (branches * days)))
    return Sizing(branches, days, orders_per_day)
