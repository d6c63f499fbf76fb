# ruff: noqa: RUF001
"""Master data: branches, staff (with their work roster) and the asset pool."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.sample_data.catalog import (
    GERMAN_FIRST,
    GERMAN_LAST,
    GIVEN_CHARS,
    PRODUCT_LINES,
    SURNAMES,
)
from orchestration.sample_data.params import (
    DAY,
    HOUR,
    MINUTE,
    NULL_I,
    BranchContext,
    GenerationParams,
)

Rows = dict[str, np.ndarray]
SNAPSHOT_OFFSET = 4 * HOUR  # the initial snapshot is stamped 20:00 on the day before the start


def _obj(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def branch_rows(
    ctxs: list[BranchContext], params: GenerationParams, rng: np.random.Generator
) -> Rows:
    """Initial snapshot of every branch, plus one later change of opening hours."""
    snap = params.start_day * DAY - SNAPSHOT_OFFSET
    rows: list[dict] = []
    for ctx in ctxs:
        t = ctx.tpl
        base = {
            "branch_code": t.code,
            "branch_name": t.name,
            "region": t.region,
            "province": t.province,
            "org_type": t.org_type,
            "timezone": t.timezone,
            "opens_at": t.opens_at,
            "closes_at": t.closes_at,
            "open_weekdays": t.open_weekdays,
            "updated_at": snap,
            "is_deleted": 0,
        }
        rows.append(base)
        if ctx.index == 1 and params.days >= 30:
            day = int(rng.integers(params.days // 3, params.days // 2 + 1))
            rows.append(
                {
                    **base,
                    "branch_name": t.name + "（新址）",
                    "updated_at": (params.start_day + day) * DAY + 6 * HOUR,
                }
            )
    return {
        c: (
            np.array([r[c] for r in rows], dtype=np.int64)
            if c in ("updated_at", "is_deleted")
            else _obj([r[c] for r in rows])
        )
        for c in rows[0]
    }


def _names(n: int, german: bool, rng: np.random.Generator) -> list[str]:
    if german:
        return [
            f"{GERMAN_FIRST[a]} {GERMAN_LAST[b]}"
            for a, b in zip(
                rng.integers(0, len(GERMAN_FIRST), n),
                rng.integers(0, len(GERMAN_LAST), n),
                strict=True,
            )
        ]
    s = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN_CHARS), n)
    g2 = rng.integers(0, len(GIVEN_CHARS), n)
    two = rng.random(n) < 0.6
    return [
        SURNAMES[a] + GIVEN_CHARS[b] + (GIVEN_CHARS[c] if t else "")
        for a, b, c, t in zip(s, g1, g2, two, strict=True)
    ]


def _phones(n: int, german: bool, rng: np.random.Generator) -> list[str]:
    nums = rng.integers(0, 10**8, n)
    if german:
        return [f"+49 151 {x:08d}" for x in nums]
    pre = rng.choice(np.array([135, 138, 139, 150, 158, 186, 188, 177]), n)
    return [f"{p}{x:08d}" for p, x in zip(pre, nums, strict=True)]


@dataclass
class Staff:
    """A branch's employees and, for technicians, who works which day."""

    ids: np.ndarray  # object
    is_tech: np.ndarray  # bool
    night: np.ndarray  # bool (night crew)
    hired: np.ndarray  # day index relative to start (may be negative)
    left: np.ndarray  # day index of the last day, large when still employed
    works: np.ndarray  # bool [day, employee]
    rows: Rows

    def technicians_on(self, day: int, night: bool) -> np.ndarray:
        """Indices of technicians of the given crew working on day index `day`."""
        d = min(max(day, 0), self.works.shape[0] - 1)
        return np.flatnonzero(self.works[d] & self.is_tech & (self.night == night))


def build_staff(ctx: BranchContext, params: GenerationParams, rng: np.random.Generator) -> Staff:
    code = ctx.tpl.code
    opd = params.orders_per_day
    n_tech = max(4, int(np.ceil(opd * 0.42)))
    n_night = max(2, n_tech // 8) if ctx.tpl.night_crew else 0
    n_adv = max(2, int(np.ceil(opd / 12)))
    german = ctx.tpl.timezone != "Asia/Shanghai"
    horizon = ctx.open_day.shape[0]

    ids: list[str] = []
    is_tech: list[bool] = []
    night: list[bool] = []
    hired: list[int] = []
    left: list[int] = []
    for i in range(n_tech):
        ids.append(f"{code}-T{i + 1:03d}")
        is_tech.append(True)
        night.append(i < n_night)
        hired.append(-int(rng.integers(30, 3650)))
        left.append(10**6)
    for i in range(n_adv):
        ids.append(f"{code}-A{i + 1:02d}")
        is_tech.append(False)
        night.append(False)
        hired.append(-int(rng.integers(30, 3650)))
        left.append(10**6)
    # Leavers and their replacements (about 6 % of technicians a year).
    serial = n_tech
    for i in range(n_tech):
        if params.days >= 60 and rng.random() < 0.06 * params.days / 365:
            last = int(rng.integers(20, params.days - 10))
            left[i] = last
            serial += 1
            ids.append(f"{code}-T{serial:03d}")
            is_tech.append(True)
            night.append(night[i])
            hired.append(last + int(rng.integers(1, 10)))
            left.append(10**6)
    n = len(ids)
    hired_a, left_a = np.array(hired), np.array(left)
    tech_a, night_a = np.array(is_tech), np.array(night)

    days = np.arange(horizon)[:, None]
    employed = (days >= hired_a[None, :]) & (days <= left_a[None, :])
    seven_day = len(ctx.tpl.open_weekdays) >= 7
    day_off = (days + np.arange(n)[None, :]) % 7 == 0 if seven_day else np.zeros((1, n), bool)
    absent = rng.random((horizon, n)) < 0.04
    works = employed & ctx.open_day[:, None] & ~day_off & ~absent & ~night_a[None, :]
    # The night crew (on-call service) covers every night of the week.
    works |= employed & night_a[None, :] & ~absent

    names = _names(n, german, rng)
    phones = _phones(n, german, rng)
    snap = params.start_day * DAY - SNAPSHOT_OFFSET
    recs: list[dict] = []
    for i in range(n):
        base = {
            "employee_id": ids[i],
            "branch_code": code,
            "role": "technician" if is_tech[i] else "advisor",
            "full_name": names[i],
            "phone": phones[i],
            "hired_on": params.start_day + hired[i],
            "left_on": NULL_I,
            "is_deleted": 0,
        }
        first = snap if hired[i] < 0 else (params.start_day + hired[i]) * DAY + 9 * HOUR
        if hired[i] < params.days:
            recs.append({**base, "updated_at": first})
        if left[i] < params.days:
            recs.append(
                {
                    **base,
                    "left_on": params.start_day + left[i],
                    "updated_at": (params.start_day + left[i]) * DAY + 18 * HOUR,
                }
            )
        elif hired[i] < params.days - 30 and rng.random() < 0.05:
            day = int(rng.integers(max(hired[i], 0) + 1, params.days - 1))
            recs.append(
                {
                    **base,
                    "phone": _phones(1, german, rng)[0],
                    "updated_at": (params.start_day + day) * DAY
                    + 10 * HOUR
                    + int(rng.integers(0, 6 * HOUR)),
                }
            )
    rows: Rows = {}
    for c in recs[0]:
        vals = [r[c] for r in recs]
        rows[c] = (
            np.array(vals, dtype=np.int64)
            if c in ("hired_on", "left_on", "updated_at", "is_deleted")
            else _obj(vals)
        )
    return Staff(np.array(ids, dtype=object), tech_a, night_a, hired_a, left_a, works, rows)


@dataclass
class AssetPool:
    """A branch's customer assets, sorted by sale date."""

    ids: np.ndarray
    customers: np.ndarray
    sold_on: np.ndarray  # days since epoch
    warranty_end: np.ndarray  # days since epoch or NULL_I
    contract_start: np.ndarray
    contract_end: np.ndarray
    rows: Rows

    def available(self, day: int) -> int:
        """Number of assets sold before `day` (days since epoch)."""
        return int(np.searchsorted(self.sold_on, day, side="left"))


def build_assets(
    ctx: BranchContext, params: GenerationParams, rng: np.random.Generator
) -> AssetPool:
    n = max(60, int(params.orders_per_day * params.days * 0.45))
    start = params.start_day
    pre = rng.random(n) < 0.75
    sold = np.where(
        pre, start - rng.integers(1, 6 * 365, n), start + rng.integers(0, max(params.days, 1), n)
    )
    sold = np.sort(sold)
    warranty = np.where(rng.random(n) < 0.95, sold + 3 * 365 - 1, NULL_I)
    has_contract = rng.random(n) < 0.3
    c_start = np.where(has_contract, sold + rng.integers(0, 400, n), NULL_I)
    c_end = np.where(has_contract, c_start + 2 * 365 - 1, NULL_I)
    b = ctx.index
    ids = np.array([f"LFV{b:02d}{i:012d}" for i in range(n)], dtype=object)
    cust_idx = (np.arange(n) * 0.8).astype(np.int64)
    customers = np.array([f"C{b:02d}{c:07d}" for c in cust_idx], dtype=object)
    lines = np.array(PRODUCT_LINES, dtype=object)[rng.integers(0, len(PRODUCT_LINES), n)]

    snap = start * DAY - SNAPSHOT_OFFSET
    upd = np.where(sold < start, snap, sold * DAY + 10 * HOUR + rng.integers(0, 8 * HOUR, n))
    # Contracts bought after the start arrive as a second version of the asset.
    late_contract = has_contract & (c_start >= start) & (c_start < start + params.days)
    first_c_start = np.where(late_contract, NULL_I, c_start)
    first_c_end = np.where(late_contract, NULL_I, c_end)
    rows: Rows = {
        "asset_id": ids,
        "customer_id": customers,
        "product_line": lines,
        "sold_on": sold,
        "warranty_end_on": warranty,
        "contract_start_on": first_c_start,
        "contract_end_on": first_c_end,
        "updated_at": upd,
        "is_deleted": np.zeros(n, np.int64),
    }
    in_range = sold < start + params.days
    rows = {c: v[in_range] for c, v in rows.items()}
    lc = np.flatnonzero(late_contract & in_range)
    if len(lc):
        extra = {
            "asset_id": ids[lc],
            "customer_id": customers[lc],
            "product_line": lines[lc],
            "sold_on": sold[lc],
            "warranty_end_on": warranty[lc],
            "contract_start_on": c_start[lc],
            "contract_end_on": c_end[lc],
            "updated_at": np.maximum(c_start[lc] * DAY + 11 * HOUR + 7 * MINUTE, upd[lc] + HOUR),
            "is_deleted": np.zeros(len(lc), np.int64),
        }
        rows = {c: np.concatenate([rows[c], extra[c]]) for c in rows}
    return AssetPool(ids, customers, sold, warranty, c_start, c_end, rows)
