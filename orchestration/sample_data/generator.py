"""Drive the simulation day by day and write every export batch as soon as it is complete.

Memory stays bounded: only versions stamped after the current day wait in the buffer.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from orchestration.contract import TABLES as CONTRACT_TABLES
from orchestration.landing.mapping import LANDING_MAPPING_FILE
from orchestration.landing.parquet_reader import as_text as parquet_text
from orchestration.sample_data.callbacks import follow_ups
from orchestration.sample_data.formatting import CsvStyle, text_table, typed_table
from orchestration.sample_data.masters import branch_rows, build_assets, build_staff
from orchestration.sample_data.params import (
    DAY,
    NULL_I,
    BranchContext,
    GenerationParams,
    branch_templates,
)
from orchestration.sample_data.punches import (
    ORPHAN_KINDS,
    concat,
    job_punches,
    orphan_punches,
    shift_punches,
)
from orchestration.sample_data.schema import KINDS
from orchestration.sample_data.tickets import ReworkQueue, simulate_day
from orchestration.sample_data.vendor_shape import VendorShape
from orchestration.sample_data.violations import MANIFEST_COLUMNS, MIN_BATCH_ROWS, Injector
from orchestration.sample_data.writers import (
    VENDOR_FORMATS,
    write_csv,
    write_parquet,
    write_vendor,
)

Rows = dict[str, np.ndarray]
GENERATOR_DIR = "_generator"
TABLE_ORDER = tuple(CONTRACT_TABLES)  # the contract order: branches first
PARQUET_SHARE = 0.2
ORPHAN_RATE = 0.08


@dataclass
class GenerationSummary:
    out_dir: Path
    params: GenerationParams
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLE_ORDER, 0))
    files: list[str] = field(default_factory=list)
    bytes_written: int = 0
    work_orders: int = 0
    violations: int = 0
    resent_files: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "parameters": self.params.as_json(),
            "rows": self.rows,
            "work_orders": self.work_orders,
            "violations": self.violations,
            "bytes_written": self.bytes_written,
            "seconds": round(self.seconds, 2),
            "resent_files": self.resent_files,
            "files": self.files,
        }


class BatchBuffer:
    """Versions waiting for their export batch, per table and batch index."""

    def __init__(self, params: GenerationParams) -> None:
        self.params = params
        self.pending: dict[str, dict[int, list[Rows]]] = {t: defaultdict(list) for t in TABLE_ORDER}

    def batch_of(self, updated_local: np.ndarray) -> np.ndarray:
        day = updated_local // DAY - self.params.start_day
        return np.where(day < 0, 0, day // self.params.batch_days + 1)

    def add(self, table: str, rows: Rows) -> None:
        if not rows or not len(rows["updated_at"]):
            return
        batch = self.batch_of(rows["updated_at"])
        order = np.argsort(batch, kind="stable")
        batch = batch[order]
        rows = {c: v[order] for c, v in rows.items()}
        cuts = np.flatnonzero(np.diff(batch)) + 1
        bounds = np.concatenate([[0], cuts, [len(batch)]])
        for lo, hi in itertools.pairwise(bounds):
            self.pending[table][int(batch[lo])].append({c: v[lo:hi] for c, v in rows.items()})

    def take(self, table: str, batch: int) -> Rows:
        parts = self.pending[table].pop(batch, [])
        if not parts:
            return {}
        rows = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
        order = np.argsort(rows["updated_at"], kind="stable")
        return {c: v[order] for c, v in rows.items()}


def _localize(ctx: BranchContext, table: str, rows: Rows) -> Rows:
    """Absolute instants -> the branch's local wall clock, for every timestamp column."""
    if not rows:
        return rows
    out = dict(rows)
    for col, kind in KINDS[table].items():
        if kind == "ts" and col in out:
            v = out[col]
            local = ctx.clock.to_local(np.where(v == NULL_I, 0, v))
            out[col] = np.where(v == NULL_I, NULL_I, local)
    return out


class Writer:
    """Writes batches of one run, with file-level styles, violations and orphans."""

    def __init__(
        self,
        out: Path,
        params: GenerationParams,
        ctxs: list[BranchContext],
        summary: GenerationSummary,
        shape: VendorShape | None = None,
    ) -> None:
        self.out = out
        self.shape = shape
        self.params = params
        self.summary = summary
        ss = np.random.SeedSequence([params.seed, 7])
        fmt_seed, inj_seed, orphan_seed = ss.spawn(3)
        self.rng = np.random.default_rng(fmt_seed)
        self.orphan_rng = np.random.default_rng(orphan_seed)
        clocks = {c.tpl.code: c.clock for c in ctxs}
        self.injector = Injector(np.random.default_rng(inj_seed), lambda code: clocks[code])
        self.orphan_next = 0
        n_batches = (params.days + params.batch_days - 1) // params.batch_days
        self.resend_batch = max(1, n_batches // 2)
        for t in TABLE_ORDER:
            (out / t).mkdir(parents=True, exist_ok=True)

    def file_stem(self, batch: int) -> str:
        if batch == 0:
            return f"{self.params.start_date.isoformat()}T000000"
        export = self.params.start_date + timedelta(days=batch * self.params.batch_days)
        return f"{export.isoformat()}T020000"

    def write(self, table: str, batch: int, rows: Rows, orphans: list[Rows] | None = None) -> None:
        if not rows:
            return
        r = self.rng
        force_csv = batch == 0 or (table == "tickets" and batch == self.resend_batch)
        as_parquet = (r.random() < PARQUET_SHARE) and not force_csv
        style = CsvStyle(
            t_separator_share=0.5 if r.random() < 0.25 else 0.0,
            minutes_only=r.random() < 0.12,
            odd_share=0.08 if r.random() < 0.5 else 0.02,
        )
        bom, crlf = r.random() < 0.15, r.random() < 0.1
        stem = self.file_stem(batch)
        name = f"{stem}.parquet" if as_parquet else f"{stem}.csv"
        path = self.out / table / name
        n_valid = len(rows["updated_at"])
        orphan_rows = concat(orphans or [])
        if self.shape is not None:  # a vendor writes CSV (UTF-8 or GB18030) or .xlsx
            name = f"{stem}.{'xlsx' if self.shape.file_format == 'xlsx' else 'csv'}"
            path = self.out / table / name
        if as_parquet and self.shape is not None:
            # the typed batch as the ingest reads Parquet, in the vendor's format
            tbl = typed_table(table, rows)
            if orphan_rows:
                tbl = pa.concat_tables([tbl, typed_table(table, orphan_rows)])
            tbl = pa.table({c: parquet_text(tbl[c]) for c in tbl.column_names})
            vendor = self.shape.to_vendor(table, tbl)
            size = write_vendor(path, vendor, self.shape.file_format, bom=bom, crlf=crlf)
        elif as_parquet:
            tbl = typed_table(table, rows)
            if orphan_rows:
                tbl = pa.concat_tables([tbl, typed_table(table, orphan_rows)])
            size = write_parquet(path, tbl)
        else:
            tbl = text_table(table, rows, style, r)
            if orphan_rows:
                tbl = pa.concat_tables([tbl, text_table(table, orphan_rows, style, r)])
            resend = table == "tickets" and batch == self.resend_batch
            budget = 0 if resend else self.injector.budget(table, n_valid)
            tbl = self.injector.inject(table, tbl, name, budget)
            if self.shape is None:
                size = write_csv(path, tbl, bom=bom, crlf=crlf)
            else:
                vendor = self.shape.to_vendor(table, tbl)
                size = write_vendor(path, vendor, self.shape.file_format, bom=bom, crlf=crlf)
            if resend:
                copy = self.out / table / f"{stem[:-6]}021500{path.suffix}"
                shutil.copyfile(path, copy)
                self.summary.resent_files.append(f"{table}/{copy.name}")
                self.summary.files.append(f"{table}/{copy.name}")
                self.summary.bytes_written += size
        if orphan_rows:
            ids = [str(x) for x in orphan_rows["punch_id"]]
            self.injector.record_orphans(table, name, n_valid + 1, ids)
        self.summary.rows[table] += tbl.num_rows
        self.summary.files.append(f"{table}/{name}")
        self.summary.bytes_written += size

    def orphans_for(
        self, rows: Rows, tickets: Rows, ctxs: list[BranchContext], staffs: list, last_day: int
    ) -> list[Rows]:
        """Orphan punches for one time_punches batch (or none)."""
        if not rows or len(rows["updated_at"]) < MIN_BATCH_ROWS:
            return []
        r = self.orphan_rng
        covering = self.orphan_next < len(ORPHAN_KINDS)
        if not covering and r.random() >= ORPHAN_RATE:
            return []
        for _ in range(len(ORPHAN_KINDS)):
            kind = ORPHAN_KINDS[self.orphan_next % len(ORPHAN_KINDS)]
            self.orphan_next += 1
            b = int(r.integers(0, len(ctxs)))
            made = orphan_punches(ctxs[b], staffs[b], kind, rows, tickets, last_day, r)
            if made:
                return [made]
        return []

    def finish(self) -> None:
        gen = self.out / GENERATOR_DIR
        gen.mkdir(parents=True, exist_ok=True)
        with (gen / "violations.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(MANIFEST_COLUMNS)
            w.writerows(self.injector.manifest)
        self.summary.violations = len(self.injector.manifest)


def generate(
    out_dir: Path | str,
    *,
    seed: int = 42,
    days: int = 365,
    branches: int = 6,
    orders_per_day: int = 30,
    start_date: date = date(2025, 1, 1),
    batch_days: int = 1,
    shape: str = "contract",
    vendor_format: str = "csv",
) -> GenerationSummary:
    """Write a landing directory of sample exports; returns what was written.

    ``shape`` ``contract`` writes the raw contract; ``dms_cn`` writes the same data as a
    Chinese DMS exports it (``vendor_shape.py``) plus the landing directory's
    ``_mapping.yml`` naming ``mappings/dms_cn_example.yml``. ``vendor_format`` (vendor
    shapes only): ``csv`` (UTF-8), ``gb18030`` (CSV as a Chinese Windows export writes it)
    or ``xlsx`` (one workbook per batch)."""
    started = time.perf_counter()
    params = GenerationParams(seed, days, branches, orders_per_day, start_date, batch_days)
    if days < 1 or orders_per_day < 1 or batch_days < 1:
        raise ValueError("days, orders_per_day and batch_days must be positive")
    out = Path(out_dir)
    if vendor_format not in VENDOR_FORMATS:
        raise ValueError(f"unknown vendor format {vendor_format!r}; use one of {VENDOR_FORMATS}")
    if vendor_format != "csv" and shape == "contract":
        raise ValueError("vendor_format applies to a vendor shape (e.g. dms_cn), not contract")
    vendor = VendorShape.named(shape, seed, vendor_format)
    for t in (*TABLE_ORDER, GENERATOR_DIR):
        if (out / t).exists():
            shutil.rmtree(out / t)
    (out / LANDING_MAPPING_FILE).unlink(missing_ok=True)
    ss = np.random.SeedSequence(seed)
    master_seed, *branch_seeds = ss.spawn(1 + branches)
    mrng = np.random.default_rng(master_seed)
    ctxs = [
        BranchContext.build(i, tpl, params, round(float(mrng.uniform(160, 260)), 2))
        for i, tpl in enumerate(branch_templates(branches))
    ]
    brngs = [np.random.default_rng(s) for s in branch_seeds]
    staffs = [build_staff(c, params, brngs[c.index]) for c in ctxs]
    pools = [build_assets(c, params, brngs[c.index]) for c in ctxs]
    queues = [ReworkQueue() for _ in ctxs]

    summary = GenerationSummary(out, params)
    buffer = BatchBuffer(params)
    writer = Writer(out, params, ctxs, summary, vendor)
    if vendor is not None:
        vendor.write_pointer(out)
    buffer.add("branches", branch_rows(ctxs, params, mrng))
    for s in staffs:
        buffer.add("technicians", s.rows)
    for p in pools:
        buffer.add("assets", p.rows)
    ticket_ids: set[str] = set()

    def flush(batch: int, last_day: int) -> None:
        tickets: Rows = {}
        for table in TABLE_ORDER:
            rows = buffer.take(table, batch)
            if table == "tickets":
                tickets = rows
                if rows:
                    ticket_ids.update(rows["ticket_id"].tolist())
            orphans = (
                writer.orphans_for(rows, tickets, ctxs, staffs, last_day)
                if table == "time_punches"
                else None
            )
            writer.write(table, batch, rows, orphans)

    flush(0, 0)
    for k in range(days):
        parts: dict[str, list[Rows]] = defaultdict(list)
        for ctx in ctxs:
            rng = brngs[ctx.index]
            day = simulate_day(
                ctx, params, staffs[ctx.index], pools[ctx.index], queues[ctx.index], k, rng
            )
            parts["tickets"].append(_localize(ctx, "tickets", day.tickets))
            parts["part_requests"].append(_localize(ctx, "part_requests", day.part_requests))
            parts["time_punches"].append(shift_punches(ctx, staffs[ctx.index], k, rng))
            parts["time_punches"].append(job_punches(ctx, day.jobs, rng))
            parts["callbacks"].append(follow_ups(ctx, day.delivered, rng))
        for table, chunks in parts.items():
            buffer.add(table, concat(chunks))
        if (k + 1) % batch_days == 0 or k == days - 1:
            flush(k // batch_days + 1, k)
    writer.finish()
    summary.work_orders = len(ticket_ids)
    summary.seconds = time.perf_counter() - started
    (out / GENERATOR_DIR / "summary.json").write_text(
        json.dumps(summary.as_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return summary
