"""Apply a mapping to one freshly read file: source headers and labels in, contract text out.

``apply_mapping`` is pure: it takes the file as an Arrow table of text columns with the
file's own headers, the mapping and the file's context, and returns the table with the
contract columns of the file's table (in contract order, contract-format text) and the
problems found. Nothing is dropped or turned into null silently:

- a value the mapping does not know (a label missing from ``values``, a timestamp no
  format parses, a number a unit cannot convert) is passed on **as landed**, so staging
  quarantines the row with a reason naming the column and the quarantine table shows the
  value; it is also reported as an ``unmapped_value`` warning (values that are already
  contract text, such as ``delivered`` or ``2025-01-03 08:05``, pass without a warning);
- a source header that maps to no contract column and is not listed in
  ``ignore_headers`` is reported as an ``unmapped_header`` warning (its data is not
  loaded);
- a contract column that the file lacks (neither its header nor a constant nor
  ``absent`` in the mapping), and a header that appears twice, make the file
  ``reject``-ed: the caller must not load it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.landing.mapping import columns as C
from orchestration.landing.mapping.model import ColumnRule, Mapping, normalize
from orchestration.landing.mapping.temporal import parse_temporal

REJECT, WARNING = "reject", "warning"
CONTRACT_MAPPING = "contract"
LOGGER = logging.getLogger("aftersales.landing.mapping")
_EXAMPLES = 5
_QUANTUM = Decimal("0.0001")  # staging's decimal(18,4)
_DECIMAL = re.compile(r"^\s*[+-]?([0-9]+|[0-9]*[.][0-9]+)\s*$")
# What staging accepts as it is (models/staging/dms, macros/parsing): such values need no
# mapping and are never reported.
_CONTRACT_FORM = {
    C.TIMESTAMP: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?\s*$",
    C.DATE: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
    C.TIME: r"^\s*[0-9]{2}:[0-9]{2}\s*$",
    C.INTEGER: r"^\s*[+-]?[0-9]+\s*$",
    C.DECIMAL: _DECIMAL.pattern,
}
_STAGING_REASON = {
    C.TIMESTAMP: "unparseable_timestamp",
    C.DATE: "unparseable_date",
    C.TIME: "unparseable_time",
    C.BOOLEAN: "unparseable_boolean",
    C.INTEGER: "unparseable_number",
    C.DECIMAL: "unparseable_number",
    C.CODE: "invalid_code",
}


@dataclass(frozen=True)
class FileContext:
    """The file being mapped: its contract table and its name (for messages)."""

    table: str
    file_name: str


@dataclass(frozen=True)
class Problem:
    severity: str  # "reject" (the file must not be loaded) or "warning"
    kind: str  # missing_column, duplicate_header, unmapped_header, unmapped_value
    table: str
    file_name: str
    message: str
    column: str | None = None
    header: str | None = None
    count: int = 0  # rows concerned (unmapped_value)
    examples: tuple[tuple[str, int], ...] = ()  # (value as landed, first 1-based data row)

    def __str__(self) -> str:
        return self.message


def is_rejected(problems: list[Problem]) -> bool:
    return any(p.severity == REJECT for p in problems)


class MappedFileRejected(ValueError):
    """A file the mapping cannot turn into the contract (the message says why and what to do)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems if p.severity == REJECT))


def _text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return column if column.type == pa.string() else column.cast(pa.string())


def _lookup(values: pa.Array, labels: dict[str, str]) -> pa.Array:
    """The contract text of each value's label (null where the label is not mapped)."""
    keys = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    index = pc.index_in(keys, value_set=pa.array(list(labels), pa.string()))
    return pc.take(pa.array(list(labels.values()), pa.string()), index)


def _scale(values: pa.Array, factor: Fraction) -> pa.Array:
    """Decimal text times ``factor``, rounded to 4 places (null where not a decimal)."""
    num, den = Decimal(factor.numerator), Decimal(factor.denominator)
    cache: dict[str, str | None] = {}
    out = []
    for value in values.to_pylist():
        if value is None:
            out.append(None)
            continue
        if value not in cache:
            if _DECIMAL.match(value):
                scaled = (Decimal(value.strip()) * num / den).quantize(_QUANTUM, ROUND_HALF_UP)
                cache[value] = format(scaled.normalize(), "f")
            else:
                cache[value] = None
        out.append(cache[value])
    return pa.array(out, pa.string())


def _accepted_as_is(values: pa.Array, rule: ColumnRule, table: str) -> pa.Array:
    """Whether staging accepts the value without any mapping (contract text)."""
    keys = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    if rule.kind == C.CODE:
        allowed = C.codes(table, rule.column)
        if allowed is None:
            return pc.is_valid(values)
        return pc.is_in(keys, value_set=pa.array(sorted(allowed), pa.string()))
    if rule.kind == C.BOOLEAN:
        spellings = pa.array(list(C.BOOLEAN_TRUE + C.BOOLEAN_FALSE), pa.string())
        return pc.is_in(keys, value_set=spellings)
    if rule.kind in _CONTRACT_FORM:
        return pc.match_substring_regex(values, _CONTRACT_FORM[rule.kind])
    return pc.is_valid(values)  # free text: anything goes


def _convert(
    values: pa.Array, rule: ColumnRule, mapping: Mapping, ctx: FileContext, header: str
) -> tuple[pa.Array, Problem | None]:
    converted = pa.nulls(len(values), pa.string())
    if rule.values:
        converted = _lookup(values, rule.values)
    if rule.formats:
        converted = pc.coalesce(converted, parse_temporal(values, list(rule.formats), rule.kind))
    if rule.factor is not None and rule.factor != 1:
        converted = pc.coalesce(converted, _scale(values, rule.factor))
    elif rule.factor is not None:
        converted = pc.coalesce(converted, values)
    out = pc.coalesce(converted, values)
    blank = pc.equal(pc.fill_null(pc.utf8_trim_whitespace(values), ""), "")
    unresolved = pc.and_(
        pc.and_(pc.invert(blank), pc.is_null(converted)),
        pc.invert(pc.fill_null(_accepted_as_is(values, rule, ctx.table), False)),
    )
    count = pc.sum(pc.cast(unresolved, pa.int64())).as_py() or 0
    if not count:
        return out, None
    # the first distinct values, in file order, each with the first data row holding it
    firsts = pc.unique(values.filter(unresolved))[:_EXAMPLES].to_pylist()
    examples = [(value, pc.index(values, value).as_py() + 1) for value in firsts]
    listed = ", ".join(f"{v!r} (data row {r})" for v, r in examples)
    key = f"tables.{ctx.table}.columns.{rule.column}"
    todo = {
        C.TIMESTAMP: f"add their format to {key}.formats or defaults.timestamp_formats",
        C.DATE: f"add their format to {key}.formats or defaults.date_formats",
        C.TIME: f"add their format to {key}.formats or defaults.time_formats",
        C.BOOLEAN: f"add them to {key}.values or defaults.booleans",
    }.get(rule.kind, f"add them to {key}.values")
    reason = _STAGING_REASON.get(rule.kind, "a quarantine reason")
    message = (
        f"{ctx.table}/{ctx.file_name}: {count} value(s) of column {header!r} "
        f"({ctx.table}.{rule.column}) are not in mapping {mapping.name!r}: {listed}; "
        f"they are loaded as landed and staging quarantines those rows "
        f"({reason}:{rule.column}); {todo} in {mapping.path}"
    )
    problem = Problem(
        WARNING,
        "unmapped_value",
        ctx.table,
        ctx.file_name,
        message,
        column=rule.column,
        header=header,
        count=count,
        examples=tuple(examples),
    )
    return out, problem


def apply_mapping(
    data: pa.Table, mapping: Mapping, ctx: FileContext
) -> tuple[pa.Table, list[Problem]]:
    """The file's rows as contract columns (text), and the problems found (see module doc).

    When a problem has severity ``reject`` the returned table is not fit to load (a
    missing column is null in it).
    """
    rules = mapping.tables[ctx.table]
    where = f"{ctx.table}/{ctx.file_name}"
    problems: list[Problem] = []
    by_key: dict[str, list[str]] = {}
    for name in data.column_names:
        by_key.setdefault(normalize(name), []).append(name)
    used: set[str] = set()
    arrays: list[pa.Array] = []
    n = data.num_rows
    for rule in rules.columns:
        if rule.constant is not None:
            arrays.append(pc.fill_null(pa.nulls(n, pa.string()), rule.constant))
            continue
        if rule.absent or rule.key is None:
            arrays.append(pa.nulls(n, pa.string()))
            continue
        headers = by_key.get(rule.key, [])
        used.add(rule.key)
        if len(headers) != 1:
            if headers:
                message = (
                    f"{where}: header {rule.header!r} ({ctx.table}.{rule.column}) appears "
                    f"{len(headers)} times ({', '.join(repr(h) for h in headers)}); the file "
                    "is not loaded. Export it with each column once."
                )
                kind = "duplicate_header"
            else:
                need = "required" if C.is_required(ctx.table, rule.column) else "optional"
                keys = (
                    f"tables.{ctx.table}.columns.{rule.column}: header, constant, or "
                    "absent: true for an optional column the export never has"
                )
                todo = (
                    f"map it in {mapping.path} ({keys})"
                    if mapping.name != CONTRACT_MAPPING
                    else "if the files are a vendor's own export, describe them in a mapping "
                    f"(docs/mapping.md; {keys}) and name it in the landing directory's "
                    "_mapping.yml"
                )
                message = (
                    f"{where}: has no column {rule.header!r} for the {need} contract column "
                    f"{ctx.table}.{rule.column} (mapping {mapping.name!r}); the file is not "
                    f"loaded, so no value is read as empty. Export the column, or {todo}."
                )
                kind = "missing_column"
            problems.append(
                Problem(
                    REJECT,
                    kind,
                    ctx.table,
                    ctx.file_name,
                    message,
                    column=rule.column,
                    header=rule.header,
                )
            )
            arrays.append(pa.nulls(n, pa.string()))
            continue
        if rule.is_identity:  # the contract's own column: no copy, staging parses it
            column = data[headers[0]]
            arrays.append(column if column.type == pa.string() else column.cast(pa.string()))
            continue
        values = _text(data[headers[0]])
        converted, problem = _convert(values, rule, mapping, ctx, headers[0])
        if problem is not None:
            problems.append(problem)
        arrays.append(converted)
    extra = [
        name
        for key, names in by_key.items()
        if key not in used and key not in rules.ignore_headers
        for name in names
    ]
    if extra:
        problems.append(
            Problem(
                WARNING,
                "unmapped_header",
                ctx.table,
                ctx.file_name,
                f"{where}: column(s) {', '.join(repr(h) for h in extra)} map to no contract "
                f"column of {ctx.table} in mapping {mapping.name!r} and are not loaded; map "
                f"them under tables.{ctx.table}.columns or list them under "
                f"tables.{ctx.table}.ignore_headers in {mapping.path}",
                header=", ".join(extra),
            )
        )
    names = [rule.column for rule in rules.columns]
    chunked = [a if isinstance(a, pa.ChunkedArray) else pa.chunked_array([a]) for a in arrays]
    return pa.table(chunked, names=names), problems


def mapped_or_raise(data: pa.Table, mapping: Mapping, ctx: FileContext) -> pa.Table:
    """``apply_mapping`` for a loader: warnings are logged, a rejected file raises
    ``MappedFileRejected`` (its message names the file, the column and what to do)."""
    table, problems = apply_mapping(data, mapping, ctx)
    for problem in problems:
        if problem.severity == WARNING:
            LOGGER.warning("%s", problem)
    if is_rejected(problems):
        raise MappedFileRejected(problems)
    return table
