"""A GX suite's result as a Dagster asset-check result (metadata a reader can act on)."""

from __future__ import annotations

from typing import Any

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from orchestration.quality.gx_runner import SuiteResult


def outcome_table(result: SuiteResult) -> str:
    """The suite's outcomes as a markdown table."""
    lines = ["| expectation | column | passed | unexpected |", "|---|---|---|---|"]
    for outcome in result.outcomes:
        unexpected = "" if outcome.unexpected_count is None else str(outcome.unexpected_count)
        lines.append(
            f"| {outcome.description} | {outcome.column or ''} | "
            f"{'yes' if outcome.success else '**no**'} | {unexpected} |"
        )
    return "\n".join(lines)


def check_result(
    result: SuiteResult,
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR,
    **identity: Any,
) -> AssetCheckResult:
    metadata: dict[str, Any] = {
        "rows": result.row_count,
        "expectations": len(result.outcomes),
        "expectations_failed": len(result.failed),
        "failed": MetadataValue.json(
            [
                {
                    "expectation": o.expectation,
                    "description": o.description,
                    "column": o.column,
                    "unexpected_count": o.unexpected_count,
                    "observed_value": o.observed_value,
                    "sample": o.partial_unexpected[:10],
                }
                for o in result.failed
            ]
        ),
        "outcomes": MetadataValue.md(outcome_table(result)),
    }
    if result.docs_index is not None:
        metadata["data_docs"] = MetadataValue.path(str(result.docs_index))
    return AssetCheckResult(
        passed=result.success,
        severity=severity,
        description=result.summary().splitlines()[0],
        metadata=metadata,
        **identity,
    )
