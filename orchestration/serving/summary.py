"""A short KPI summary read from the published warehouse (read-only).

The four headline KPIs by branch (and for the network) for the last full month before the
data's as-of time. The as-of time is the build's (``ops.build_info.data_as_of``);
the last full month is the calendar month before the month that contains it (an as-of of
exactly midnight on the 1st makes the month just ended the last full one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

HEADLINE_KPIS: tuple[str, ...] = (
    "open_rate",
    "labor_efficiency",
    "parts_fill_rate",
    "revisit_rate",
)
NETWORK_LABEL = "(network)"


@dataclass(frozen=True)
class Cell:
    value: float | None
    meets_target: bool | None


@dataclass(frozen=True)
class KpiSummary:
    as_of: datetime | None
    month_start: date | None
    kpis: tuple[str, ...]
    rows: dict[str, dict[str, Cell]]  # branch label -> kpi_code -> cell


def last_full_month(as_of: datetime | date) -> date:
    """First day of the last calendar month that ended at or before ``as_of``."""
    year, month = as_of.year, as_of.month
    year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return date(year, month, 1)


def read_as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The build stamp's ``data_as_of``; in a file from before it, the warehouse table."""
    for query in (
        "select max(data_as_of) from ops.build_info",
        "select max(as_of) from intermediate.int_as_of_resolved",
    ):
        try:
            row = con.execute(query).fetchone()
        except duckdb.Error:
            row = None
        if row and row[0] is not None:
            return row[0]
    row = con.execute(
        "select max(period_start) from marts.kpi_values where grain = 'day'"
    ).fetchone()
    if row and row[0] is not None:
        day = row[0]
        return datetime(day.year, day.month, day.day, 23, 59, 59)
    return None


def read_summary(
    con: duckdb.DuckDBPyConnection, kpis: tuple[str, ...] = HEADLINE_KPIS
) -> KpiSummary:
    """The headline KPIs of the last full month, per branch and for the network, from a
    read-only view of a build or of what is served (``Engine.read_served``)."""
    as_of = read_as_of(con)
    if as_of is None:
        return KpiSummary(None, None, kpis, {})
    month = last_full_month(as_of)
    placeholders = ", ".join("?" for _ in kpis)
    records = con.execute(
        "select coalesce(branch_code, ?) as branch, kpi_code, value, meets_target "
        "from marts.kpi_values "
        f"where grain = 'month' and period_start = ? and kpi_code in ({placeholders}) "
        "order by branch_code nulls last, kpi_code",
        [NETWORK_LABEL, month, *kpis],
    ).fetchall()
    rows: dict[str, dict[str, Cell]] = {}
    for branch, code, value, meets in records:
        rows.setdefault(branch, {})[code] = Cell(
            None if value is None else float(value), None if meets is None else bool(meets)
        )
    return KpiSummary(as_of, month, kpis, rows)


def _format(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return "-"
    text = f"{cell.value * 100:.1f}%"
    return text + (" !" if cell.meets_target is False else "  ")


def format_summary(summary: KpiSummary) -> str:
    if summary.month_start is None:
        return "No KPI values published yet."
    header = f"KPIs for {summary.month_start:%Y-%m} (data as of {summary.as_of})"
    if not summary.rows:
        return f"{header}\n  no values for this month."
    label_width = max(len("branch"), *(len(b) for b in summary.rows))
    widths = [max(len(code), 9) for code in summary.kpis]
    lines = [
        header,
        "  ".join(
            ["branch".ljust(label_width)]
            + [code.rjust(w) for code, w in zip(summary.kpis, widths, strict=True)]
        ),
    ]
    lines.append("  ".join(["-" * label_width] + ["-" * w for w in widths]))
    for branch, cells in summary.rows.items():
        lines.append(
            "  ".join(
                [branch.ljust(label_width)]
                + [
                    _format(cells.get(code)).rjust(w)
                    for code, w in zip(summary.kpis, widths, strict=True)
                ]
            )
        )
    lines.append("(! = misses its target)")
    return "\n".join(lines)
