"""Quarantine and version resolution of every landed row (raw contract, "Landing layout").

For each table: parse every row of every non-duplicate file; rows with a reason go to
quarantine and never compete; among the rest, per primary key, the greatest
``(updated_at, source file name, row number)`` wins; a winning ``is_deleted`` removes the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .contract import PRIMARY_KEYS, TABLES, parse_row
from .landing import LandedFile, LandedRow, read_table

# Branches first: every other table checks its branch_code against them.
TABLE_ORDER = tuple(TABLES)  # the contract order


@dataclass(frozen=True)
class Quarantined:
    table: str
    source_file: str
    row_number: int
    primary_key: object
    reasons: tuple[str, ...]


@dataclass
class Resolved:
    """The contract applied to a landing directory."""

    files: dict[str, list[LandedFile]] = field(default_factory=dict)
    current: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)
    quarantined: dict[str, list[Quarantined]] = field(default_factory=dict)
    kept_rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    # per table and source file: rows arrived / kept / quarantined
    batch_counts: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)

    @property
    def as_of(self) -> datetime:
        """Latest updated_at of every row kept (not quarantined), any table, any version."""
        return max(row["updated_at"] for rows in self.kept_rows.values() for row in rows)  # type: ignore[type-var,return-value]


def _winners(
    table: str, rows: list[tuple[LandedRow, dict[str, object]]]
) -> dict[str, dict[str, object]]:
    best: dict[str, tuple[tuple[object, ...], dict[str, object]]] = {}
    pk = PRIMARY_KEYS[table]
    for landed, typed in rows:
        key = typed[pk]
        rank = (typed["updated_at"], landed.source_file, landed.row_number)
        if key not in best or rank > best[key][0]:  # type: ignore[operator]
            best[key] = (rank, {**typed, "_source_file": landed.source_file})  # type: ignore[index]
    return {key: row for key, (_, row) in best.items() if not row["is_deleted"]}  # type: ignore[misc]


def resolve(landing_dir: Path) -> Resolved:
    out = Resolved()
    known_branches: set[str] = set()
    for table in TABLE_ORDER:
        assert table in TABLES
        files, landed = read_table(landing_dir, table)
        out.files[table] = files
        valid: list[tuple[LandedRow, dict[str, object]]] = []
        quarantined: list[Quarantined] = []
        counts: dict[str, list[int]] = {f.name: [0, 0, 0] for f in files if f.duplicate_of is None}
        for row in landed:
            typed, reasons = parse_row(table, row.values, known_branches)
            counts[row.source_file][0] += 1
            if reasons:
                counts[row.source_file][2] += 1
                quarantined.append(
                    Quarantined(
                        table,
                        row.source_file,
                        row.row_number,
                        row.values.get(PRIMARY_KEYS[table]),
                        tuple(reasons),
                    )
                )
            else:
                counts[row.source_file][1] += 1
                valid.append((row, typed))
        out.quarantined[table] = quarantined
        out.kept_rows[table] = [typed for _, typed in valid]
        out.current[table] = _winners(table, valid)
        for name, (arrived, kept, bad) in counts.items():
            out.batch_counts[(table, name)] = (arrived, kept, bad)
        if table == "branches":
            known_branches = set(out.current["branches"])
    return out
