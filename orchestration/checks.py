"""Asset checks beyond dbt's tests: the Great Expectations suite on kpi_values.

The check is blocking: when it fails, ``publish`` (downstream of kpi_values) does not run
in the same run, so a table that fails the suite never reaches the serving directory.
dbt tests are asset checks too (dagster-dbt loads them from the manifest); a failing dbt
test fails the ``dbt build`` step, which also stops ``publish``.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from orchestration.assets import KPI_VALUES_KEY, AftersalesConfig
from orchestration.gx_suite import SuiteResult, run_suite


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


def check_result(result: SuiteResult) -> AssetCheckResult:
    return AssetCheckResult(
        passed=result.success,
        severity=AssetCheckSeverity.ERROR,
        description=result.summary().splitlines()[0],
        metadata={
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
                        "sample": o.partial_unexpected[:10],
                    }
                    for o in result.failed
                ]
            ),
            "outcomes": MetadataValue.md(outcome_table(result)),
        },
    )


@asset_check(
    asset=KPI_VALUES_KEY,
    name="gx_kpi_values_suite",
    blocking=True,
    description=(
        "Great Expectations suite: contract columns, keys, grains, KPI codes, per-KPI value "
        "bounds, non-negative numerators/denominators, target/meets_target consistency."
    ),
)
def gx_kpi_values_suite(
    context: AssetCheckExecutionContext, aftersales: AftersalesConfig
) -> AssetCheckResult:
    result = run_suite(aftersales.settings().warehouse_path)
    context.log.info(result.summary())
    return check_result(result)
