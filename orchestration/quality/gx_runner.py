"""Run a Great Expectations suite on a pandas frame; optionally render GX data docs.

Every suite of the project validates a frame read through a read-only DuckDB connection
(GX's SQL data source does not work on DuckDB) in an ephemeral GX context: no GX project
directory, no analytics. With ``docs_dir`` the validation runs as a GX checkpoint with an
``UpdateDataDocsAction`` and GX's own site builder writes a static data-docs site (suite
page, validation page, index) to ``docs_dir``; the publish step copies the build's sites
to ``<serving_dir>/data_docs/`` (see ``orchestration/serving/publish.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
) -> pd.DataFrame:
    """``relation`` as a pandas frame for a suite: every column (the column-set
    expectations see them all), with values only where an expectation reads them
    (``checked``; all when None) and null elsewhere, decimals as doubles. pandas holds
    decimals as Python objects, and GX compares those one by one: at 1 M work orders that
    and the unread text columns were most of a suite's time."""

    def value(name: str, kind: str) -> str:
        numeric = kind.upper().startswith("DECIMAL")
        if checked is not None and name not in checked:
            return f'cast(null as {"double" if numeric else kind}) as "{name}"'
        return f'cast("{name}" as double) as "{name}"' if numeric else f'"{name}"'

    columns = con.execute(f"describe {relation}").fetchall()
    select = ", ".join(value(name, str(kind)) for name, kind, *_ in columns)
    return con.execute(f"select {select} from {relation} {where}", params or []).df()


def ephemeral_context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


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


def validate_frame(
    frame: pd.DataFrame,
    make_suite: Callable[[], Any],
    asset_name: str,
    docs_dir: Path | None = None,
) -> SuiteResult:
    """Validate ``frame`` against the suite ``make_suite()`` returns; never raises on bad
    data. (GX needs a context before a suite can be built, hence the factory.)

    With ``docs_dir``, the directory is replaced by a GX data-docs site of this validation.
    """
    import great_expectations as gx

    context = ephemeral_context()
    suite = make_suite()
    source = context.data_sources.add_pandas("aftersales")
    batch_definition = source.add_dataframe_asset(asset_name).add_batch_definition_whole_dataframe(
        "whole_table"
    )
    parameters = {"dataframe": frame}
    docs_index = None
    if docs_dir is None:
        result = batch_definition.get_batch(batch_parameters=parameters).validate(suite)
    else:
        _add_site(context, docs_dir)
        suite = context.suites.add(suite)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"{suite.name}_checkpoint",
                validation_definitions=[definition],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs")],
            )
        )
        run = checkpoint.run(batch_parameters=parameters)
        result = next(iter(run.run_results.values()))
        docs_index = docs_dir / "index.html"
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
    return SuiteResult(
        success=bool(result.success),
        row_count=len(frame),
        outcomes=outcomes,
        suite_name=suite.name,
        docs_index=docs_index,
    )
