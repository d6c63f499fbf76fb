"""Run a Great Expectations suite on pandas frames; optionally render GX data docs.

Every suite of the project validates frames read through a read-only DuckDB connection
(GX's SQL data source does not work on DuckDB) in an ephemeral GX context: no GX project
directory, no analytics. A table larger than ``AFTERSALES_GX_PART_ROWS`` is read and
validated in parts split by its key (:func:`read_parts`, :func:`validate_parts`), so the
memory a suite needs does not grow with the table (D-076). With ``docs_dir`` the
validation runs as a GX checkpoint with an
``UpdateDataDocsAction`` and GX's own site builder writes a static data-docs site (suite
page, validation page, index) to ``docs_dir``; the publish step copies the build's sites
to ``<serving_dir>/data_docs/`` (see ``orchestration/serving/publish.py``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from orchestration.serving.personal_data import WITHHELD, personal_columns


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, in plain Python types."""

    expectation: str
    column: str | None
    description: str
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    partial_unexpected: list[Any] = field(default_factory=list)
    observed_value: Any = None


@dataclass(frozen=True)
class SuiteResult:
    success: bool
    row_count: int
    outcomes: list[ExpectationOutcome]
    suite_name: str = ""
    docs_index: Path | None = None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def summary(self) -> str:
        passed = sum(o.success for o in self.outcomes)
        name = f"{self.suite_name}: " if self.suite_name else ""
        text = f"{name}{passed}/{len(self.outcomes)} expectations passed on {self.row_count} rows"
        for outcome in self.failed:
            text += (
                f"\n  FAILED {outcome.description}: {outcome.unexpected_count} unexpected, "
                f"e.g. {outcome.partial_unexpected[:5]}"
            )
        return text


def read_for_suite(
    con: Any,
    relation: str,
    checked: set[str] | None = None,
    where: str = "",
    params: list[Any] | None = None,
    codes: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """``relation`` as a pandas frame for a suite: every column (the column-set
    expectations see them all), with values only where an expectation reads them
    (``checked``; all when None) and null elsewhere (:func:`with_unread_columns`; those
    columns are not read from the database), decimals as doubles. pandas holds decimals
    as Python objects, and GX compares those one by one: at 1 M work orders that and the
    unread text columns were most of a suite's time.

    ``codes``: text columns holding a few distinct codes (KPI codes, grains, statuses),
    read as pandas categoricals (:func:`as_codes`)."""

    def value(name: str, kind: str) -> str:
        if kind.upper().startswith("DECIMAL"):
            return f'cast("{name}" as double) as "{name}"'
        return f'"{name}"'

    kinds = {
        str(name): str(kind) for name, kind, *_ in con.execute(f"describe {relation}").fetchall()
    }
    columns = list(kinds)
    read = [name for name in columns if checked is None or name in checked]
    select = ", ".join(value(name, kinds[name]) for name in read) or "1 as _row"
    frame = con.execute(f"select {select} from {relation} {where}", params or []).df()
    return as_codes(with_unread_columns(frame, columns, read), codes)


def with_unread_columns(
    frame: pd.DataFrame, columns: Sequence[str], read: Sequence[str]
) -> pd.DataFrame:
    """``frame`` (the ``read`` columns) with every one of ``columns`` in order, those not
    read holding only nulls, as categoricals without categories: one byte a row. GX's row
    conditions copy every column of a frame for each expectation that has one, and a
    column of nulls in another type costs eight bytes a row there (D-134)."""
    rows = len(frame)
    unread = {
        name: pd.Categorical.from_codes(np.full(rows, -1, dtype=np.int8), categories=[])
        for name in columns
        if name not in read
    }
    if not unread:
        return frame
    whole = {name: frame[name] if name in read else unread[name] for name in columns}
    return pd.DataFrame(whole, index=frame.index)


def as_codes(frame: pd.DataFrame, codes: frozenset[str]) -> pd.DataFrame:
    """``frame`` with its text columns named in ``codes`` as categoricals: the same
    values (an unexpected code is one more category), but GX's row conditions
    (``kpi_code in [...]``) and set checks then work on small integer codes. At 1 M work
    orders this halved the kpi_values suite's time."""
    for column in codes & set(frame.columns):
        if pd.api.types.is_string_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("category")
    return frame


PART_ROWS_ENV = "AFTERSALES_GX_PART_ROWS"
DEFAULT_PART_ROWS = 2_000_000
PARTIAL_UNEXPECTED_KEPT = 20


def part_rows() -> int:
    """Rows a suite reads into pandas at once (``AFTERSALES_GX_PART_ROWS``, default 2 M).
    GX's peak grows by about 0.5 GiB per million rows in a frame (1 M work orders: all
    suites in one frame each 2.0 GiB, in parts of 2 M 1.8 GiB, of 500 k 1.2 GiB), so a
    larger table is validated in parts to keep the refresh under its memory budget."""
    try:
        return max(1, int(os.environ.get(PART_ROWS_ENV) or DEFAULT_PART_ROWS))
    except ValueError:
        return DEFAULT_PART_ROWS


@dataclass(frozen=True)
class Part:
    """One part of a relation, read when validated."""

    read: Callable[[], pd.DataFrame]
    label: str


def read_parts(
    con: Any,
    relation: str,
    checked: set[str] | None,
    by: Sequence[str],
    where: str = "",
    params: list[Any] | None = None,
    rows_per_part: int | None = None,
    codes: frozenset[str] = frozenset(),
) -> list[Part]:
    """``relation`` (``where``) as parts of at most about ``rows_per_part`` rows
    (:func:`part_rows`), each read by :func:`read_for_suite` (with ``codes``) when
    validated. Rows are split by the hash of the key columns ``by``, so the rows of one
    key are in one part and a key that is unique within each part is unique over the
    whole relation."""
    (rows,) = con.execute(f"select count(*) from {relation} {where}", params or []).fetchone()
    count = max(1, math.ceil(rows / (rows_per_part or part_rows())))
    if count == 1:
        return [
            Part(lambda: read_for_suite(con, relation, checked, where, params, codes), "all rows")
        ]
    key = ", ".join(f'"{column}"' for column in by)

    def part(index: int) -> Part:
        condition = f"hash({key}) % {count} = {index}"
        clause = f"{where} and {condition}" if where else f"where {condition}"
        return Part(
            lambda: read_for_suite(con, relation, checked, clause, params, codes),
            f"part {index + 1} of {count}: hash({key}) % {count} = {index}",
        )

    return [part(index) for index in range(count)]


def skip_batch_fingerprint() -> None:
    """Stop GX hashing every pandas batch it is given. GX 1.x hashes a frame under 1 GB
    whole (``pandas.util.hash_pandas_object``, ``HASH_THRESHOLD`` in its pandas execution
    engine) only to store the hash as the batch marker ``pandas_data_fingerprint``, which
    no expectation reads; at 10 M work orders that was a quarter of the suites' time
    (docs/decisions.md, D-134). A threshold of 0 hashes no frame.
    ``tests/python/quality/test_gx_runner.py`` fails when a GX release moves it."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def ephemeral_context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    from orchestration.quality.docs_templates import share_compiled_templates

    share_compiled_templates()
    skip_batch_fingerprint()
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def suite_fingerprint(make_suite: Callable[[], Any]) -> str:
    """A digest of the suite ``make_suite()`` returns: its name and every expectation's
    configuration (type, arguments, description). Equal digests, equal verdicts on equal
    rows."""
    ephemeral_context()  # a suite is built in the current context
    suite = make_suite()
    configs = [expectation.configuration.to_json_dict() for expectation in suite.expectations]
    text = json.dumps([suite.name, configs], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _partial_unexpected(details: dict[str, Any]) -> list[Any]:
    """Sample of offending values, or the mismatch details of a table-level expectation."""
    sample = details.get("partial_unexpected_list")
    if sample is None and details.get("details"):
        sample = [details["details"]]
    return _jsonable(list(sample or []))


def _add_site(context: Any, docs_dir: Path) -> None:
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    context.add_data_docs_site(
        site_name="aftersales",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )


@dataclass(frozen=True)
class WholeTableCheck:
    """Expectations on the whole relation that parts cannot answer one by one (its row
    count): a suite run once on a small frame that stands for the whole relation."""

    read: Callable[[], pd.DataFrame]
    make_suite: Callable[[], Any]
    asset_name: str


def _outcomes(result: Any) -> list[ExpectationOutcome]:
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        column = config.kwargs.get("column")
        sample = _partial_unexpected(details)
        if column and personal_columns([column]):  # never in a log, a check or a webhook
            sample = [WITHHELD] if sample else []
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=column,
                description=config.description or config.type,
                success=bool(item.success),
                element_count=details.get("element_count"),
                unexpected_count=details.get("unexpected_count"),
                partial_unexpected=sample,
                observed_value=_jsonable(details.get("observed_value")),
            )
        )
    return outcomes


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def merge_part_outcomes(parts: list[list[ExpectationOutcome]]) -> list[ExpectationOutcome]:
    """One outcome per expectation over all parts: it passes when it passed on every
    part; counts add up; the samples are the parts' samples, the first 20 kept; the
    observed value is the first failing part's (else the first part's)."""
    merged = []
    for group in zip(*parts, strict=True):
        failing = [o for o in group if not o.success]
        sample = [value for o in group for value in o.partial_unexpected]
        merged.append(
            replace(
                group[0],
                success=not failing,
                element_count=_sum([o.element_count for o in group]),
                unexpected_count=_sum([o.unexpected_count for o in group]),
                partial_unexpected=sample[:PARTIAL_UNEXPECTED_KEPT],
                observed_value=(failing or group)[0].observed_value,
            )
        )
    return merged


class _Validator:
    """One ephemeral GX context; with ``docs_dir`` every validation runs as a checkpoint
    that updates the same data-docs site."""

    def __init__(self, docs_dir: Path | None) -> None:
        self.context = ephemeral_context()
        self.source = self.context.data_sources.add_pandas("aftersales")
        self.docs_dir = docs_dir
        if docs_dir is not None:
            _add_site(self.context, docs_dir)

    def prepare(self, suite: Any, asset_name: str) -> Any:
        """A callable that validates one frame against ``suite``."""
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        batch_definition = self.source.add_dataframe_asset(
            asset_name
        ).add_batch_definition_whole_dataframe("whole_table")
        if self.docs_dir is None:

            def validate(frame: pd.DataFrame, label: str) -> Any:
                parameters = {"dataframe": frame}
                return batch_definition.get_batch(batch_parameters=parameters).validate(suite)

            return validate
        suite = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=suite)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=f"{suite.name}_checkpoint",
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
            )
        )

        def validate_with_docs(frame: pd.DataFrame, label: str) -> Any:
            run = checkpoint.run(
                batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=label)
            )
            return next(iter(run.run_results.values()))

        return validate_with_docs


def validate_parts(
    parts: Sequence[Part],
    make_suite: Callable[[], Any],
    asset_name: str,
    docs_dir: Path | None = None,
    whole: WholeTableCheck | None = None,
) -> SuiteResult:
    """Validate each part (read one at a time) against the suite ``make_suite()``
    returns, and ``whole`` once; never raises on bad data. (GX needs a context before a
    suite can be built, hence the factories.) The result has one outcome per expectation
    over all parts (:func:`merge_part_outcomes`), then ``whole``'s outcomes.

    With ``docs_dir``, the directory is replaced by a GX data-docs site with one
    validation page per part (its run name says which rows) and one for ``whole``.
    """
    validator = _Validator(docs_dir)
    suite = make_suite()
    name = suite.name
    validate = validator.prepare(suite, asset_name)
    part_outcomes, rows, success = [], 0, True
    for part in parts:
        frame = part.read()
        result = validate(frame, part.label)
        rows += len(frame)
        del frame
        success = success and bool(result.success)
        part_outcomes.append(_outcomes(result))
    outcomes = merge_part_outcomes(part_outcomes)
    if whole is not None:
        result = validator.prepare(whole.make_suite(), whole.asset_name)(
            whole.read(), "whole table"
        )
        success = success and bool(result.success)
        outcomes += _outcomes(result)
    return SuiteResult(
        success=success,
        row_count=rows,
        outcomes=outcomes,
        suite_name=name,
        docs_index=docs_dir / "index.html" if docs_dir is not None else None,
    )


def validate_frame(
    frame: pd.DataFrame,
    make_suite: Callable[[], Any],
    asset_name: str,
    docs_dir: Path | None = None,
) -> SuiteResult:
    """Validate ``frame`` against the suite ``make_suite()`` returns, in one part."""
    return validate_parts([Part(lambda: frame, "all rows")], make_suite, asset_name, docs_dir)
