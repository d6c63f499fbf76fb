"""Arrow's memory pool for the processes that read files or frames (docs/decisions.md, D-136).

Reading a landing file allocates its parse blocks and text columns through Arrow; writing
the batch frees them, and the next files allocate as much again. pyarrow's default pool
(mimalloc) hands freed memory back to the operating system within milliseconds, so every
new file faults in fresh (huge) pages that the kernel must zero first: a third of an
ingest's CPU time went to zeroing pages (``clear_page_erms`` under ``perf``). jemalloc,
which pyarrow's Linux wheels also ship, keeps freed pages for reuse until they have
been idle for its decay time.

:func:`use_reusing_pool` makes it the process's default pool. It is a no-op when
``ARROW_DEFAULT_MEMORY_POOL`` names a pool (the operator's choice wins) and where this
pyarrow has no jemalloc (the default pool stays).
"""

from __future__ import annotations

import os

import pyarrow as pa

POOL_ENV = "ARROW_DEFAULT_MEMORY_POOL"


def use_reusing_pool() -> str:
    """Make jemalloc the default Arrow pool of this process unless ``POOL_ENV`` is set;
    return the name of the default pool's backend afterwards."""
    if os.environ.get(POOL_ENV, "").strip():
        return pa.default_memory_pool().backend_name
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return pa.default_memory_pool().backend_name
    pa.set_memory_pool(pool)
    return pool.backend_name
