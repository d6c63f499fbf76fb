"""THE hook where a freshly read file becomes a table in the contract's shape.

``normalize(read, ctx, table)`` runs on every file a reader could read, for every engine,
before anything is written. Today it only checks the header against the contract:

- header names are matched trimmed and case-insensitively (a UTF-8 BOM is stripped);
- a contract column the file lacks rejects the file (required or nullable alike: a
  missing column is never read as null; docs/decisions.md);
- a contract column that appears twice rejects the file (which one is meant is unknown);
- columns the contract does not know are dropped and named in the file's notes.

The per-source mapping (header names, code values, timestamp formats) plugs in here: map
the read table first, then run the same header check on the result. ``wanted_columns``
is the matching hook for the CSV delimiter sniffer (the header names a source uses).
"""

from __future__ import annotations

import pyarrow as pa

from orchestration.contract import Table
from orchestration.landing.model import Problem, ReadContext, ReadResult


def wanted_columns(ctx: ReadContext, table: Table) -> tuple[str, ...]:
    """The header names expected in a file of ``ctx``'s folder (for delimiter sniffing)."""
    return table.columns


def _key(name: str) -> str:
    return name.lstrip("\ufeff").strip().lower()


def check_header(data: pa.Table, table: Table) -> ReadResult:
    """The contract columns of ``data`` in contract order, or why the file is rejected."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(data.column_names):
        positions.setdefault(_key(name), []).append(index)
    problems = []
    for column in table.columns:
        found = positions.get(column, [])
        if len(found) > 1:
            problems.append(
                Problem(
                    f"the column appears {len(found)} times in the header",
                    line=1,
                    column=column,
                    action="Keep one of them and land the file again",
                )
            )
    missing = [c for c in table.columns if c not in positions]
    if missing:
        problems.append(
            Problem(
                f"{len(missing)} contract column(s) missing from the header: " + ", ".join(missing),
                line=1,
                action="Add the column(s) (empty values are allowed where the contract "
                "allows null) or map them in the source mapping, then land the file again",
            )
        )
    if problems:
        return ReadResult.rejected(*problems)
    extra = sorted({n for n in data.column_names if _key(n) not in set(table.columns)})
    notes = (
        [f"ignored column(s) not in the contract: {', '.join(map(repr, extra))}"] if extra else []
    )
    columns = [data.column(positions[c][0]) for c in table.columns]
    return ReadResult(pa.table(columns, names=list(table.columns)), [], notes)


def normalize(read: ReadResult, ctx: ReadContext, table: Table) -> ReadResult:
    """Turn a read file into the contract's shape (see the module docstring)."""
    if read.table is None:
        return read
    result = check_header(read.table, table)
    return ReadResult(result.table, result.problems, [*read.notes, *result.notes])
