"""Great Expectations suites on the staging facts the KPIs are built from.

``staging.stg_dms__tickets``, ``stg_dms__part_requests`` and ``stg_dms__callbacks`` hold
one row per valid record (the winning version). Each suite checks the columns (the raw
contract's, typed, without ``is_deleted``, plus ``_source_file`` and ``_resolved_at``, the
build that resolved the row, in any order), the primary
key (never null, unique), the required references, the enumerated codes of the raw
contract, and that quantities and amounts are not negative. They repeat a few of dbt's
tests on purpose: a second, independent tool on the tables every KPI reads, with results
in the data docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration.contract import TABLES
from orchestration.quality.gx_runner import Part, SuiteResult, read_parts, validate_parts

STAGING_SCHEMA = "staging"


@dataclass(frozen=True)
class StagingSuite:
    model: str
    table: str
    not_null: tuple[str, ...]
    enumerations: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    non_negative: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ("is_deleted",)

    @property
    def key(self) -> str:
        return TABLES[self.table].primary_key

    @property
    def checked(self) -> set[str]:
        """The columns whose values an expectation reads."""
        return {self.key, *self.not_null, *self.enumerations, *self.non_negative}

    @property
    def codes(self) -> frozenset[str]:
        """The text columns of a few distinct codes (the enumerations, the branch), read
        as categoricals (``gx_runner.as_codes``; a numeric one stays as it is)."""
        return frozenset({*self.enumerations, "branch_code"} & self.checked)

    @property
    def columns(self) -> list[str]:
        contract = [c for c in TABLES[self.table].columns if c not in self.dropped]
        return [*contract, "_source_file", "_resolved_at"]


STAGING_SUITES: dict[str, StagingSuite] = {
    s.model: s
    for s in (
        StagingSuite(
            model="stg_dms__tickets",
            table="tickets",
            not_null=("branch_code", "ticket_type", "status", "opened_at", "updated_at"),
            enumerations={
                "ticket_type": ("repair", "maintenance", "warranty", "inspection", "consult"),
                "status": (
                    "open",
                    "in_progress",
                    "waiting_parts",
                    "completed",
                    "delivered",
                    "cancelled",
                ),
                "fault_level": (1, 2, 3),
            },
            non_negative=("sold_hours", "labor_amount", "parts_amount"),
        ),
        StagingSuite(
            model="stg_dms__part_requests",
            table="part_requests",
            not_null=("ticket_id", "branch_code", "part_class", "qty_requested", "status"),
            enumerations={
                "part_class": ("a", "b", "c"),
                "status": ("requested", "issued", "backordered", "cancelled"),
            },
            non_negative=("qty_requested", "qty_from_stock", "unit_price"),
        ),
        StagingSuite(
            model="stg_dms__callbacks",
            table="callbacks",
            not_null=("ticket_id", "attempted_at", "channel", "outcome"),
            enumerations={
                "channel": ("phone", "sms", "wechat", "letter"),
                "outcome": (
                    "reached",
                    "no_answer",
                    "voicemail",
                    "letter_sent",
                    "refused",
                    "wrong_number",
                ),
                "nps_score": tuple(range(11)),
            },
        ),
    )
}


def build_staging_suite(spec: StagingSuite) -> Any:
    import great_expectations as gx

    ex = gx.expectations
    suite = gx.ExpectationSuite(name=spec.model)

    def add(expectation: Any, description: str) -> None:
        expectation.description = description
        suite.add_expectation(expectation)

    add(
        ex.ExpectTableColumnsToMatchSet(column_set=spec.columns, exact_match=True),
        "columns are the contract's (typed, without is_deleted) plus _source_file, _resolved_at",
    )
    add(ex.ExpectColumnValuesToNotBeNull(column=spec.key), f"{spec.key} is never null")
    add(ex.ExpectColumnValuesToBeUnique(column=spec.key), f"one row per {spec.key}")
    for column in spec.not_null:
        add(ex.ExpectColumnValuesToNotBeNull(column=column), f"{column} is never null")
    for column, values in spec.enumerations.items():
        add(
            ex.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)),
            f"{column} is one of {', '.join(str(v) for v in values)}",
        )
    for column in spec.non_negative:
        add(
            ex.ExpectColumnValuesToBeBetween(column=column, min_value=0),
            f"{column} >= 0 when not null",
        )
    return suite


def resolved_after(since: datetime | None) -> tuple[str, list[Any]]:
    """The ``where`` clause and parameters of a staging model's rows resolved after
    ``since`` (every row when None): what its suite reads."""
    return ("where _resolved_at > ?", [since]) if since is not None else ("", [])


def read_model(
    con: duckdb.DuckDBPyConnection, model: str, since: datetime | None = None
) -> list[Part]:
    """The staging model in parts for its suite (``read_parts``: split by its key, read
    one at a time, values only of the columns its expectations check), from a read-only
    view of the build (``Engine.read_build``). ``since``: only the rows resolved after
    that time."""
    spec = STAGING_SUITES[model]
    where, params = resolved_after(since)
    relation = f"{STAGING_SCHEMA}.{model}"
    return read_parts(con, relation, spec.checked, (spec.key,), where, params, codes=spec.codes)


def run_staging_suite(
    con: duckdb.DuckDBPyConnection,
    model: str,
    docs_dir: Path | None = None,
    since: datetime | None = None,
) -> SuiteResult:
    """The model's suite on every row, or (``since``) on the rows resolved after that
    time: ``suite_runs.run_blocking_suites`` passes the time of the last passing run
    (``validated.changed_rows``). A table larger than ``AFTERSALES_GX_PART_ROWS`` is
    validated in parts split by its key, so the key's uniqueness still holds over the
    whole table."""
    spec = STAGING_SUITES[model]
    parts = read_model(con, model, since)
    return validate_parts(parts, lambda: build_staging_suite(spec), model, docs_dir)
