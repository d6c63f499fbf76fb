"""Rows that break the raw contract, appended to CSV batches, and their manifest.

Each broken row is a copy of a valid row of the same batch with exactly one defect, so it
is an extra (bad) version and never the only version of a record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from orchestration.contract import TABLES
from orchestration.sample_data.formatting import format_number
from orchestration.sample_data.zones import ZoneClock

Row = dict[str, str | None]
MANIFEST_COLUMNS = ("table_name", "primary_key", "source_file", "row_number", "reason")


@dataclass(frozen=True)
class Defect:
    reason: str
    applies: Callable[[Row], bool]
    apply: Callable[[Row, Callable[[str], ZoneClock]], Row]


def _set(col: str, value: str | None) -> Callable[[Row, Callable[[str], ZoneClock]], Row]:
    return lambda row, _clock: {**row, col: value}


def _always(_row: Row) -> bool:
    return True


def _has(col: str) -> Callable[[Row], bool]:
    return lambda row: row.get(col) not in (None, "")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.strip().replace("T", " "))


def _delivered_before_opened(row: Row, clock: Callable[[str], ZoneClock]) -> Row:
    opened = _parse(str(row["opened_at"]))
    zone = clock(str(row["branch_code"]))
    for days in range(1, 5):
        candidate = opened - timedelta(days=days)
        if zone.is_valid_local(candidate):
            return {**row, "delivered_at": candidate.strftime("%Y-%m-%d %H:%M:%S")}
    raise RuntimeError("no valid local time found")


def _stock_exceeds(row: Row, _clock: Callable[[str], ZoneClock]) -> Row:
    return {**row, "qty_from_stock": format_number(float(str(row["qty_requested"])) + 1)}


def _negative(col: str) -> Callable[[Row, Callable[[str], ZoneClock]], Row]:
    def apply(row: Row, _clock: Callable[[str], ZoneClock]) -> Row:
        value = float(str(row[col]))
        return {**row, col: format_number(-(value if value > 0 else 1.5))}

    return apply


def _pk(table: str) -> str:
    return TABLES[table].primary_key


DEFECTS: dict[str, tuple[Defect, ...]] = {
    "tickets": (
        Defect("delivered_before_opened", _has("delivered_at"), _delivered_before_opened),
        Defect("missing_primary_key", _always, _set("ticket_id", None)),
        Defect("unparseable_timestamp:opened_at", _always, _set("opened_at", "2025-02-30 25:61")),
        Defect("missing_required:opened_at", _always, _set("opened_at", None)),
        Defect("unknown_branch_code", _always, _set("branch_code", "ZZ99")),
        Defect("invalid_code:status", _always, _set("status", "closed_pending")),
        Defect("unparseable_number:sold_hours", _always, _set("sold_hours", "2,5h")),
        Defect("negative_value:sold_hours", _always, _negative("sold_hours")),
        Defect("missing_required:customer_id", _always, _set("customer_id", None)),
        Defect("invalid_code:ticket_type", _always, _set("ticket_type", "bodywork")),
    ),
    "part_requests": (
        Defect("qty_from_stock_exceeds_requested", _always, _stock_exceeds),
        Defect("negative_value:unit_price", _always, _negative("unit_price")),
        Defect("unparseable_number:qty_requested", _always, _set("qty_requested", "two")),
        Defect("invalid_code:part_class", _always, _set("part_class", "D")),
        Defect("unknown_branch_code", _always, _set("branch_code", "ZZ99")),
        Defect("missing_required:part_number", _always, _set("part_number", None)),
        Defect(
            "unparseable_timestamp:requested_at", _always, _set("requested_at", "31/12/2025 10:00")
        ),
        Defect("missing_primary_key", _always, _set("request_line_id", None)),
    ),
    "time_punches": (
        Defect("invalid_code:punch_type", _always, _set("punch_type", "break_start")),
        Defect("unknown_branch_code", _always, _set("branch_code", "ZZ99")),
        Defect("unparseable_timestamp:punched_at", _always, _set("punched_at", "2025-06-01 24:61")),
        Defect("missing_required:employee_id", _always, _set("employee_id", None)),
        Defect("invalid_code:source", _always, _set("source", "fingerprint")),
        Defect("missing_primary_key", _always, _set("punch_id", None)),
    ),
    "callbacks": (
        Defect("nps_out_of_range", _always, _set("nps_score", "11")),
        Defect("invalid_code:channel", _always, _set("channel", "email")),
        Defect("invalid_code:outcome", _always, _set("outcome", "busy")),
        Defect(
            "unparseable_timestamp:attempted_at", _always, _set("attempted_at", "yesterday 10:00")
        ),
        Defect("unparseable_number:nps_score", _always, _set("nps_score", "nine")),
        Defect("missing_required:ticket_id", _always, _set("ticket_id", None)),
    ),
    "technicians": (
        Defect("invalid_code:role", _always, _set("role", "manager")),
        Defect("unknown_branch_code", _always, _set("branch_code", "ZZ99")),
    ),
    "assets": (
        Defect("missing_required:customer_id", _always, _set("customer_id", None)),
        Defect("missing_primary_key", _always, _set("asset_id", None)),
        Defect("missing_required:product_line", _always, _set("product_line", None)),
    ),
}

MIN_BATCH_ROWS = 50  # never break rows of a smaller batch
MAX_SHARE = 0.02  # broken rows per batch stay far below the build's 5 % limit


class Injector:
    """Chooses and applies defects batch by batch, cycling through every kind."""

    def __init__(
        self, rng: np.random.Generator, clock: Callable[[str], ZoneClock], rate: float = 0.25
    ) -> None:
        self.rng = rng
        self.clock = clock
        self.rate = rate
        self.next_kind: dict[str, int] = {t: 0 for t in DEFECTS}
        self.manifest: list[tuple[str, str, str, int, str]] = []

    def budget(self, table: str, n_rows: int) -> int:
        """How many broken rows to add to a batch of `n_rows` valid rows."""
        if table not in DEFECTS or n_rows < MIN_BATCH_ROWS:
            return 0
        cap = max(1, int(n_rows * MAX_SHARE))
        first_round = self.next_kind[table] < len(DEFECTS[table])
        wanted = int(self.rng.random() < self.rate) + int(self.rng.random() < self.rate / 3)
        if first_round:
            wanted = max(wanted, 2)
        return min(wanted, cap)

    def inject(self, table: str, text: pa.Table, file_name: str, limit: int) -> pa.Table:
        """Append up to `limit` broken copies of rows of `text`; record them."""
        if limit <= 0:
            return text
        n_rows = text.num_rows
        defects = DEFECTS[table]
        extra: list[Row] = []
        for _ in range(limit):
            for attempt in range(len(defects)):
                # A defect that does not fit this batch stays first in line for the next.
                defect = defects[(self.next_kind[table] + attempt) % len(defects)]
                sample = self.rng.permutation(n_rows)[:50]
                rows = text.take(pa.array(sample)).to_pylist()
                candidates = [r for r in rows if defect.applies(r)]
                if candidates:
                    if attempt == 0:
                        self.next_kind[table] += 1
                    bad = defect.apply(dict(candidates[0]), self.clock)
                    extra.append(bad)
                    pk = bad.get(_pk(table)) or ""
                    self.manifest.append(
                        (table, str(pk), file_name, n_rows + len(extra), defect.reason)
                    )
                    break
        if not extra:
            return text
        return pa.concat_tables([text, pa.Table.from_pylist(extra, schema=text.schema)])

    def record_orphans(self, table: str, file_name: str, first_row: int, ids: list[str]) -> None:
        for i, pid in enumerate(ids):
            self.manifest.append((table, pid, file_name, first_row + i, "orphan_punch"))
