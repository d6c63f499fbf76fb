"""The vocabulary of the landing edge: file statuses, problems and read results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from orchestration.landing.mapping import Mapping

LOADED = "loaded"
DUPLICATE = "duplicate"
REJECTED = "rejected"
IGNORED = "ignored"
DEFERRED = "deferred"
STATUSES = (LOADED, DUPLICATE, REJECTED, IGNORED, DEFERRED)


@dataclass(frozen=True)
class Problem:
    """Why a file cannot be loaded as it is: where (line and column when known) and what
    the user should do about it."""

    message: str
    line: int | None = None  # physical line (CSV, header = 1) or sheet row (Excel)
    column: str | None = None
    action: str = ""

    def describe(self, path: Path | str) -> str:
        where = str(path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        return f"{text}. {self.action}" if self.action else text


@dataclass
class ReadResult:
    """What a reader made of one file: text columns as landed (``None`` = empty field), or
    the problems that reject the file. ``notes`` are facts worth recording (encoding,
    delimiter, extra columns) that do not stop the load; ``warnings`` are what the user
    should act on although the file loads (the mapping's ``unmapped_value`` and
    ``unmapped_header``), recorded with the file's status and shown in every report."""

    table: pa.Table | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.table is not None and not self.problems

    @classmethod
    def rejected(cls, *problems: Problem, notes: list[str] | None = None) -> ReadResult:
        return cls(None, list(problems), list(notes or []))


@dataclass(frozen=True)
class ReadContext:
    """Everything a reader and ``normalize`` know about the folder a file landed in.

    ``encoding``: a pinned text encoding for CSVs of this folder (``None`` = detect).
    ``landing_dir``: the landing directory (where a per-source configuration lives).
    ``mapping``: the landing directory's mapping (``None`` only in reader unit tests: the
    contract's own header check).
    """

    table_name: str
    landing_dir: Path
    encoding: str | None = None
    mapping: Mapping | None = None
