"""Command line: ``aftersales-generate`` (or ``python -m orchestration.sample_data.cli``)."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from orchestration.config import PROJECT_DIR
from orchestration.sample_data.generator import generate


def _default_out() -> Path:
    value = os.environ.get("AFTERSALES_LANDING_DIR") or "data/landing"
    path = Path(value)
    return path if path.is_absolute() else PROJECT_DIR / path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aftersales-generate",
        description="Write sample DMS exports (7 table folders) into a landing directory.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="landing directory (default: $AFTERSALES_LANDING_DIR or data/landing)",
    )
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same bytes)")
    p.add_argument("--days", type=int, default=365, help="number of days to simulate")
    p.add_argument(
        "--branches",
        type=int,
        default=6,
        help="number of branches (the last one is in a DST time zone)",
    )
    p.add_argument(
        "--orders-per-day",
        type=int,
        default=30,
        help="work orders per branch per opening day (mean)",
    )
    p.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=date(2025, 1, 1),
        help="first simulated day, YYYY-MM-DD",
    )
    p.add_argument(
        "--batch-days", type=int, default=1, help="days covered by one export batch (file)"
    )
    p.add_argument(
        "--shape",
        choices=("contract", "dms_cn"),
        default="contract",
        help="contract: the raw contract; dms_cn: the same data as a Chinese DMS exports it "
        "(headers, labels, Excel-style dates; read through mappings/dms_cn_example.yml)",
    )
    p.add_argument(
        "--vendor-format",
        choices=("csv", "gb18030", "xlsx"),
        default="csv",
        help="with a vendor --shape: csv (UTF-8), gb18030 (CSV as a Chinese Windows export) "
        "or xlsx (one Excel workbook per batch; needs openpyxl)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = args.out or _default_out()
    summary = generate(
        out,
        seed=args.seed,
        days=args.days,
        branches=args.branches,
        orders_per_day=args.orders_per_day,
        start_date=args.start_date,
        batch_days=args.batch_days,
        shape=args.shape,
        vendor_format=args.vendor_format,
    )
    rows = ", ".join(f"{t}={n}" for t, n in summary.rows.items())
    print(f"wrote {len(summary.files)} files ({summary.bytes_written / 1e6:.1f} MB) to {out}")
    print(f"work orders: {summary.work_orders}; rows: {rows}")
    print(f"injected contract violations: {summary.violations}; {summary.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
