"""Shifts, jobs and job shares from the current punches (raw contract, pairing rules).

All instants are absolute (the punch branch's IANA zone via ``zoneinfo``), so a DST change
adds or removes no hour. Durations are exact fractions of an hour.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

MAX_PAIR_SECONDS = 16 * 3600


def epoch(local: datetime, zone: str) -> int:
    """Absolute epoch seconds of a branch-local wall-clock time."""
    return int(local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).timestamp())


@dataclass(frozen=True)
class Punch:
    punch_id: str
    employee_id: str
    branch_code: str
    punch_type: str
    ticket_id: str | None
    local: datetime
    at: int  # absolute epoch seconds


@dataclass(frozen=True)
class Pair:
    start: Punch
    end: Punch

    @property
    def hours(self) -> Fraction:
        return Fraction(self.end.at - self.start.at, 3600)


def punches(current: dict[str, dict[str, object]], zones: dict[str, str]) -> list[Punch]:
    out = []
    for row in current.values():
        branch = str(row["branch_code"])
        out.append(
            Punch(
                str(row["punch_id"]),
                str(row["employee_id"]),
                branch,
                str(row["punch_type"]),
                row["ticket_id"],  # type: ignore[arg-type]
                row["punched_at"],  # type: ignore[arg-type]
                epoch(row["punched_at"], zones[branch]),  # type: ignore[arg-type]
            )
        )
    return out


def _pair(stream: list[Punch], start_type: str, end_type: str) -> list[Pair]:
    """Pairs in one employee's (and, for jobs, ticket's) punches ordered in time.

    Walking forward from a start: the first end reached pairs with it when it is at most
    16 h later; reaching another start first makes it unpaired. Ties in time are ordered
    by punch_id.
    """
    stream = sorted(stream, key=lambda p: (p.at, p.punch_id))
    pairs = []
    for i, start in enumerate(stream):
        if start.punch_type != start_type:
            continue
        for later in stream[i + 1 :]:
            if later.punch_type == start_type:
                break
            if later.punch_type == end_type:
                if later.at - start.at <= MAX_PAIR_SECONDS:
                    pairs.append(Pair(start, later))
                break
    return pairs


def shifts(all_punches: list[Punch]) -> list[Pair]:
    by_employee: dict[str, list[Punch]] = defaultdict(list)
    for p in all_punches:
        if p.punch_type in ("shift_start", "shift_end"):
            by_employee[p.employee_id].append(p)
    return [
        pair
        for stream in by_employee.values()
        for pair in _pair(stream, "shift_start", "shift_end")
    ]


def jobs(all_punches: list[Punch]) -> list[Pair]:
    by_key: dict[tuple[str, str | None], list[Punch]] = defaultdict(list)
    for p in all_punches:
        if p.punch_type in ("job_start", "job_end"):
            by_key[(p.employee_id, p.ticket_id)].append(p)
    return [pair for stream in by_key.values() for pair in _pair(stream, "job_start", "job_end")]


def orphans(all_punches: list[Punch], paired: list[Pair]) -> set[str]:
    used = {p.start.punch_id for p in paired} | {p.end.punch_id for p in paired}
    return {p.punch_id for p in all_punches if p.punch_id not in used}


def job_shares(job_pairs: list[Pair]) -> dict[str, Fraction]:
    """Hours per job (start punch_id): every instant divided by the employee's open jobs."""
    shares: dict[str, Fraction] = {pair.start.punch_id: Fraction(0) for pair in job_pairs}
    by_employee: dict[str, list[Pair]] = defaultdict(list)
    for pair in job_pairs:
        by_employee[pair.start.employee_id].append(pair)
    for pairs in by_employee.values():
        cuts = sorted({p.start.at for p in pairs} | {p.end.at for p in pairs})
        for lo, hi in itertools.pairwise(cuts):
            open_jobs = [p for p in pairs if p.start.at <= lo and p.end.at >= hi]
            for p in open_jobs:
                shares[p.start.punch_id] += Fraction(hi - lo, 3600 * len(open_jobs))
    return shares
