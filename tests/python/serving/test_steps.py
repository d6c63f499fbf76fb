"""A step clock records the seconds of each step in order (orchestration/serving/steps.py)."""

from __future__ import annotations

from orchestration.serving.steps import StepClock


def test_each_step_takes_the_time_since_the_previous_one() -> None:
    readings = iter([10.0, 10.5, 12.0, 12.25])  # made, then three steps
    clock = StepClock(now=lambda: next(readings))
    clock.done("copy")
    clock.done("compare")
    clock.done("copy")  # a step named again adds up
    assert clock.seconds == {"copy": 0.75, "compare": 1.5}
    assert list(clock.seconds) == ["copy", "compare"]
