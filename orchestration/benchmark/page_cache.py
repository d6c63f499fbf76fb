"""Start a stage with the landing files out of the operating system's page cache.

The hand-written pass and the full refresh's ingest both read every landing file (17 GB
at 10 M work orders). How much of those files the page cache still holds depends on what
ran before (an earlier stage, a probe, another repeat), and it moved the hand-written pass
by up to 70 s at 10 M. So before each of the two, the benchmark asks the kernel to drop
the files' cached pages (``posix_fadvise(POSIX_FADV_DONTNEED)``: no privileges needed;
pages of a file that is open for writing elsewhere may stay). Both then read the files
from disk, in the same state in every run. Where the call does not exist (macOS), nothing
is evicted and the report says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Eviction:
    """What :func:`evict_files` asked the kernel to drop."""

    files: int
    bytes: int
    supported: bool

    def as_json(self) -> dict[str, int | bool]:
        return {"files": self.files, "bytes": self.bytes, "supported": self.supported}


def evict_files(directory: Path) -> Eviction:
    """Drop the cached pages of every file under ``directory``."""
    advise = getattr(os, "posix_fadvise", None)
    files = [path for path in sorted(directory.rglob("*")) if path.is_file()]
    total = 0
    for path in files:
        total += path.stat().st_size
        if advise is None:
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return Eviction(files=len(files), bytes=total, supported=advise is not None)
