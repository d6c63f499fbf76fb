"""How much disk a benchmark run needs, checked before it generates anything.

A run holds, at its peak (the hand-written pass, which runs last): the landing files, the
build warehouse (with DuckDB's spill beside it), the served builds (the current file, the
previous one and their Parquet) and the hand-written pass's own spill. At 10 M work orders
that was about 91 GB, and a run that does not fit dies after an hour or more (the 10 M run
at 72a2e32 lost its hand-written pass that way). So the benchmark estimates the need from
the measured bytes per work order below and refuses to start when the work directory's
disk has less free space, naming each part and what to do.

The bytes per work order are the largest measured at 1 M and 10 M work orders
(README, "Benchmark"); the hand-written pass spills only once its working set passes
the memory limit, so below :data:`SPILL_FROM_WORK_ORDERS` its spill is counted as nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GIB = 1024**3

# measured bytes per generated work order, at 1 M (1,014,423) and 10 M (10,175,183)
BYTES_PER_WORK_ORDER = {
    "landing files": 1_800,  # 1.6 GB at 1 M, 17.3 GB at 10 M
    "build warehouse and its spill": 3_300,  # 2.5 GB at 1 M, 32 GB at 10 M
    "served builds (current, previous, Parquet)": 1_600,  # 1.2 GB at 1 M, 15 GB at 10 M
    "hand-written pass spill": 2_900,  # more than 27 GB at 10 M, none at 1 M
}
SPILL_PART = "hand-written pass spill"
SPILL_FROM_WORK_ORDERS = 2_000_000
HEADROOM = 1.1  # estimates are from two sizes: keep a tenth in hand


@dataclass(frozen=True)
class DiskNeed:
    parts: dict[str, int]  # bytes per part

    @property
    def total(self) -> int:
        return int(sum(self.parts.values()) * HEADROOM)

    def describe(self) -> str:
        return ", ".join(f"{name} {size / GIB:.1f} GiB" for name, size in self.parts.items())


def disk_need(work_orders: int) -> DiskNeed:
    """The disk a run of about ``work_orders`` needs at its peak, per part."""
    parts = {
        name: per_order * work_orders
        for name, per_order in BYTES_PER_WORK_ORDER.items()
        if name != SPILL_PART or work_orders >= SPILL_FROM_WORK_ORDERS
    }
    return DiskNeed(parts)


def free_bytes(path: Path) -> int:
    """Free bytes on the disk holding ``path`` (or its nearest existing parent)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return shutil.disk_usage(existing).free


def replaced_bytes(workdir: Path) -> int:
    """Bytes of an earlier run in ``workdir`` that this run replaces (its landing,
    warehouse, served and held-back files)."""
    total = 0
    for name in ("landing", "warehouse", "serving", "held_back"):
        folder = workdir / name
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return total


def disk_problem(
    workdir: Path,
    work_orders: int,
    *,
    already_used: int = 0,
    free: Callable[[Path], int] | None = None,
) -> str | None:
    """None when a run of ``work_orders`` fits on ``workdir``'s disk; else what is missing
    and what to do. ``already_used``: bytes of an earlier run in the work directory, which
    this run replaces (:func:`replaced_bytes`); ``free`` defaults to :func:`free_bytes`."""
    need = disk_need(work_orders)
    available = (free or free_bytes)(workdir) + already_used
    if need.total <= available:
        return None
    return (
        f"a run of about {work_orders:,} work orders needs about {need.total / GIB:.0f} GiB "
        f"in {workdir} ({need.describe()}, and a tenth in hand), but its disk has "
        f"{available / GIB:.0f} GiB free: free space there, give --workdir on a larger "
        "disk, or choose fewer --work-orders (--skip-disk-check runs anyway)"
    )
