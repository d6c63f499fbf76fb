"""Vectorised conversion between absolute time and a branch's local wall clock.

All simulation happens on absolute time (UTC epoch seconds) so that durations are
DST-correct; values are written as local wall-clock time. ``to_local`` never produces a
local time that a DST change skips, and it moves instants whose local time a DST change
repeats to the end of the repeated hour, so no ambiguous local time is ever written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

_STEP = 3600  # scan the zone hourly, then refine to the second


def _offset(zone: ZoneInfo, epoch: int) -> int:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


class ZoneClock:
    """Offsets of one IANA zone between two absolute instants."""

    def __init__(self, timezone: str, first_epoch: int, last_epoch: int) -> None:
        self.timezone = timezone
        zone = ZoneInfo(timezone)
        self._zone = zone
        starts = [first_epoch]
        offsets = [_offset(zone, first_epoch)]
        t = first_epoch
        while t < last_epoch:
            nxt = t + _STEP
            off = _offset(zone, nxt)
            if off != offsets[-1]:
                lo, hi = t, nxt  # offset(lo) == old, offset(hi) == new
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if _offset(zone, mid) == offsets[-1]:
                        lo = mid
                    else:
                        hi = mid
                starts.append(hi)
                offsets.append(off)
            t = nxt
        self.starts = np.array(starts, dtype=np.int64)
        self.offsets = np.array(offsets, dtype=np.int64)
        # Absolute windows whose local time is repeated (a backward change of `delta`
        # at T repeats the local times of [T - delta, T + delta)).
        repeats = []
        for i in range(1, len(starts)):
            delta = offsets[i - 1] - offsets[i]
            if delta > 0:
                repeats.append((starts[i] - delta, starts[i] + delta))
        self.repeat_from = np.array([r[0] for r in repeats], dtype=np.int64)
        self.repeat_to = np.array([r[1] for r in repeats], dtype=np.int64)

    @property
    def has_dst(self) -> bool:
        return len(self.starts) > 1

    def offset_at(self, abs_s: np.ndarray) -> np.ndarray:
        idx = np.searchsorted(self.starts, abs_s, side="right") - 1
        return self.offsets[np.clip(idx, 0, len(self.offsets) - 1)]

    def settle(self, abs_s: np.ndarray) -> np.ndarray:
        """Move instants whose local time is repeated to the end of the repeated window."""
        if not len(self.repeat_from):
            return abs_s
        out = abs_s.copy()
        for lo, hi in zip(self.repeat_from, self.repeat_to, strict=True):
            out[(out >= lo) & (out < hi)] = hi
        return out

    def to_local(self, abs_s: np.ndarray) -> np.ndarray:
        """Local wall clock (naive epoch seconds) of absolute instants (settled first)."""
        settled = self.settle(abs_s)
        return settled + self.offset_at(settled)

    def to_abs(self, local_s: np.ndarray) -> np.ndarray:
        """Absolute instant of a local wall-clock time (a skipped time moves forward)."""
        first = local_s - self.offset_at(local_s - self.offsets.max())
        return local_s - self.offset_at(first)

    def is_valid_local(self, local: datetime) -> bool:
        """True when a naive local time exists exactly once in this zone."""
        a = local.replace(tzinfo=self._zone, fold=0)
        b = local.replace(tzinfo=self._zone, fold=1)
        if a.utcoffset() != b.utcoffset():
            return False
        back = a.astimezone(UTC).astimezone(self._zone).replace(tzinfo=None)
        return back == local


def epoch_of(day: datetime) -> int:
    """Naive datetime read as UTC -> epoch seconds (the 'local naive seconds' scale)."""
    return int((day - datetime(1970, 1, 1)) / timedelta(seconds=1))
