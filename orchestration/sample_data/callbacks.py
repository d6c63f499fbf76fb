# ruff: noqa: RUF001
"""Customer follow-up contacts after delivery: several attempts over several channels."""

from __future__ import annotations

import numpy as np

from orchestration.sample_data.catalog import COMMENTS
from orchestration.sample_data.params import DAY, HOUR, MINUTE, NULL_I, BranchContext

Rows = dict[str, np.ndarray]
PHONE_OUT = np.array(["reached", "no_answer", "voicemail", "wrong_number", "refused"], object)
PHONE_P = np.array([0.55, 0.30, 0.08, 0.03, 0.04])
NPS_P = np.array([1, 1, 1, 1, 1, 2, 3, 6, 12, 30, 42], float)
NPS_P = NPS_P / NPS_P.sum()


def _to_calling_hours(ctx: BranchContext, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    local = ctx.clock.to_local(t)
    tod = local % DAY
    day = local // DAY
    bad = (tod < 9 * HOUR) | (tod > 20 * HOUR)
    nxt = np.where(tod > 20 * HOUR, day + 1, day) * DAY + 9 * HOUR
    nxt = nxt + rng.integers(0, 3 * HOUR, len(t))
    return np.where(bad, ctx.clock.to_abs(nxt), t)


def follow_ups(ctx: BranchContext, delivered: Rows, rng: np.random.Generator) -> Rows:
    if not delivered or not len(delivered["ticket_id"]):
        return {}
    chosen = rng.random(len(delivered["ticket_id"])) < 0.92
    tid = delivered["ticket_id"][chosen]
    dl = delivered["delivered"][chosen]
    n = len(tid)
    if n == 0:
        return {}
    t = _to_calling_hours(ctx, dl + rng.integers(20 * HOUR, 80 * HOUR, n), rng)
    active = np.ones(n, bool)
    parts: list[Rows] = []
    for attempt in range(1, 5):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        m = len(idx)
        if attempt == 1:
            channel = np.where(rng.random(m) < 0.85, "phone", "wechat").astype(object)
        else:
            channel = np.array(["phone", "wechat", "sms", "letter"], object)[
                rng.choice(4, m, p=[0.6, 0.2, 0.15, 0.05])
            ]
        outcome = PHONE_OUT[rng.choice(5, m, p=PHONE_P)]
        wechat = channel == "wechat"
        outcome[wechat] = np.where(rng.random(wechat.sum()) < 0.7, "reached", "no_answer")
        outcome[channel == "sms"] = "reached"
        outcome[channel == "letter"] = "letter_sent"
        success = (outcome == "reached") & np.isin(channel, ["phone", "wechat"])
        sat = np.where(success, np.where(rng.random(m) < 0.9, 1, 0), -1).astype(np.int8)
        sat[success & (rng.random(m) < 0.02)] = -1
        nps = np.where(success & (rng.random(m) < 0.8), rng.choice(11, m, p=NPS_P), NULL_I)
        reported = np.where(success, (rng.random(m) < 0.1).astype(np.int8), -1).astype(np.int8)
        resolved = np.where(reported == 1, (rng.random(m) < 0.75).astype(np.int8), -1).astype(
            np.int8
        )
        complaint = np.where(success, (rng.random(m) < 0.015).astype(np.int8), -1).astype(np.int8)
        has_comment = np.where(success, rng.random(m) < 0.3, rng.random(m) < 0.03)
        comment = np.full(m, None, object)
        comment[has_comment] = np.array(COMMENTS, object)[
            rng.integers(0, len(COMMENTS), int(has_comment.sum()))
        ]
        parts.append(
            {
                "callback_id": np.array([f"{x}-CB{attempt}" for x in tid[idx]], object),
                "ticket_id": tid[idx],
                "attempted_at": t[idx],
                "channel": channel,
                "outcome": outcome,
                "satisfied": sat,
                "nps_score": nps,
                "problem_reported": reported,
                "problem_resolved": resolved,
                "complaint": complaint,
                "comment": comment,
            }
        )
        stop = (outcome == "reached") | np.isin(outcome, ["wrong_number", "refused", "letter_sent"])
        active[idx[stop]] = False
        t = _to_calling_hours(ctx, t + rng.integers(3 * HOUR, 30 * HOUR, n), rng)
    rows = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
    m = len(rows["callback_id"])
    rows["updated_at"] = rows["attempted_at"] + rng.integers(1 * MINUTE, 20 * MINUTE, m)
    rows["is_deleted"] = np.zeros(m, np.int8)
    # Later versions: a corrected comment the next day, or a record deleted as a mistake.
    u = rng.random(m)
    later = rows["attempted_at"] + DAY + rng.integers(0, 4 * HOUR, m)
    extra = []
    fix = np.flatnonzero(u < 0.03)
    if len(fix):
        v = {c: a[fix].copy() for c, a in rows.items()}
        v["comment"] = np.array(
            [(c or "") + "（已更正：客户补充说明）" for c in v["comment"]], object
        )
        v["updated_at"] = later[fix]
        extra.append(v)
    gone = np.flatnonzero((u >= 0.03) & (u < 0.033))
    if len(gone):
        v = {c: a[gone].copy() for c, a in rows.items()}
        v["updated_at"] = later[gone]
        v["is_deleted"] = np.ones(len(gone), np.int8)
        extra.append(v)
    for v in extra:
        rows = {c: np.concatenate([rows[c], v[c]]) for c in rows}
    keep = rows["updated_at"] < ctx.end_abs
    rows = {c: a[keep] for c, a in rows.items()}
    rows["attempted_at"] = ctx.clock.to_local(rows["attempted_at"])
    rows["updated_at"] = ctx.clock.to_local(rows["updated_at"])
    return rows
