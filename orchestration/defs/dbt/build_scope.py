"""What a ``dbt build`` recomputed: the newest row of ``intermediate.int_builds_scoped``.

Each build appends one row (docs/architecture.md, "Incremental refresh"): the first KPI
day it recomputed (``recompute_from``; null: every day), the first day of the assets
area's KPIs (``assets_recompute_from``) and why (``recompute_reason``). A daily refresh
costs what those days cost, so the refresh logs them and the benchmark reports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SCOPE_TABLE = "intermediate.int_builds_scoped"


@dataclass(frozen=True)
class BuildScope:
    built_at: datetime
    as_of: datetime | None
    recompute_from: date | None
    assets_recompute_from: date | None
    reason: str

    def days(self, first: date | None) -> int | None:
        """The KPI days from ``first`` to the as-of date, both included (None: every day)."""
        if first is None or self.as_of is None:
            return None
        return max((self.as_of.date() - first).days + 1, 0)

    def describe(self) -> str:
        if self.recompute_from is None:
            return f"every KPI day recomputed ({self.reason})"
        text = (
            f"KPI days recomputed from {self.recompute_from} "
            f"({self.days(self.recompute_from)} days to the as-of date "
            f"{self.as_of.date() if self.as_of else '-'}; {self.reason})"
        )
        if self.assets_recompute_from not in (None, self.recompute_from):
            text += (
                f", the assets area's KPIs from {self.assets_recompute_from} "
                f"({self.days(self.assets_recompute_from)} days)"
            )
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "built_at": self.built_at.isoformat(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "recompute_from": self.recompute_from.isoformat() if self.recompute_from else None,
            "assets_recompute_from": (
                self.assets_recompute_from.isoformat() if self.assets_recompute_from else None
            ),
            "reason": self.reason,
            "days": self.days(self.recompute_from),
            "assets_days": self.days(self.assets_recompute_from),
            "text": self.describe(),
        }


def last_build_scope(con: Any) -> BuildScope | None:
    """The newest build's scope read through ``con`` (a read of the build warehouse), or
    None when no build has recorded one."""
    row = con.execute(
        "select built_at, as_of, recompute_from, assets_recompute_from, recompute_reason "
        f"from {SCOPE_TABLE} order by built_at desc limit 1"
    ).fetchone()
    if row is None:
        return None
    return BuildScope(
        built_at=row[0],
        as_of=row[1],
        recompute_from=row[2],
        assets_recompute_from=row[3],
        reason=str(row[4]),
    )


def read_last_build_scope(engine: Any) -> BuildScope | None:
    """The newest build's scope, read from ``engine``'s build warehouse."""
    with engine.read_build() as con:
        return last_build_scope(con)


def last_build_line(engine: Any) -> tuple[str | None, bool]:
    """The newest build's scope as a ``dbt build: …`` line (None: no build recorded one)
    and whether it could be read. Information only, after a build that succeeded: a
    failed read is said in the line, not raised."""
    try:
        scope = read_last_build_scope(engine)
    except Exception as error:
        return f"dbt build: could not read what it recomputed ({SCOPE_TABLE}): {error}", False
    return (f"dbt build: {scope.describe()}" if scope else None), True
