"""Every KPI area the oracle computes. Add an area module's ``AREA`` here."""

from __future__ import annotations

from .kpis import HEADLINE, Area

AREAS: tuple[Area, ...] = (HEADLINE,)

KPI_CODES: tuple[str, ...] = tuple(code for area in AREAS for code in area.codes)
NO_DENOMINATOR: frozenset[str] = frozenset().union(*(a.no_denominator for a in AREAS))
HOURS_PARTS: frozenset[tuple[str, str]] = frozenset().union(*(a.hours_parts for a in AREAS))
