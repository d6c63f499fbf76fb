"""How much disk a benchmark run needs, checked before it generates anything.

A run has two peaks. First the hand-written pass (``refresh_bench.py`` runs it before any
warehouse exists): the landing files and the pass's spill. Then the refreshes: the landing
files, the build warehouse (with DuckDB's spill beside it) and the served builds (the
current file, the previous one, their Parquet, and the spare or the new file: D-143). At
10 M work orders that is about 17 + 27 GB, then 17 + 32 + 15 GB; when the pass still ran
last, all four were on disk at once (about 91 GB), and the 10 M run at 72a2e32 lost its
hand-written pass for lack of disk after more than an hour. So the benchmark estimates the
larger peak from the measured bytes per work order below and refuses to start when the
work directory's disk has less free space, naming each part and what to do.

The bytes per work order are the largest measured at 1 M, 3 M and 10 M work orders
(README, "Benchmark"); the hand-written pass spills only once its working set passes
the memory limit, so below :data:`SPILL_FROM_WORK_ORDERS` its spill is counted as nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.benchmark.refresh_bench import bench_settings, held_back_dir

GIB = 1024**3

LANDING_PART = "landing files"
SPILL_PART = "hand-written pass spill"
WAREHOUSE_PART = "build warehouse and its spill"
SERVED_PART = "served builds (current, previous, spare, Parquet)"

# measured bytes per generated work order, at 1 M (1,014,423), 3 M (3,049,873) and 10 M
# (10,175,183 work orders, at 72a2e32), rounded up
BYTES_PER_WORK_ORDER = {
    LANDING_PART: 1_800,  # 1.6, 5.1 and 17.3 GB
    WAREHOUSE_PART: 3_400,  # 2.5, 7.7 and 32 GB (3,380 if that was GiB)
    SERVED_PART: 1_600,  # 1.2, 3.6 and 15 GB
    # none at 1 M, 7.6 GB at 3 M (sampled every 10 s), more than 27 GB at 10 M (a lower
    # bound: that run's disk filled)
    SPILL_PART: 3_000,
}
# what is on disk together: during the hand-written pass, then during the refreshes
PHASES = (
    (LANDING_PART, SPILL_PART),
    (LANDING_PART, WAREHOUSE_PART, SERVED_PART),
)
SPILL_FROM_WORK_ORDERS = 2_000_000
HEADROOM = 1.1  # estimates are from three sizes: keep a tenth in hand


@dataclass(frozen=True)
class DiskNeed:
    parts: dict[str, int]  # bytes per part

    @property
    def peak_parts(self) -> dict[str, int]:
        """The parts of the phase that needs the most disk."""
        phases = [
            {name: self.parts[name] for name in phase if name in self.parts} for phase in PHASES
        ]
        return max(phases, key=lambda phase: sum(phase.values()))

    @property
    def total(self) -> int:
        return int(sum(self.peak_parts.values()) * HEADROOM)

    def describe(self) -> str:
        return ", ".join(f"{name} {size / GIB:.1f} GiB" for name, size in self.peak_parts.items())


def disk_need(work_orders: int) -> DiskNeed:
    """The disk a run of about ``work_orders`` needs, per part."""
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
    settings = bench_settings(workdir)
    folders = (
        settings.landing_dir,
        settings.warehouse_dir,
        settings.serving_dir,
        held_back_dir(workdir),
    )
    total = 0
    for folder in folders:
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
    free_now = (free or free_bytes)(workdir)
    if need.total <= free_now + already_used:
        return None
    reused = (
        f" and an earlier run there that this one replaces holds {already_used / GIB:.0f} GiB"
        if already_used
        else ""
    )
    return (
        f"a run of about {work_orders:,} work orders needs about {need.total / GIB:.0f} GiB "
        f"in {workdir} ({need.describe()}, and a tenth in hand), but its disk has "
        f"{free_now / GIB:.0f} GiB free{reused}: free space there, give --workdir on a "
        "larger disk, or choose fewer --work-orders (--skip-disk-check runs anyway)"
    )
