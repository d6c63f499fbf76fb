"""Parse and validate a mapping file (``select.py`` finds which file applies).

Every problem in a file is reported at once, each as ``<file>:<line>: <where>: <what is
wrong>; <what to do>``, in one ``MappingError``. YAML scalars are read as text (``Y``,
``no``, ``08:00`` and ``1`` stay the text they are; no YAML 1.1 booleans or sexagesimal
numbers), and a key written twice in one block is an error rather than the last one
silently winning.
"""

from __future__ import annotations

import hashlib
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from orchestration.contract import TABLES
from orchestration.landing.encoding import UnknownEncodingError, canonical
from orchestration.landing.mapping import columns as C
from orchestration.landing.mapping.model import ColumnRule, Mapping, TableRule, normalize
from orchestration.landing.mapping.temporal import Format, FormatError, compile_format

SUPPORTED_VERSIONS = ("1",)

_TOP_KEYS = {"version", "name", "description", "defaults", "tables"}
_DEFAULT_KEYS = {"timestamp_formats", "date_formats", "time_formats", "booleans", "encoding"}
_TABLE_KEYS = {"columns", "ignore_headers", "encoding"}
_COLUMN_KEYS = {"header", "values", "formats", "unit", "constant", "absent"}
_FORMAT_DEFAULT = {C.TIMESTAMP: "timestamp_formats", C.DATE: "date_formats", C.TIME: "time_formats"}
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+|[0-9]*[.][0-9]+)$")


class MappingError(ValueError):
    """A mapping file that cannot be used; ``problems`` lists every finding."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = Path(path)
        self.problems = problems
        listing = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"mapping {self.path} is not valid ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}); nothing was loaded:\n{listing}\n"
            "The mapping format is described in docs/mapping.md."
        )


class _Doc:
    """The YAML document as plain Python (scalars as text) with the line of every path."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        self.errors: list[str] = []
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            self.errors.append(
                f"{path}:{line}: not valid YAML: {exc.problem or exc}; fix the syntax there"
            )
            self.data: Any = None
            return
        self.data = None if node is None else self._plain(node, ())

    def _plain(self, node: yaml.Node, where: tuple[str, ...]) -> Any:
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.error(where, "a key must be plain text", "write the key as text")
                    continue
                key = str(key_node.value)
                if key in out:
                    line = key_node.start_mark.line + 1
                    first = self.lines.get((*where, key), "?")
                    self.errors.append(
                        f"{self.path}:{line}: {self.dotted((*where, key))}: written twice "
                        f"(first on line {first}); keep one of them"
                    )
                    continue
                self.lines[(*where, key)] = key_node.start_mark.line + 1
                out[key] = self._plain(value_node, (*where, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._plain(item, (*where, str(i))) for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return str(node.value)

    @staticmethod
    def dotted(where: tuple[str, ...]) -> str:
        return ".".join(where) if where else "(top level)"

    def line(self, where: tuple[str, ...]) -> int:
        while where and where not in self.lines:
            where = where[:-1]
        return self.lines.get(where, 1)

    def error(self, where: tuple[str, ...], what: str, todo: str) -> None:
        self.errors.append(f"{self.path}:{self.line(where)}: {self.dotted(where)}: {what}; {todo}")


def _as_dict(doc: _Doc, value: Any, where: tuple[str, ...], allowed: set[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        doc.error(
            where, "must be a block of keys", f"write it as keys: {', '.join(sorted(allowed))}"
        )
        return {}
    for key in value:
        if key not in allowed:
            doc.error(
                (*where, key),
                f"unknown key {key!r}",
                f"use one of {', '.join(sorted(allowed))}",
            )
    return value


def _as_text_list(doc: _Doc, value: Any, where: tuple[str, ...]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        doc.error(where, "must be a list of texts", "write e.g. ['%Y/%m/%d %H:%M', excel_serial]")
        return []
    return value


def _formats(doc: _Doc, specs: list[str], kind: str, where: tuple[str, ...]) -> tuple[Format, ...]:
    out = []
    for i, spec in enumerate(specs):
        try:
            out.append(compile_format(spec, kind))
        except FormatError as exc:
            doc.error((*where, str(i)), f"bad format: {exc}", "see docs/mapping.md, 'formats'")
    return tuple(out)


def _booleans(doc: _Doc, value: Any, where: tuple[str, ...]) -> dict[str, str]:
    spec = _as_dict(doc, value, where, {"true", "false"})
    labels: dict[str, str] = {}
    for target in ("true", "false"):
        for i, label in enumerate(_as_text_list(doc, spec.get(target), (*where, target))):
            key = normalize(label)
            if key in labels and labels[key] != target:
                doc.error(
                    (*where, target, str(i)),
                    f"label {label!r} is both true and false",
                    "keep it under one of them",
                )
            labels[key] = target
    return labels


def _check_value(table: str, column: str, kind: str, target: str) -> str | None:
    """Why ``target`` is not a contract value of the column (None when it is)."""
    allowed = C.codes(table, column)
    if kind == C.CODE and allowed is not None and target.strip().lower() not in allowed:
        return f"{target!r} is not a code of {table}.{column} ({', '.join(sorted(allowed))})"
    if kind == C.BOOLEAN and target.strip().lower() not in C.BOOLEAN_TRUE + C.BOOLEAN_FALSE:
        return f"{target!r} is not a contract boolean (true or false)"
    if kind == C.INTEGER and not _INTEGER.match(target.strip()):
        return f"{target!r} is not an integer"
    if kind == C.DECIMAL and not _DECIMAL.match(target.strip()):
        return f"{target!r} is not a decimal number"
    return None


def _column(
    doc: _Doc,
    table: str,
    column: str,
    spec: Any,
    defaults: dict[str, Any],
    where: tuple[str, ...],
) -> ColumnRule:
    kind = C.kind(table, column)
    if isinstance(spec, str) or spec is None:
        spec = {"header": spec}
    spec = _as_dict(doc, spec, where, _COLUMN_KEYS)
    header = spec.get("header")
    constant = spec.get("constant")
    absent_text = spec.get("absent")
    absent = False
    if absent_text is not None:
        if absent_text not in ("true", "false"):
            doc.error((*where, "absent"), f"must be true or false, not {absent_text!r}", "fix it")
        absent = absent_text == "true"
    if header is not None and not isinstance(header, str):
        doc.error((*where, "header"), "must be a text", "write the source column's header")
        header = None
    if constant is not None and not isinstance(constant, str):
        doc.error((*where, "constant"), "must be a text", "write the value every row gets")
        constant = None
    if sum(x for x in (header is not None, constant is not None, absent)) > 1:
        doc.error(where, "header, constant and absent exclude each other", "keep one of them")
    if absent and C.is_required(table, column):
        doc.error(
            (*where, "absent"),
            f"{table}.{column} is required by the contract and cannot be absent",
            "map it to a header, or give a constant",
        )
    if constant is not None and (problem := _check_value(table, column, kind, constant)):
        doc.error((*where, "constant"), problem, "use a value of the contract")
    if header is None and constant is None and not absent:
        header = column

    values: dict[str, str] = {}
    if kind == C.BOOLEAN:
        values.update(defaults["booleans"])
    raw_values = spec.get("values")
    if raw_values is not None and not isinstance(raw_values, dict):
        doc.error((*where, "values"), "must be a block of 'source label: contract value'", "fix it")
        raw_values = None
    own: dict[str, str] = {}
    for label, target in (raw_values or {}).items():
        spot = (*where, "values", label)
        if not isinstance(target, str):
            doc.error(spot, "the contract value must be a text", "write e.g. 已交车: delivered")
            continue
        if problem := _check_value(table, column, kind, target):
            doc.error(spot, problem, "map the label to a value of the contract")
            continue
        key = normalize(label)
        if key in own:
            doc.error(
                spot,
                f"label {label!r} is already mapped (labels ignore case and spaces)",
                "keep one",
            )
            continue
        own[key] = target.strip()
    values.update(own)

    formats: tuple[Format, ...] = ()
    if "formats" in spec:
        if kind not in _FORMAT_DEFAULT:
            doc.error(
                (*where, "formats"),
                f"{table}.{column} is a {kind} column; formats are for timestamp, date and "
                "time columns",
                "remove formats here",
            )
        else:
            listed = _as_text_list(doc, spec["formats"], (*where, "formats"))
            formats = _formats(doc, listed, kind, (*where, "formats"))
    elif kind in _FORMAT_DEFAULT:
        formats = defaults[_FORMAT_DEFAULT[kind]]

    factor, unit = None, spec.get("unit")
    if unit is not None:
        dimension = C.unit_dimension(column)
        units = C.UNITS.get(dimension or "", {})
        if unit not in units:
            todo = (
                f"use one of {', '.join(units)}"
                if units
                else f"{table}.{column} takes no unit; remove it"
            )
            doc.error((*where, "unit"), f"unknown unit {unit!r} for {table}.{column}", todo)
        else:
            factor = Fraction(units[unit])
    return ColumnRule(
        column=column,
        kind=kind,
        header=header,
        constant=constant,
        absent=absent,
        values=values,
        formats=formats,
        factor=factor,
        unit=unit,
    )


def _table(doc: _Doc, table: str, spec: Any, defaults: dict[str, Any]) -> TableRule:
    where = ("tables", table)
    spec = _as_dict(doc, spec, where, _TABLE_KEYS)
    listed = spec.get("columns")
    if listed is not None and not isinstance(listed, dict):
        doc.error((*where, "columns"), "must be a block of 'contract column: spec'", "fix it")
        listed = None
    listed = listed or {}
    for name in listed:
        if name not in TABLES[table].columns:
            doc.error(
                (*where, "columns", name),
                f"{name!r} is not a column of the contract table {table}",
                f"use one of {', '.join(TABLES[table].columns)}",
            )
    rules = [
        _column(doc, table, column, listed.get(column), defaults, (*where, "columns", column))
        for column in TABLES[table].columns
    ]
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.key is None:
            continue
        if rule.key in seen:
            doc.error(
                (*where, "columns", rule.column),
                f"source header {rule.header!r} is already the source of {seen[rule.key]}"
                " (headers ignore case and spaces; an unlisted column reads the header of "
                "its own name)",
                "give each contract column its own header",
            )
        seen.setdefault(rule.key, rule.column)
    ignored = set()
    for i, header in enumerate(
        _as_text_list(doc, spec.get("ignore_headers"), (*where, "ignore_headers"))
    ):
        key = normalize(header)
        if key in seen:
            doc.error(
                (*where, "ignore_headers", str(i)),
                f"{header!r} is mapped to {seen[key]}",
                "remove it from ignore_headers or from the column",
            )
        ignored.add(key)
    return TableRule(table, tuple(rules), frozenset(ignored))


def _encoding(doc: _Doc, value: Any, where: tuple[str, ...]) -> str | None:
    """A pinned CSV encoding (reading option), checked against Python's codecs."""
    if value is None:
        return None
    try:
        return canonical(str(value))
    except UnknownEncodingError:
        doc.error(
            where,
            f"unknown encoding {value!r}",
            "use a Python codec name such as utf-8, gb18030, utf-16 or latin-1",
        )
        return None


def parse_mapping(text: str, path: Path | str = "<mapping>") -> Mapping:
    """Validate the text of a mapping file; raise ``MappingError`` listing every problem."""
    path = Path(path)
    doc = _Doc(path, text)
    if doc.errors:
        raise MappingError(path, doc.errors)
    if not isinstance(doc.data, dict):
        raise MappingError(
            path, [f"{path}:1: the file must be a block of keys (version, name, tables)"]
        )
    top = _as_dict(doc, doc.data, (), _TOP_KEYS)
    version = top.get("version")
    if version not in SUPPORTED_VERSIONS:
        doc.error(("version",), f"version must be 1, not {version!r}", "write 'version: 1'")
    name = top.get("name")
    if not isinstance(name, str) or not name.strip():
        doc.error(("name",), "a mapping needs a name", "write e.g. 'name: my_dms'")
        name = path.stem
    description = top.get("description") or ""
    raw_defaults = _as_dict(doc, top.get("defaults"), ("defaults",), _DEFAULT_KEYS)
    defaults: dict[str, Any] = {
        "booleans": _booleans(doc, raw_defaults.get("booleans"), ("defaults", "booleans"))
    }
    for kind, key in _FORMAT_DEFAULT.items():
        listed = _as_text_list(doc, raw_defaults.get(key), ("defaults", key))
        defaults[key] = _formats(doc, listed, kind, ("defaults", key))
    raw_tables = top.get("tables")
    if raw_tables is not None and not isinstance(raw_tables, dict):
        doc.error(("tables",), "must be a block of contract tables", "fix it")
        raw_tables = None
    raw_tables = raw_tables or {}
    for table in raw_tables:
        if table not in TABLES:
            doc.error(
                ("tables", table),
                f"{table!r} is not a contract table",
                f"use one of {', '.join(TABLES)}",
            )
    tables = {t: _table(doc, t, raw_tables.get(t), defaults) for t in TABLES}
    default_encoding = _encoding(doc, raw_defaults.get("encoding"), ("defaults", "encoding"))
    encodings: dict[str, str] = {}
    for table in TABLES:
        spec = raw_tables.get(table)
        own = spec.get("encoding") if isinstance(spec, dict) else None
        chosen = _encoding(doc, own, ("tables", table, "encoding")) or default_encoding
        if chosen is not None:
            encodings[table] = chosen
    if doc.errors:
        raise MappingError(path, doc.errors)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Mapping(name.strip(), path, digest, tables, str(description), encodings)
