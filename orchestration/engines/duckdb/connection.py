"""Opening DuckDB files when another process may hold them, and telling transient errors.

DuckDB allows one writing process per file (or many read-only ones). A refresh started
while another process has the build warehouse open fails with an I/O error ("Could not set
lock on file …"); that is transient: the same step succeeds once the other process is done.
:func:`connect` retries opening for such errors with exponential backoff;
:func:`is_transient` tells the Dagster assets which failures are worth a retry (a lock, an
I/O error) and which are not (a failing dbt test, a contract violation, a bug).
"""

from __future__ import annotations

import errno
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")

# Messages of errors that go away by themselves: another process holds the file, or the
# file system hiccuped.
TRANSIENT_PATTERNS: tuple[str, ...] = (
    r"could not set lock on file",
    r"conflicting lock is held",
    r"database is locked",
    r"resource temporarily unavailable",
    r"\bio error\b",
    r"input/output error",
    r"stale file handle",
)
_TRANSIENT = re.compile("|".join(TRANSIENT_PATTERNS), re.IGNORECASE)
# OS errors that a retry can cure (a missing file or a permission problem cannot).
TRANSIENT_ERRNOS = frozenset(
    {errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ESTALE, errno.ETIMEDOUT, errno.EINTR}
)


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def open_attempts() -> int:
    """How often :func:`connect` tries (``AFTERSALES_LOCK_ATTEMPTS``, default 6)."""
    return max(1, int(_env_number("AFTERSALES_LOCK_ATTEMPTS", 6)))


def open_delay() -> float:
    """First wait between attempts in seconds (``AFTERSALES_LOCK_DELAY_SECONDS``, 0.5);
    it doubles after every attempt (0.5, 1, 2, 4, 8 s by default: ~15 s in all)."""
    return max(0.0, _env_number("AFTERSALES_LOCK_DELAY_SECONDS", 0.5))


def is_transient_message(text: str) -> bool:
    return bool(_TRANSIENT.search(text or ""))


def is_transient(error: BaseException) -> bool:
    """A lock conflict or an I/O error, anywhere in the chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in TRANSIENT_ERRNOS:
            return True
        if is_transient_message(str(current)):
            return True
        current = current.__cause__ or current.__context__
    return False


def retry_transient(
    action: Callable[[], T],
    *,
    attempts: int | None = None,
    delay: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``action``; on a transient error wait (doubling, with ±25 % jitter) and retry."""
    attempts = open_attempts() if attempts is None else max(1, attempts)
    wait = open_delay() if delay is None else delay
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except Exception as error:
            if attempt == attempts or not is_transient(error):
                raise
            sleep(wait * random.uniform(0.75, 1.25))
            wait *= 2
    raise AssertionError("unreachable")


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    attempts: int | None = None,
    delay: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that waits for a lock held by another process to go away."""
    return retry_transient(
        lambda: duckdb.connect(str(path), read_only=read_only), attempts=attempts, delay=delay
    )


def sql_text(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


DEFAULT_MEMORY_LIMIT = "6GB"


def _size_setting(variable: str, default: str) -> str:
    """``$variable`` (or ``default``) as DuckDB takes a memory size, e.g. ``6GB``."""
    value = (os.environ.get(variable) or default).strip()
    if not _SIZE.fullmatch(value):
        raise ValueError(
            f"{variable}={value!r} is not a memory size: set it to a number with a unit, "
            f"such as {default} or 512MB (or unset it for {default})"
        )
    return value


_SIZE = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B|%)", re.IGNORECASE)


def memory_limit() -> str:
    """DuckDB's memory limit for the project's heavy connections (the ingest, dbt through
    profiles.yml, the publish, the benchmark's hand-written pass):
    ``$AFTERSALES_DUCKDB_MEMORY_LIMIT``, default 6GB. Beyond it DuckDB spills to disk
    instead of growing to 80 % of RAM."""
    return _size_setting("AFTERSALES_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


DEFAULT_READ_MEMORY_LIMIT = "2GB"


def read_memory_limit() -> str:
    """DuckDB's memory limit for reads of the build (``Engine.read_build``: the GX suites,
    the checks): ``$AFTERSALES_DUCKDB_READ_MEMORY_LIMIT``, default 2GB. Without it a
    read-only connection keeps the blocks it scanned cached up to 80 % of RAM: the GX
    suites of a 10 M work-order full refresh peaked at 5.6 GiB without it, 4.6 with it."""
    return _size_setting("AFTERSALES_DUCKDB_READ_MEMORY_LIMIT", DEFAULT_READ_MEMORY_LIMIT)


def memory_settings(limit: str | None = None) -> dict[str, str]:
    """DuckDB's memory settings for a heavy connection: ``memory_limit`` = ``limit``
    (default :func:`memory_limit`), and the two settings that keep up to that much of the
    buffer memory a query frees for the next one to reuse (docs/decisions.md, D-136).

    By default DuckDB hands freed blocks back to the operating system at once, and the
    next allocation faults in fresh pages the kernel must zero first. On this project's
    heavy connections that churn is constant (a spilling sort frees and takes back
    gigabytes), and the kernel's share of the CPU time was larger than DuckDB's own:
    one full-build model took 114.6 s with the defaults and 78.1 s with these, at the same
    peak memory (the memory limit still caps what the buffers hold). The block
    allocator's size can grow but never shrink within a process
    (:func:`limit_memory`). A ``connect`` config or settings, as the caller needs."""
    size = limit or memory_limit()  # a checked size: no quote in it
    return {
        "memory_limit": size,
        "block_allocator_memory": size,
        "allocator_flush_threshold": size,
    }


def limit_memory(con: duckdb.DuckDBPyConnection, value: str | None = None) -> None:
    """Apply :func:`memory_settings` of ``value`` to the database of ``con``. Settings,
    not a ``connect`` config: DuckDB refuses a second connection to a file with another
    config than an open one's."""
    for name, size in memory_settings(value).items():
        try:
            con.execute(f"set {name} = '{size}'")
        except duckdb.InvalidInputException as error:
            # an earlier connection of this process set a larger block allocator: it stays
            if "cannot be reduced" not in str(error):
                raise


RELEASED_TO = "256MB"  # the memory limit release_buffers() passes through


def release_buffers(con: duckdb.DuckDBPyConnection, value: str | None = None) -> None:
    """Evict the blocks the database of ``con`` keeps cached (those read or written by
    earlier statements; none is pinned between statements), then apply the memory limit
    ``value`` (default :func:`memory_limit`) again: DuckDB evicts down to a lowered limit
    at once. A connection that writes several large tables in turn (the served file)
    otherwise starts each copy with the limit full of blocks it no longer needs and evicts
    them while it copies (docs/decisions.md, D-138). If DuckDB cannot evict that much, what
    it keeps stays cached."""
    try:
        con.execute(f"set memory_limit = '{RELEASED_TO}'")
    except duckdb.OutOfMemoryException as error:
        # "could not free up enough memory for the new limit": nothing is lost
        if "could not free up enough memory" not in str(error):
            raise
    finally:
        con.execute(f"set memory_limit = '{memory_settings(value)['memory_limit']}'")


def limit_reads(con: duckdb.DuckDBPyConnection) -> None:
    """Apply :func:`read_memory_limit` to ``con``."""
    limit_memory(con, read_memory_limit())
