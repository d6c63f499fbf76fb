"""A loaded, validated mapping: per contract table, where each column comes from and how
its values become contract text. Built by ``load.py``; applied by ``apply.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from orchestration.landing.mapping.temporal import Format


def normalize(text: str) -> str:
    """How headers and value labels are compared: BOM and edge spaces dropped, lower case."""
    return text.replace("\ufeff", "").strip().lower()


@dataclass(frozen=True)
class ColumnRule:
    """How one contract column is filled from a source file."""

    column: str
    kind: str  # see columns.py
    header: str | None  # source header as written in the mapping; None with constant/absent
    constant: str | None = None  # every row gets this text (the export has no such column)
    absent: bool = False  # the export never has this optional column: every row empty
    values: dict[str, str] = field(default_factory=dict)  # normalised label -> contract text
    formats: tuple[Format, ...] = ()  # timestamp / date / time formats, tried in order
    factor: Fraction | None = None  # unit conversion of a decimal column
    unit: str | None = None

    @property
    def key(self) -> str | None:
        return None if self.header is None else normalize(self.header)

    @property
    def is_identity(self) -> bool:
        return (
            self.header == self.column
            and not self.values
            and not self.formats
            and self.factor in (None, 1)
        )


@dataclass(frozen=True)
class TableRule:
    name: str
    columns: tuple[ColumnRule, ...]
    ignore_headers: frozenset[str] = frozenset()  # normalised headers dropped on purpose


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file."""

    name: str
    path: Path | None
    sha256: str
    tables: dict[str, TableRule]
    description: str = ""
    # reading options: table -> pinned CSV encoding (``defaults.encoding`` resolved)
    encodings: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """``name@sha256-prefix``: which mapping, in which version, turned a file into raw."""
        return f"{self.name}@{self.sha256[:12]}"

    def source_headers(self, table: str) -> tuple[str, ...]:
        """The header names a file of ``table`` is expected to have (delimiter sniffing)."""
        return tuple(r.header for r in self.tables[table].columns if r.header is not None)
