"""Technician clock events: shifts from the roster, job pairs from tickets, orphans."""

from __future__ import annotations

import numpy as np

from orchestration.sample_data.masters import Staff
from orchestration.sample_data.params import DAY, HOUR, MINUTE, BranchContext, day_stamp

Rows = dict[str, np.ndarray]


def _mins(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return (rng.uniform(lo, hi, n) * MINUTE).astype(np.int64)


def _rows(
    ctx: BranchContext,
    pid: np.ndarray,
    emp: np.ndarray,
    ptype: np.ndarray,
    ticket: np.ndarray,
    punched_abs: np.ndarray,
    source: np.ndarray,
    upd_abs: np.ndarray,
    deleted: np.ndarray,
) -> Rows:
    n = len(pid)
    return {
        "punch_id": pid,
        "employee_id": emp,
        "branch_code": np.full(n, ctx.tpl.code, object),
        "punch_type": ptype,
        "ticket_id": ticket,
        "punched_at": ctx.clock.to_local(punched_abs),
        "source": source,
        "updated_at": ctx.clock.to_local(upd_abs),
        "is_deleted": deleted.astype(np.int8),
    }


def concat(parts: list[Rows]) -> Rows:
    parts = [p for p in parts if p and len(next(iter(p.values())))]
    if not parts:
        return {}
    return {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}


def shift_punches(ctx: BranchContext, staff: Staff, k: int, rng: np.random.Generator) -> Rows:
    """Shifts starting on day index k; only shifts that ended before the range end."""
    emp = np.flatnonzero(staff.works[k] & staff.is_tech)
    if not len(emp):
        return {}
    n = len(emp)
    day0 = ctx.day_local(k)
    night = staff.night[emp]
    s_local = np.where(
        night,
        day0 + 22 * HOUR - 15 * MINUTE + _mins(rng, 0, 30, n),
        day0 + ctx.opens - _mins(rng, 0, 20, n),
    )
    e_local = np.where(
        night,
        day0 + DAY + 6 * HOUR + _mins(rng, 0, 30, n),
        day0 + ctx.closes + _mins(rng, -5, 45, n),
    )
    s_abs = ctx.clock.to_abs(s_local)
    e_abs = ctx.clock.to_abs(e_local)
    s_upd = s_abs + rng.integers(0, 120, n)
    e_upd = e_abs + rng.integers(0, 120, n)
    end = ctx.end_abs
    next_morning = ctx.clock.to_abs(
        (ctx.clock.to_local(e_abs) // DAY + 1) * DAY + 9 * HOUR + _mins(rng, 0, 120, n)
    )
    u = rng.random(n)
    late_manual = (u < 0.01) & (next_morning < end)  # forgotten punch, entered next morning
    corrected = (u >= 0.01) & (u < 0.025) & (next_morning < end)
    e_upd = np.where(late_manual, next_morning, e_upd)
    done = e_upd < end
    idx = np.flatnonzero(done)
    if not len(idx):
        return {}
    ids = staff.ids[emp[idx]]
    stamp = f"-{day_stamp(ctx.start_day + k)}-"
    sid = np.array([f"{e}{stamp}S" for e in ids], dtype=object)
    eid = np.array([f"{e}{stamp}E" for e in ids], dtype=object)
    m = len(idx)
    none = np.full(m, None, object)
    src_s = np.where(rng.random(m) < 0.03, "mobile", "terminal").astype(object)
    src_e = np.where(late_manual[idx], "manual", "terminal").astype(object)
    zeros = np.zeros(m, bool)
    parts = [
        _rows(
            ctx,
            sid,
            ids,
            np.full(m, "shift_start", object),
            none,
            s_abs[idx],
            src_s,
            s_upd[idx],
            zeros,
        ),
        _rows(
            ctx,
            eid,
            ids,
            np.full(m, "shift_end", object),
            none,
            e_abs[idx],
            src_e,
            e_upd[idx],
            zeros,
        ),
    ]
    c = np.flatnonzero(corrected[idx])
    if len(c):  # supervisor moves a too-early shift end later
        fixed = e_abs[idx][c] + _mins(rng, 10, 60, len(c))
        parts.append(
            _rows(
                ctx,
                eid[c],
                ids[c],
                np.full(len(c), "shift_end", object),
                none[c],
                fixed,
                np.full(len(c), "manual", object),
                next_morning[idx][c],
                zeros[c],
            )
        )
    dup_del = s_abs[idx] + DAY + 3 * HOUR
    d = np.flatnonzero((rng.random(m) < 0.005) & (dup_del < end))
    if len(d):  # a double punch at the terminal, deleted by the supervisor the next day
        did = np.array([f"{x}2" for x in sid[d]], dtype=object)
        t = s_abs[idx][d] + rng.integers(20, 90, len(d))
        for flag, upd in ((False, t + 5), (True, dup_del[d])):
            parts.append(
                _rows(
                    ctx,
                    did,
                    ids[d],
                    np.full(len(d), "shift_start", object),
                    none[d],
                    t,
                    np.full(len(d), "terminal", object),
                    upd,
                    np.full(len(d), flag),
                )
            )
    return concat(parts)


def job_punches(ctx: BranchContext, jobs: Rows, rng: np.random.Generator) -> Rows:
    """job_start/job_end pairs; a job is exported once it has ended before the range end."""
    if not jobs or not len(jobs["start"]):
        return {}
    n = len(jobs["start"])
    field = jobs["field"]
    delay = np.where(field, rng.integers(0, 1800, n), rng.integers(0, 120, n))
    end_upd = jobs["end"] + delay
    idx = np.flatnonzero(end_upd < ctx.end_abs)
    if not len(idx):
        return {}
    m = len(idx)
    src = np.where(
        field[idx], "mobile", np.where(rng.random(m) < 0.02, "manual", "terminal")
    ).astype(object)
    tick, emp, seq = jobs["ticket_id"][idx], jobs["employee_id"][idx], jobs["seq"][idx]
    base = np.array(
        [f"{t}-J{s}{e[-3:]}" for t, s, e in zip(tick, seq, emp, strict=True)], dtype=object
    )
    zeros = np.zeros(m, bool)
    return concat(
        [
            _rows(
                ctx,
                base + "S",
                emp,
                np.full(m, "job_start", object),
                tick,
                jobs["start"][idx],
                src,
                jobs["start"][idx] + delay[idx],
                zeros,
            ),
            _rows(
                ctx,
                base + "E",
                emp,
                np.full(m, "job_end", object),
                tick,
                jobs["end"][idx],
                src,
                end_upd[idx],
                zeros,
            ),
        ]
    )


def orphan_punches(
    ctx: BranchContext,
    staff: Staff,
    kind: str,
    batch: Rows,
    tickets: Rows,
    day: int,
    rng: np.random.Generator,
) -> Rows:
    """Extra punches that pair with nothing (the contract's orphans) for one branch-day.

    ``batch`` holds the branch's punch rows of the batch, ``tickets`` its ticket rows.
    Returns an empty dict when the kind cannot be built from this batch.
    """
    code = ctx.tpl.code
    stamp = day_stamp(ctx.start_day + day)
    one = np.ones(1, bool)
    if kind in ("double_start", "start_without_end"):
        want = "shift_start" if kind == "double_start" else "shift_end"
        sel = np.flatnonzero(
            (batch.get("punch_type", np.empty(0)) == want)
            & (batch.get("branch_code", np.empty(0)) == code)
            & (batch.get("is_deleted", np.empty(0)) == 0)
            & ~np.char.endswith(batch.get("punch_id", np.empty(0)).astype(str), "2")
        )
        if not len(sel):
            return {}
        i = sel[rng.integers(0, len(sel))]
        local = int(batch["punched_at"][i])
        shift = -40 * MINUTE if kind == "double_start" else 90 * MINUTE
        new_local = local + shift
        if new_local // DAY != local // DAY:
            return {}
        t = ctx.clock.to_abs(np.array([new_local]))
        emp = batch["employee_id"][i]
        return _rows(
            ctx,
            np.array([f"{emp}-{stamp}-X{kind[0]}"], object),
            np.array([emp], object),
            np.array(["shift_start"], object),
            np.array([None], object),
            t,
            np.array(["terminal"], object),
            t + 30,
            ~one,
        )
    if kind == "long_shift":
        free = np.flatnonzero(
            staff.is_tech
            & ~staff.night
            & ~staff.works[day]
            & (staff.hired <= day)
            & (staff.left >= day)
        )
        if not len(free):
            return {}
        e = staff.ids[free[rng.integers(0, len(free))]]
        day0 = ctx.day_local(day)
        t = ctx.clock.to_abs(np.array([day0 + 5 * HOUR, day0 + 22 * HOUR + 30 * MINUTE]))
        return _rows(
            ctx,
            np.array([f"{e}-{stamp}-XLS", f"{e}-{stamp}-XLE"], object),
            np.array([e, e], object),
            np.array(["shift_start", "shift_end"], object),
            np.array([None, None], object),
            t,
            np.array(["terminal"] * 2, object),
            t + 30,
            np.zeros(2, bool),
        )
    if kind == "end_without_start":
        if not tickets:
            return {}
        sel = np.flatnonzero((tickets["status"] == "cancelled") & (tickets["branch_code"] == code))
        techs = np.flatnonzero(staff.is_tech & (staff.hired <= day) & (staff.left >= day))
        if not len(sel) or not len(techs):
            return {}
        i = sel[rng.integers(0, len(sel))]
        local = int(tickets["updated_at"][i]) + HOUR
        if local // DAY != int(tickets["updated_at"][i]) // DAY:
            return {}
        t = ctx.clock.to_abs(np.array([local]))
        e = staff.ids[techs[rng.integers(0, len(techs))]]
        return _rows(
            ctx,
            np.array([f"{tickets['ticket_id'][i]}-XJE"], object),
            np.array([e], object),
            np.array(["job_end"], object),
            np.array([tickets["ticket_id"][i]], object),
            t,
            np.array(["terminal"], object),
            t + 30,
            ~one,
        )
    raise ValueError(kind)


ORPHAN_KINDS = ("double_start", "start_without_end", "long_shift", "end_without_start")
