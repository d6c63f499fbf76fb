"""Where the time of a long operation went: seconds per step, in the order the steps ran
(publish reports them as ``step_seconds``, and the update of the served copy its own)."""

from __future__ import annotations

import time
from collections.abc import Callable


class StepClock:
    """Started when made; each :meth:`done` records the seconds since the previous one
    (or since the start) under the step's name, adding up a step named twice.
    ``now``: the clock read (``time.monotonic``)."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.seconds: dict[str, float] = {}
        self._now = now
        self._mark = now()

    def done(self, step: str) -> None:
        now = self._now()
        self.seconds[step] = round(self.seconds.get(step, 0.0) + now - self._mark, 3)
        self._mark = now
