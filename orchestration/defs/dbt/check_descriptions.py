"""Readable descriptions for the Dagster asset checks that dagster-dbt makes of dbt tests.

dagster-dbt names a check after its dbt test (``accepted_values_kpi_values_comparator_…``)
and leaves its description empty unless the test has ``meta.description``. The check's
name is also its key in dbt's events, so it stays dbt's name (tests whose generated name
is unreadable get an explicit ``name:`` in their yml); the description says in words what
the test checks, on which column, and whether a failure blocks the publish.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_REF = re.compile(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)")
_LEADING_COMMENT = re.compile(r"^\s*\{#-?\s*(.*?)\s*-?#\}", re.DOTALL)


def _name(reference: Any) -> str:
    match = _REF.search(str(reference))
    return match.group(1) if match else str(reference)


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values) if isinstance(values, list | tuple) else str(values)


def _what(test: Mapping[str, Any]) -> str:
    metadata = test.get("test_metadata") or {}
    kind = metadata.get("name")
    kwargs = metadata.get("kwargs") or {}
    column = test.get("column_name") or kwargs.get("column_name")
    if kind == "not_null":
        return f"`{column}` is never null"
    if kind == "not_null_columns":
        names = ", ".join(f"`{name}`" for name in kwargs.get("columns") or [])
        return f"{names} are never null"
    if kind == "unique":
        return f"`{column}` is unique"
    if kind == "accepted_values":
        return f"`{column}` is one of: {_listed(kwargs.get('values'))}"
    if kind == "relationships":
        return f"every `{column}` exists as `{kwargs.get('field')}` in {_name(kwargs.get('to'))}"
    if kind == "unique_combination":
        nullable = kwargs.get("nullable")
        text = f"one row per ({_listed(kwargs.get('combination'))})"
        return text + (f", {_listed(nullable)} may be null" if nullable else "")
    if kind == "kpi_value_within_bounds":
        return (
            "every value lies within the KPI's value_min..value_max "
            f"({_name(kwargs.get('definitions'))})"
        )
    if kind:
        arguments = {k: v for k, v in kwargs.items() if k not in {"model", "column_name"}}
        return f"{kind}({arguments})" if arguments else kind
    comment = _LEADING_COMMENT.match(test.get("raw_code") or "")
    if comment:
        return " ".join(comment.group(1).split())
    return f"singular test {test.get('name')}"


def describe_dbt_test(test: Mapping[str, Any]) -> str:
    """One paragraph for the asset check of the dbt test node ``test`` (from the manifest)."""
    own = (test.get("description") or (test.get("meta") or {}).get("description") or "").strip()
    what = own or _what(test)
    severity = str((test.get("config") or {}).get("severity") or "error").lower()
    effect = "a failure blocks the publish" if severity == "error" else "a failure only warns"
    what = what.rstrip(".")
    return f"{what[0].upper()}{what[1:]}. dbt test `{test.get('name')}`; {effect}."
