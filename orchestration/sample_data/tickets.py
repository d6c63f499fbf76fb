"""One branch-day of work orders: tickets, their part lines and their job intervals.

Everything is simulated on absolute time (see ``zones``); versions of each record are
emitted at the events that change it (opened, work started, waiting for parts,
completed, delivered, cancelled, deleted), each stamped a few minutes after its event.
Only versions stamped before the end of the generated range are emitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from orchestration.sample_data.catalog import PART_PREFIX
from orchestration.sample_data.masters import AssetPool, Staff
from orchestration.sample_data.params import (
    DAY,
    HOUR,
    MINUTE,
    NULL_I,
    BranchContext,
    GenerationParams,
    day_stamp,
)

Rows = dict[str, np.ndarray]
TYPES = np.array(["repair", "maintenance", "warranty", "inspection", "consult"], dtype=object)
TYPE_P = np.array([0.45, 0.30, 0.12, 0.08, 0.05])
CLASSES = np.array(["A", "B", "C"], dtype=object)


@dataclass
class ReworkQueue:
    """Rework orders waiting for their opening day: day index -> list of source arrays."""

    pending: dict[int, list[tuple[np.ndarray, ...]]] = field(default_factory=dict)

    def add(
        self,
        day: np.ndarray,
        orig: np.ndarray,
        cust: np.ndarray,
        asset: np.ndarray,
        asset_idx: np.ndarray,
    ) -> None:
        for d in np.unique(day):
            m = day == d
            self.pending.setdefault(int(d), []).append((orig[m], cust[m], asset[m], asset_idx[m]))

    def take(self, day: int) -> tuple[np.ndarray, ...]:
        parts = self.pending.pop(day, [])
        if not parts:
            e = np.empty(0, dtype=object)
            return e, e, e, np.empty(0, np.int64)
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))


@dataclass
class DayOutput:
    tickets: Rows
    part_requests: Rows
    jobs: Rows  # employee, ticket, start/end abs, source
    delivered: Rows  # customer deliveries for callbacks (abs times)


def _u(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def _mins(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return (rng.uniform(lo, hi, n) * MINUTE).astype(np.int64)


def _pick_tech(
    staff: Staff, ctx: BranchContext, start_abs: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A technician on duty (night crew at night when the branch has one)."""
    local = ctx.clock.to_local(start_abs)
    day = local // DAY - ctx.start_day
    tod = local % DAY
    at_night = (tod >= 21 * HOUR) | (tod < 6 * HOUR + 30 * MINUTE)
    # A night job before 06:30 belongs to the shift that started the evening before.
    day = np.where(tod < 6 * HOUR + 30 * MINUTE, day - 1, day)
    night = at_night & bool(staff.night.any())
    out = np.empty(len(start_abs), dtype=np.int64)
    keys = day * 2 + night
    for key in np.unique(keys):
        sel = np.flatnonzero(keys == key)
        d, is_night = int(key // 2), bool(key % 2)
        pool = staff.technicians_on(d, is_night)
        if not len(pool):
            pool = staff.technicians_on(d, False)
        if not len(pool):
            pool = np.flatnonzero(staff.is_tech & (staff.hired <= d) & (staff.left >= d))
        if not len(pool):
            pool = np.flatnonzero(staff.is_tech)
        out[sel] = pool[rng.integers(0, len(pool), len(sel))]
    return out


def simulate_day(
    ctx: BranchContext,
    params: GenerationParams,
    staff: Staff,
    assets: AssetPool,
    reworks: ReworkQueue,
    k: int,
    rng: np.random.Generator,
) -> DayOutput:
    code = ctx.tpl.code
    opd = params.orders_per_day
    abs_day = ctx.day_local(k)  # local midnight (naive); converted below
    is_open = bool(ctx.open_day[k])
    n_reg = int(rng.poisson(opd)) if is_open else 0
    n_em = int(rng.poisson(max(opd * 0.03, 0.05)))
    rw_orig, rw_cust, rw_asset, rw_aidx = reworks.take(k)
    n_rw = len(rw_orig)
    n = n_reg + n_em + n_rw
    if n == 0:
        return DayOutput({}, {}, {}, {})

    # --- who and what -----------------------------------------------------------------
    kind = np.zeros(n, np.int8)  # 0 workshop, 1 field service
    kind[:n_reg] = rng.random(n_reg) < 0.12
    kind[n_reg : n_reg + n_em] = 1
    is_rework = np.zeros(n, bool)
    is_rework[n_reg + n_em :] = True
    ttype = TYPES[rng.choice(5, n, p=TYPE_P)]
    ttype[n_reg : n_reg + n_em] = "repair"
    ttype[is_rework] = np.where(rng.random(n_rw) < 0.75, "repair", "warranty")
    internal = (rng.random(n) < 0.06) & ~is_rework
    fault = np.full(n, NULL_I, np.int64)
    rep = np.isin(ttype, ["repair", "warranty"])
    fault[rep] = rng.choice([1, 2, 3], rep.sum(), p=[0.1, 0.3, 0.6])
    mi = np.isin(ttype, ["maintenance", "inspection"]) & (rng.random(n) < 0.5)
    fault[mi] = 3
    fault[n_reg : n_reg + n_em] = 1

    day_epoch = params.start_day + k
    avail = max(assets.available(day_epoch), 1)
    recent_lo = assets.available(day_epoch - 90)
    in_warr_lo = assets.available(day_epoch - 3 * 365 + 30)
    aidx = rng.integers(0, avail, n)
    recent = rep & (rng.random(n) < 0.12) & (avail > recent_lo)
    aidx[recent] = rng.integers(recent_lo, avail, recent.sum())
    warr = (ttype == "warranty") & (rng.random(n) < 0.95) & (avail > in_warr_lo)
    aidx[warr] = rng.integers(in_warr_lo, avail, warr.sum())
    aidx[is_rework] = rw_aidx
    asset_id = assets.ids[aidx].copy()
    customer = assets.customers[aidx].copy()
    no_asset = (ttype == "consult") & (rng.random(n) < 0.6)
    asset_id[no_asset] = None
    customer[no_asset] = [
        f"W{ctx.index:02d}{day_epoch:05d}{i:04d}" for i in np.flatnonzero(no_asset)
    ]
    customer[internal] = f"INT-{code}"
    asset_id[is_rework] = rw_asset
    customer[is_rework] = rw_cust
    advisors = np.flatnonzero(~staff.is_tech)
    advisor = staff.ids[advisors[rng.integers(0, len(advisors), n)]].copy()
    advisor[rng.random(n) < 0.03] = None
    stamp = day_stamp(day_epoch)
    ids = np.array([f"{code}-{stamp}-{i + 1:05d}" for i in range(n)], dtype=object)
    rework_of = np.full(n, None, dtype=object)
    rework_of[is_rework] = rw_orig

    # --- arrival, opening, response ---------------------------------------------------
    span = ctx.closes - ctx.opens
    base = abs_day + ctx.opens
    walk_local = base + (rng.beta(2, 3, n) * (span - 30 * MINUTE)).astype(np.int64)
    appt = (kind == 0) & ~internal & (rng.random(n) < 0.48) & ~is_rework & is_open
    slots = max(int((span - HOUR) // (30 * MINUTE)), 1)
    appt_local = base + rng.integers(0, slots, n) * 30 * MINUTE
    appt_abs = ctx.clock.to_abs(appt_local)
    lead = np.where(rng.random(n) < 0.2, _mins(rng, 60, 360, n), _mins(rng, 18 * 60, 10 * 1440, n))
    booked = appt_abs - lead
    rem_u = rng.random(n)
    rem = np.where(
        rem_u < 0.75,
        appt_abs - _mins(rng, 12 * 60, 24 * 60, n),
        appt_abs - _mins(rng, 60, 11 * 60, n),
    )
    has_rem = appt & (rem_u < 0.88)
    rem = np.maximum(rem, booked + 10 * MINUTE)
    pu = rng.random(n)
    arr_off = np.where(
        pu < 0.55,
        -_mins(rng, 0, 5, n),
        np.where(pu < 0.8, -_mins(rng, 5, 40, n), _mins(rng, 0.5, 45, n)),
    )
    arrive_ws = np.where(appt, appt_abs + arr_off, ctx.clock.to_abs(walk_local))
    field_local = np.where(np.arange(n) < n_reg, walk_local, abs_day + rng.integers(0, DAY, n))
    field_open = ctx.clock.to_abs(field_local)
    opened = np.where(kind == 0, arrive_ws + _mins(rng, 2, 20, n), field_open)
    resp = opened + np.where(rng.random(n) < 0.9, _mins(rng, 0, 10, n), _mins(rng, 10, 45, n))
    arrived = np.where(kind == 0, arrive_ws, opened + _mins(rng, 40, 6 * 60, n))
    arrived[(kind == 1) & (rng.random(n) < 0.05)] = NULL_I  # solved remotely
    arrived_eff = np.where(arrived == NULL_I, resp, arrived)

    # --- labour and parts plan --------------------------------------------------------
    sold = np.select(
        [ttype == "maintenance", ttype == "repair", ttype == "warranty", ttype == "inspection"],
        [
            _u(rng, 0.8, 2.5, n),
            np.clip(rng.lognormal(np.log(2.2), 0.6, n), 0.3, 12),
            np.clip(rng.lognormal(np.log(2.5), 0.5, n), 0.5, 10),
            _u(rng, 0.3, 1.0, n),
        ],
        _u(rng, 0.1, 0.5, n),
    ).round(1)
    labor = (sold * ctx.labour_rate).round(2)
    job_h = np.clip(sold * _u(rng, 0.8, 1.25, n), 0.25, 10.0)
    cancelled = (rng.random(n) < 0.03) & ~is_rework
    deleted = (rng.random(n) < 0.004) & ~is_rework & ~cancelled
    worked = ~cancelled & ~deleted
    n_lines = np.select(
        [ttype == "maintenance", ttype == "repair", ttype == "warranty", ttype == "inspection"],
        [
            rng.integers(2, 5, n),
            rng.integers(0, 5, n),
            rng.integers(1, 4, n),
            rng.integers(0, 2, n),
        ],
        0,
    )
    n_lines[~worked] = 0
    line_t = np.repeat(np.arange(n), n_lines)
    m = len(line_t)
    pclass = CLASSES[rng.choice(3, m, p=[0.2, 0.3, 0.5])]
    qty = np.where(
        pclass == "A",
        1.0,
        np.where(
            pclass == "B",
            rng.integers(1, 3, m).astype(float),
            np.where(rng.random(m) < 0.2, 4.5, rng.integers(1, 7, m).astype(float)),
        ),
    )
    price = np.select(
        [pclass == "A", pclass == "B"],
        [_u(rng, 300, 2500, m), _u(rng, 80, 800, m)],
        _u(rng, 5, 150, m),
    ).round(2)
    fill_p = np.select([pclass == "A", pclass == "B"], [0.96, 0.9], 0.85)
    full = rng.random(m) < fill_p
    from_stock = np.where(full, qty, np.floor(qty * rng.random(m)))
    line_cancel = rng.random(m) < 0.02
    requested = opened[line_t] + _mins(rng, 5, 60, m)
    ordered = np.where(full | line_cancel, NULL_I, requested + _mins(rng, 5, 90, m))
    recv_h = rng.lognormal(np.log(16), 0.7, m)
    received = np.where(ordered == NULL_I, NULL_I, ordered + (recv_h * HOUR).astype(np.int64))
    issued = np.where(full, requested + _mins(rng, 3, 40, m), received + _mins(rng, 10, 180, m))
    issued[line_cancel] = NULL_I
    backorder = ordered != NULL_I
    parts_ready = np.full(n, NULL_I, np.int64)
    np.maximum.at(parts_ready, line_t[backorder], issued[backorder])
    waits = parts_ready != NULL_I
    line_amount = np.where(line_cancel, 0.0, qty * price)
    parts_amount = np.bincount(line_t, weights=line_amount, minlength=n).round(2)

    # --- workshop timeline ------------------------------------------------------------
    ready = np.maximum(opened, arrived_eff)
    ws = ready + _mins(rng, 10, 120, n)
    ws = np.where(
        kind == 0,
        np.maximum(ctx.to_business(ws, rng), ready + 10 * MINUTE),
        ready + _mins(rng, 5, 30, n),
    )
    seg1_len = np.where(waits, np.minimum(job_h, _u(rng, 0.3, 1.0, n)), job_h)
    seg1_end = ws + (seg1_len * HOUR).astype(np.int64)
    rest = np.maximum(job_h - seg1_len, 0.25)
    seg2_start = np.maximum(parts_ready + _mins(rng, 20, 120, n), seg1_end + 10 * MINUTE)
    seg2_start = np.where(waits, ctx.to_business(seg2_start, rng), NULL_I)
    seg2_end = np.where(waits, seg2_start + (rest * HOUR).astype(np.int64), NULL_I)
    work_end = np.where(waits, seg2_end, seg1_end)
    completed = work_end + _mins(rng, 10, 45, n)
    invoiced = completed + _mins(rng, 5, 50, n)
    inv_local = ctx.clock.to_local(invoiced)
    same_day = (inv_local % DAY < ctx.closes - 30 * MINUTE) & (rng.random(n) < 0.7)
    pickup = np.where(
        same_day,
        invoiced + _mins(rng, 10, 120, n),
        ctx.to_business(invoiced + 12 * HOUR, rng, 0) + _mins(rng, 0, 240, n),
    )
    delivered = np.where(
        internal,
        invoiced + _mins(rng, 0, 30, n),
        np.where(kind == 1, invoiced + _mins(rng, 0, 20, n), pickup),
    )
    plan = (sold * _u(rng, 1.4, 2.4, n) * HOUR).astype(np.int64) + _mins(rng, 90, 480, n)
    plan += np.where(waits, _mins(rng, 24 * 60, 72 * 60, n), 0)
    promised = opened + plan
    promised = (promised + 30 * MINUTE - 1) // (30 * MINUTE) * (30 * MINUTE)
    promised[rng.random(n) < 0.08] = NULL_I
    cancel_at = opened + _mins(rng, 30, 48 * 60, n)
    delete_at = opened + _mins(rng, 10, 600, n)

    tech_idx = _pick_tech(staff, ctx, ws, rng)
    tech = staff.ids[tech_idx]

    # --- ticket versions --------------------------------------------------------------
    end = ctx.end_abs
    ev_open = opened + _mins(rng, 1, 10, n)
    ev_ip = ws + _mins(rng, 1, 10, n)
    ev_wp = seg1_end + _mins(rng, 1, 10, n)
    ev_cmp = np.minimum(completed + _mins(rng, 1, 10, n), delivered)
    ev_del = delivered + _mins(rng, 1, 10, n)
    ev_can = cancel_at + _mins(rng, 1, 10, n)
    # Never report work that starts after the opening version if work started first.
    ev_open = np.minimum(ev_open, np.where(worked, ws, ev_open))
    still = ev_del >= end
    versions = [
        ("open", np.ones(n, bool), ev_open),
        ("in_progress", worked & ((rng.random(n) < 0.5) | (still & (ev_ip < end))), ev_ip),
        (
            "waiting_parts",
            worked & waits & ((rng.random(n) < 0.8) | (still & (ev_wp < end))),
            ev_wp,
        ),
        ("completed", worked & ((rng.random(n) < 0.35) | (still & (ev_cmp < end))), ev_cmp),
        ("delivered", worked, ev_del),
        ("cancelled", cancelled, ev_can),
        ("deleted", deleted, delete_at),
    ]
    cols_ts = {
        "appointment_booked_at": np.where(appt, booked, NULL_I),
        "appointment_at": np.where(appt, appt_abs, NULL_I),
        "reminder_sent_at": np.where(has_rem, rem, NULL_I),
        "first_response_at": resp,
        "arrived_at": arrived,
        "work_started_at": ws,
        "work_completed_at": completed,
        "invoiced_at": invoiced,
        "delivered_at": delivered,
    }
    pre_done = np.where(kind == 0, rng.random(n) < 0.85, rng.random(n) < 0.4)
    form = pre_done & (rng.random(n) < 0.93)
    with_cust = pre_done & ~internal & (rng.random(n) < 0.55)
    catalog = rng.random(n) < 0.65
    explained = np.where(internal, rng.random(n) < 0.2, rng.random(n) < 0.88)
    claim = (ttype == "warranty") | ((ttype == "repair") & (rng.random(n) < 0.03))
    parts: list[Rows] = []
    for status, mask, t_v in versions:
        idx = np.flatnonzero(mask & (t_v < end))
        if not len(idx):
            continue
        t = t_v[idx]
        row: Rows = {
            "ticket_id": ids[idx],
            "branch_code": np.full(len(idx), code, dtype=object),
            "customer_id": customer[idx],
            "asset_id": asset_id[idx],
            "advisor_id": advisor[idx],
            "ticket_type": ttype[idx],
            "fault_level": fault[idx],
            "is_internal": internal[idx].astype(np.int8),
            "opened_at": opened[idx],
            "precheck_done": pre_done[idx].astype(np.int8),
            "precheck_form_used": form[idx].astype(np.int8),
            "precheck_with_customer": with_cust[idx].astype(np.int8),
            "quoted_from_catalog": catalog[idx].astype(np.int8),
            "promised_at": promised[idx],
            "sold_hours": sold[idx],
            "labor_amount": labor[idx],
            "parts_amount": parts_amount[idx],
            "warranty_claim": claim[idx].astype(np.int8),
            "rework_of_ticket_id": rework_of[idx],
            "updated_at": t,
            "is_deleted": np.full(len(idx), 1 if status == "deleted" else 0, np.int8),
        }
        for c, v in cols_ts.items():
            vv = v[idx]
            row[c] = np.where((vv != NULL_I) & (vv <= t), vv, NULL_I)
        if status in ("open", "cancelled", "deleted"):
            for c in ("work_started_at", "work_completed_at", "invoiced_at", "delivered_at"):
                row[c] = np.full(len(idx), NULL_I, np.int64)
        started = row["work_started_at"] != NULL_I
        tv = np.where(started, tech[idx], None).astype(object)
        row["technician_id"] = tv
        row["explained_at_delivery"] = np.where(status == "delivered", explained[idx], 0).astype(
            np.int8
        )
        row["status"] = np.full(len(idx), "open" if status == "deleted" else status, dtype=object)
        parts.append(row)
    tickets = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}

    # --- part line versions -----------------------------------------------------------
    line_ids = np.array(
        [f"{ids[t]}-{j:02d}" for t, j in zip(line_t, _line_numbers(n_lines), strict=True)],
        dtype=object,
    )
    part_no = np.array(
        [
            f"{PART_PREFIX[c]}-{h % 9000 + 1000}"
            for c, h in zip(pclass, rng.integers(0, 10**6, m), strict=True)
        ],
        dtype=object,
    )
    lv: list[Rows] = []
    ev_req = requested + _mins(rng, 0.5, 2.5, m)
    ev_bo = np.where(backorder, ordered + _mins(rng, 1, 10, m), NULL_I)
    ev_iss = np.where(issued != NULL_I, issued + _mins(rng, 1, 5, m), NULL_I)
    ev_lcan = requested + _mins(rng, 10, 120, m)
    line_del = (rng.random(m) < 0.003) & ~line_cancel
    ev_ldel = np.where(ev_iss != NULL_I, ev_iss, ev_req) + _mins(rng, 30, 600, m)
    lversions = [
        (
            "requested",
            line_cancel
            | backorder & (rng.random(m) < 0.3)
            | full & (rng.random(m) < 0.4)
            | line_del,
            ev_req,
        ),
        ("backordered", backorder, ev_bo),
        ("issued", issued != NULL_I, ev_iss),
        ("cancelled", line_cancel, ev_lcan),
        ("deleted", line_del, ev_ldel),
    ]
    for status, mask, t_v in lversions:
        idx = np.flatnonzero(mask & (t_v < end) & (t_v != NULL_I))
        if not len(idx):
            continue
        t = t_v[idx]
        ti = line_t[idx]
        row = {
            "request_line_id": line_ids[idx],
            "ticket_id": ids[ti],
            "branch_code": np.full(len(idx), code, dtype=object),
            "part_number": part_no[idx],
            "part_class": pclass[idx],
            "qty_requested": qty[idx],
            "qty_from_stock": from_stock[idx],
            "requested_at": requested[idx],
            "unit_price": price[idx],
            "updated_at": t,
            "is_deleted": np.full(len(idx), 1 if status == "deleted" else 0, np.int8),
        }
        for c, v in (("issued_at", issued), ("ordered_at", ordered), ("received_at", received)):
            vv = v[idx]
            row[c] = np.where((vv != NULL_I) & (vv <= t), vv, NULL_I)
        st = status
        if status == "deleted":
            st_arr = np.where(row["issued_at"] != NULL_I, "issued", "requested").astype(object)
        else:
            st_arr = np.full(len(idx), st, dtype=object)
        row["status"] = st_arr
        lv.append(row)
    lines = {c: np.concatenate([p[c] for p in lv]) for c in lv[0]} if lv else {}

    # --- jobs --------------------------------------------------------------------------
    jw = np.flatnonzero(worked)
    helper = worked & (job_h >= 1.5) & (rng.random(n) < 0.15)
    hi = np.flatnonzero(helper)
    h_tech = _pick_tech(staff, ctx, ws[hi], rng)
    h_start = ws[hi] + _mins(rng, 0, 30, len(hi))
    h_end = h_start + ((seg1_end[hi] - ws[hi]) * _u(rng, 0.3, 0.9, len(hi))).astype(np.int64)
    h_end = np.maximum(h_end, h_start + 10 * MINUTE)
    w2 = np.flatnonzero(waits & worked)
    keep_h = h_tech != tech_idx[hi]
    jobs = {
        "employee_id": np.concatenate([tech[jw], tech[w2], staff.ids[h_tech[keep_h]]]),
        "ticket_id": np.concatenate([ids[jw], ids[w2], ids[hi[keep_h]]]),
        "start": np.concatenate([ws[jw], seg2_start[w2], h_start[keep_h]]),
        "end": np.concatenate([seg1_end[jw], seg2_end[w2], h_end[keep_h]]),
        "seq": np.concatenate(
            [np.full(len(jw), 1), np.full(len(w2), 2), np.full(int(keep_h.sum()), 3)]
        ),
        "field": np.concatenate([kind[jw], kind[w2], kind[hi[keep_h]]]).astype(bool),
    }

    # --- deliveries for follow-ups and rework -------------------------------------------
    dl = np.flatnonzero(worked & (ev_del < end) & ~internal)
    delivered_out = {
        "ticket_id": ids[dl],
        "delivered": delivered[dl],
        "fault": fault[dl],
        "rep": rep[dl],
    }
    rw = np.flatnonzero(worked & rep & ~internal & (ev_del < end) & (asset_id != None))  # noqa: E711
    u = rng.random(len(rw))
    chosen = rw[u < 0.105]
    gap = np.where(
        u[u < 0.105] < 0.09, rng.integers(1, 28, len(chosen)), rng.integers(35, 61, len(chosen))
    )
    del_day = ctx.clock.to_local(delivered[chosen]) // DAY - ctx.start_day
    rw_day = del_day + gap
    rw_day = ctx.next_open[np.clip(rw_day, 0, len(ctx.next_open) - 1)]
    ok = rw_day < params.days
    reworks.add(
        rw_day[ok], ids[chosen][ok], customer[chosen][ok], asset_id[chosen][ok], aidx[chosen][ok]
    )
    return DayOutput(tickets, lines, jobs, delivered_out)


def _line_numbers(n_lines: np.ndarray) -> np.ndarray:
    """1..n for every ticket's lines, concatenated."""
    total = int(n_lines.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    starts = np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    return np.arange(total) - starts + 1
