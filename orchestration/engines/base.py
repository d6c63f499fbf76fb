"""What the refresh needs from an engine, and nothing more.

The Dagster job (``orchestration/defs``) and ``aftersales-refresh`` are written once
against this interface; ``orchestration/engines/duckdb`` and ``orchestration/engines/spark``
implement it. Only what truly differs lives in an engine: where raw rows are written,
how a built table is read, and how the checked build is published and rolled back.

Reading is the same on both engines: :meth:`Engine.read_build` and
:meth:`Engine.read_served` return a DuckDB connection in which every table of the build
(or of the served copy) is ``<schema>.<table>``, so the checks, the landing freshness, the
sensor and the summary run the same SQL whatever built the tables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb

if TYPE_CHECKING:
    from orchestration.config import Settings
    from orchestration.landing.report import IngestReport
    from orchestration.landing.retract import Retraction


class EngineError(RuntimeError):
    """A step failed for a reason a retry cannot fix; nothing was published."""


@dataclass(frozen=True)
class Published:
    """What a publish made available to readers."""

    build_id: str
    served_path: Path  # the file or the link readers open
    tables: tuple[str, ...]  # "<schema>.<table>"
    kpi_values_rows: int
    fingerprint: str
    previous_build_id: str | None = None
    seconds: float = 0.0
    details: dict[str, object] = field(default_factory=dict)  # engine-specific metadata


class Engine(Protocol):
    """One engine of the refresh (``AFTERSALES_TARGET``: ``duckdb`` or ``spark``)."""

    name: str  # the dbt target
    settings: Settings

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Held by every step that writes the build warehouse."""
        ...

    def ingest(self) -> IngestReport:
        """Load the new landing files into the raw tables; every file gets a status."""
        ...

    def read_build(self) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A read-only view of the build warehouse: ``<schema>.<table>``."""
        ...

    def read_served(
        self,
    ) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection | None]:
        """A read-only view of what is served now (None before the first publish)."""
        ...

    def publish(self, build_id: str, manifest_path: Path) -> Published:
        """Swap the checked build in for readers, atomically; keep the previous one."""
        ...

    def rollback(self) -> str:
        """Serve the previously published build again; returns what is served now."""
        ...

    def retract(self, spec: str, note: str) -> Retraction:
        """Remove a loaded batch (``table/file``) from the build warehouse."""
        ...


@contextlib.contextmanager
def no_lock() -> Iterator[None]:
    """For an engine whose storage locks itself (a DuckDB file admits one writer)."""
    yield
