"""Generation parameters and the per-branch context shared by the simulation modules."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from orchestration.sample_data.catalog import CHINA_BRANCHES, DST_BRANCH, BranchTemplate
from orchestration.sample_data.zones import ZoneClock, epoch_of

DAY = 86_400
HOUR = 3_600
MINUTE = 60
NULL_I = np.iinfo(np.int64).min  # null marker of integer-coded columns (timestamps, dates)


@dataclass(frozen=True)
class GenerationParams:
    seed: int = 42
    days: int = 365
    branches: int = 6
    orders_per_day: int = 30
    start_date: date = date(2025, 1, 1)
    batch_days: int = 1

    def as_json(self) -> dict[str, object]:
        out = asdict(self)
        out["start_date"] = self.start_date.isoformat()
        return out

    @property
    def start_day(self) -> int:
        """Start date as days since 1970-01-01."""
        return (self.start_date - date(1970, 1, 1)).days

    @property
    def end_local(self) -> int:
        """End of the generated range (exclusive), local naive epoch seconds."""
        return (self.start_day + self.days) * DAY


def day_stamp(day_epoch: int) -> str:
    """``YYYYMMDD`` of a day given as days since 1970-01-01."""
    return (date(1970, 1, 1) + timedelta(days=int(day_epoch))).strftime("%Y%m%d")


def branch_templates(count: int) -> list[BranchTemplate]:
    """`count` branches: mainland outlets, the last one the DST (overseas) office."""
    if count < 1:
        raise ValueError("at least one branch is needed")
    if count == 1:
        return [CHINA_BRANCHES[0]]
    out: list[BranchTemplate] = []
    for i in range(count - 1):
        tpl = CHINA_BRANCHES[i % len(CHINA_BRANCHES)]
        if i >= len(CHINA_BRANCHES):
            serial = int(tpl.code[2:]) + 10 * (i // len(CHINA_BRANCHES))
            tpl = BranchTemplate(
                **{
                    **asdict(tpl),
                    "code": f"{tpl.code[:2]}{serial:02d}",
                    "name": f"{tpl.name}{i // len(CHINA_BRANCHES) + 1}号店",
                }
            )
        out.append(tpl)
    out.append(DST_BRANCH)
    return out


def _hhmm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * HOUR + int(m) * MINUTE


@dataclass
class BranchContext:
    """One branch's calendar, clock and staff, used by every simulation module."""

    index: int
    tpl: BranchTemplate
    clock: ZoneClock
    start_day: int
    n_days: int
    opens: int = 0
    closes: int = 0
    open_day: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    next_open: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    end_abs: int = 0
    labour_rate: float = 200.0

    @classmethod
    def build(
        cls, index: int, tpl: BranchTemplate, params: GenerationParams, rate: float
    ) -> BranchContext:
        first = epoch_of(
            datetime.combine(params.start_date, datetime.min.time()) - timedelta(days=40)
        )
        last = epoch_of(
            datetime.combine(params.start_date, datetime.min.time())
            + timedelta(days=params.days + 240)
        )
        clock = ZoneClock(tpl.timezone, first - 2 * DAY, last)
        horizon = params.days + 200
        weekdays = {int(c) for c in tpl.open_weekdays}
        iso = (np.arange(horizon) + params.start_day + 3) % 7 + 1  # 1970-01-01 was a Thursday
        open_day = np.isin(iso, list(weekdays))
        next_open = np.full(horizon + 1, horizon + 7, dtype=np.int64)
        nxt = horizon + 7
        for k in range(horizon - 1, -1, -1):
            if open_day[k]:
                nxt = k
            next_open[k] = nxt
        ctx = cls(index, tpl, clock, params.start_day, params.days)
        ctx.opens, ctx.closes = _hhmm(tpl.opens_at), _hhmm(tpl.closes_at)
        ctx.open_day, ctx.next_open = open_day, next_open
        ctx.end_abs = int(clock.to_abs(np.array([params.end_local]))[0])
        ctx.labour_rate = rate
        return ctx

    def day_local(self, k: np.ndarray | int) -> np.ndarray | int:
        """Local midnight (naive seconds) of day index k."""
        return (self.start_day + k) * DAY

    def to_business(
        self, abs_s: np.ndarray, rng: np.random.Generator, latest_before_close: int = 45 * MINUTE
    ) -> np.ndarray:
        """Move instants outside opening hours to the next opening (plus a little)."""
        local = self.clock.to_local(abs_s)
        day = local // DAY - self.start_day
        tod = local % DAY
        day_c = np.clip(day, 0, len(self.open_day) - 2)
        is_open = self.open_day[day_c]
        late = tod > self.closes - latest_before_close
        move = (~is_open) | (tod < self.opens) | late
        cand = np.clip(np.where(late, day_c + 1, day_c), 0, len(self.next_open) - 1)
        target = self.next_open[cand]
        jitter = rng.integers(0, 50 * MINUTE, size=len(abs_s))
        moved = (self.start_day + target) * DAY + self.opens + jitter
        out_local = np.where(move, moved, local)
        return np.where(move, self.clock.to_abs(out_local), abs_s)
