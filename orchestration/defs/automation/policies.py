"""How the refresh steps share the build warehouse and when they are retried.

- **One writer at a time.** Every step that opens the build warehouse (ingest, dbt build,
  dbt source freshness, the GX checks, publish) runs in the Dagster concurrency pool
  ``WAREHOUSE_POOL``. ``orchestration/dagster_home/dagster.yaml`` limits every pool to one
  step at a time across all runs, so two runs (the schedule and the sensor, say) never
  open the file at once. ``aftersales-refresh`` runs in-process, one step after another,
  outside any Dagster instance: do not start it while ``dagster dev`` runs a refresh on the
  same warehouse (the lock retries below then only wait).
- **Retries with backoff.** The writer steps have a ``RetryPolicy`` (``AFTERSALES_MAX_RETRIES``
  retries, default 3; first delay ``AFTERSALES_RETRY_DELAY_SECONDS``, default 10 s, doubled
  each time, ±50 % jitter). Only transient failures use it (a DuckDB lock, an I/O error;
  see ``orchestration/engines/duckdb/connection.py``): any other failure is raised as a
  ``Failure`` with ``allow_retries=False``, so a failing dbt test or a contract violation
  fails at once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from dagster import Backoff, Failure, Jitter, RetryPolicy

from orchestration.engines.duckdb.connection import is_transient

WAREHOUSE_POOL = "aftersales_warehouse"
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_DELAY_SECONDS = 10.0


def _env(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name) or default)
    except ValueError:
        return default


def writer_retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_retries=max(0, int(_env("AFTERSALES_MAX_RETRIES", DEFAULT_MAX_RETRIES))),
        delay=max(0.0, _env("AFTERSALES_RETRY_DELAY_SECONDS", DEFAULT_RETRY_DELAY_SECONDS)),
        backoff=Backoff.EXPONENTIAL,
        jitter=Jitter.PLUS_MINUS,
    )


@contextlib.contextmanager
def retry_only_transient(step: str, extra_text: str = "") -> Iterator[None]:
    """Let transient errors through (the retry policy retries them); turn every other
    exception into a ``Failure`` that is not retried."""
    try:
        yield
    except Failure:
        raise
    except Exception as error:
        if is_transient(error) or (extra_text and is_transient(Exception(extra_text))):
            raise
        raise Failure(
            description=f"{step} failed: {type(error).__name__}: {error}",
            allow_retries=False,
        ) from error
