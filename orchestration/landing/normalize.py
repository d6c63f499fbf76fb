"""THE hook where a freshly read file becomes a table in the contract's shape.

``normalize(read, ctx, table)`` runs on every file a reader could read, for every engine
(DuckDB and Spark ingest, the dry run), before anything is written:

1. the landing directory's mapping (``ctx.mapping``, chosen once per landing directory)
   turns the file's own headers, labels, timestamp styles and units into contract text
   (``mapping.apply_mapping``). A reject-level problem (a mapped column missing, a header
   twice) rejects the file with a message naming file, column, header and what to do; a
   warning (``unmapped_value``, ``unmapped_header``) is kept in ``ReadResult.warnings``;
2. the header is checked against the contract:
   - names are matched trimmed and case-insensitively (a UTF-8 BOM is stripped);
   - a contract column the file lacks rejects the file (required or nullable alike: a
     missing column is never read as null; docs/decisions.md);
   - a contract column that appears twice rejects the file;
   - columns the contract does not know are dropped and named in the file's notes.

``wanted_columns`` gives the CSV delimiter sniffer the header names the *source* uses
(the mapping's source headers).
"""

from __future__ import annotations

import pyarrow as pa

from orchestration.contract import Table
from orchestration.landing.mapping import REJECT, FileContext, apply_mapping
from orchestration.landing.mapping import Problem as MappingProblem
from orchestration.landing.model import Problem, ReadContext, ReadResult


def wanted_columns(ctx: ReadContext, table: Table) -> tuple[str, ...]:
    """The header names expected in a file of ``ctx``'s folder (for delimiter sniffing)."""
    if ctx.mapping is None:
        return table.columns
    return ctx.mapping.source_headers(table.name)


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


def _text(problem: MappingProblem) -> str:
    """The mapping's message without its ``table/file:`` prefix (the register adds it)."""
    prefix = f"{problem.table}/{problem.file_name}: "
    return problem.message[len(prefix) :] if problem.message.startswith(prefix) else problem.message


def _as_rejection(problem: MappingProblem) -> Problem:
    # the mapping's message already says what to do (export the column, map it, ...)
    return Problem(_text(problem), line=1, column=problem.column)


def normalize(read: ReadResult, ctx: ReadContext, table: Table, file_name: str = "") -> ReadResult:
    """Turn a read file into the contract's shape (see the module docstring)."""
    if read.table is None:
        return read
    data, warnings = read.table, list(read.warnings)
    if ctx.mapping is not None:
        data, found = apply_mapping(data, ctx.mapping, FileContext(table.name, file_name))
        rejected = [p for p in found if p.severity == REJECT]
        if rejected:
            return ReadResult(
                None, [_as_rejection(p) for p in rejected], list(read.notes), warnings
            )
        warnings += [_text(p) for p in found]
    result = check_header(data, table)
    return ReadResult(result.table, result.problems, [*read.notes, *result.notes], warnings)
