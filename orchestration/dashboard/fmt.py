"""How a KPI value reads: by its unit in ``marts.dim_kpis`` (ratio, percent, hours, count,
CNY). Display only: the numbers compared in tests are the raw values."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_value(value: object, unit: str) -> str:
    """``0.8734`` ratio → ``87.3%``; hours → ``12.4 h``; count → ``1,204``; CNY → ``¥1,204``."""
    if _missing(value):
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if unit == "ratio":
        return f"{number * 100:.1f}%"
    if unit == "hours":
        return f"{number:,.1f} h"
    if unit == "CNY":
        return f"¥{number:,.0f}"
    if unit == "percent":
        return f"{number:,.1f}"
    if unit == "count":
        return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}"
    return f"{number:,.2f}"


def format_target(comparator: object, target: object, unit: str) -> str:
    """``> 85.0%``; empty when the KPI has no target at this grain."""
    if _missing(target) or _missing(comparator):
        return ""
    return f"{comparator} {format_value(target, unit)}"


def format_period(period_start: object, grain: str) -> str:
    """``2025-11`` (month), ``2025-Q4``, ``2025``, ``2025-W47`` (ISO week), else the date."""
    start = pd.Timestamp(period_start)  # type: ignore[arg-type]
    if grain == "month":
        return start.strftime("%Y-%m")
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if grain == "year":
        return f"{start.year}"
    if grain == "week":
        iso = start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return start.strftime("%Y-%m-%d")


def parse_period(text: str) -> tuple[str, pd.Timestamp]:
    """``2025-11`` → (month, 2025-11-01); ``2025-Q4``; ``2025``; ``2025-W47`` (ISO week)."""
    raw = text.strip().upper()
    try:
        if "-Q" in raw:
            year, quarter = raw.split("-Q")
            if not 1 <= int(quarter) <= 4:
                raise ValueError
            return "quarter", pd.Timestamp(int(year), 3 * int(quarter) - 2, 1)
        if "-W" in raw:
            year, week = raw.split("-W")
            return "week", pd.Timestamp.fromisocalendar(int(year), int(week), 1)
        if raw.isdigit() and len(raw) == 4:
            return "year", pd.Timestamp(int(raw), 1, 1)
        year, month = raw.split("-")
        return "month", pd.Timestamp(int(year), int(month), 1)
    except ValueError:
        raise ValueError(
            f"period {text!r}: use YYYY-MM (month), YYYY-Qn (quarter), YYYY (year) "
            "or YYYY-Www (ISO week)"
        ) from None


def status_of(meets: object) -> str:
    """``meets`` / ``misses`` / ``none`` from a meets_target flag (bool, numpy bool, NA)."""
    if _missing(meets):
        return "none"
    return "meets" if bool(meets) else "misses"


def axis_format(unit: str) -> str:
    """d3 format of a chart axis for the unit."""
    return ".0%" if unit == "ratio" else ",~r"


def format_as_of(as_of: object) -> str:
    """``2025-12-31 23:10`` (a date alone when only the date is known); ``—`` without one."""
    if _missing(as_of):
        return "—"
    if isinstance(as_of, datetime):
        return as_of.strftime("%Y-%m-%d %H:%M")
    if isinstance(as_of, date):
        return as_of.strftime("%Y-%m-%d")
    return str(as_of)
