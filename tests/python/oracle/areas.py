"""Every KPI area the oracle computes. Add an area module's ``AREA`` here."""

from __future__ import annotations

from .kpis import HEADLINE, Area
from .kpis_assets import AREA as ASSETS
from .kpis_backlog import AREA as BACKLOG
from .kpis_follow_up import AREA as FOLLOW_UP
from .kpis_labour import AREA as LABOUR
from .kpis_parts import AREA as PARTS
from .kpis_reception import AREA as RECEPTION
from .kpis_service_levels import AREA as SERVICE_LEVELS
from .kpis_workshop import AREA as WORKSHOP

AREAS: tuple[Area, ...] = (
    HEADLINE,
    FOLLOW_UP,
    ASSETS,
    WORKSHOP,
    RECEPTION,
    LABOUR,
    PARTS,
    SERVICE_LEVELS,
    BACKLOG,
)

KPI_CODES: tuple[str, ...] = tuple(code for area in AREAS for code in area.codes)
NO_DENOMINATOR: frozenset[str] = frozenset().union(*(a.no_denominator for a in AREAS))
HOURS_PARTS: frozenset[tuple[str, str]] = frozenset().union(*(a.hours_parts for a in AREAS))
