"""The ``ingest`` asset: new landing files into the raw tables, on either engine."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.defs.automation.policies import (
    WAREHOUSE_POOL,
    retry_only_transient,
    writer_retry_policy,
)
from orchestration.defs.resources import AftersalesConfig
from orchestration.landing.report import IngestReport

INGEST_KEY = AssetKey("ingest")


def ingest_metadata(report: IngestReport, landing_dir: object, warehouse: object) -> dict:
    return {
        "files_loaded": len(report.files_loaded),
        "files_duplicate_content": len(report.files_duplicate),
        "files_skipped": report.files_skipped,
        "files_ignored": len(report.files_ignored),
        "files_deferred": len(report.files_deferred),
        "rows_loaded": report.total_rows,
        "rows_by_table": MetadataValue.json(dict(report.rows_loaded)),
        "files": MetadataValue.json(
            [
                {"table": f.table_name, "file": f.file_name, "rows": f.row_count}
                for f in report.files_loaded
            ]
        ),
        "landing_dir": MetadataValue.path(str(landing_dir)),
        "warehouse": MetadataValue.path(str(warehouse)),
    }


@asset(
    key=INGEST_KEY,
    group_name="raw",
    kinds={"python"},
    description=(
        "Load new landing files (CSV in any common encoding, Excel, Parquet) into "
        "raw.<table> as text, once each, on the engine of AFTERSALES_TARGET (DuckDB or "
        "Spark); every landing file gets a status, and a rejected file fails the run "
        "before publish."
    ),
    pool=WAREHOUSE_POOL,
    retry_policy=writer_retry_policy(),
)
def ingest(context: AssetExecutionContext, aftersales: AftersalesConfig) -> MaterializeResult:
    engine = aftersales.engine()
    settings = engine.settings
    with retry_only_transient("ingest"), engine.lock():
        report = engine.ingest()
    for line in report.lines():  # ignored and deferred files are worth a line each
        context.log.info(line)
    if report.files_rejected:
        # the other files are loaded (and stay loaded); a rejected file is a failed batch:
        # nothing downstream runs, so the previous publish keeps being served
        raise Failure(description=report.rejection_message(), allow_retries=False)
    return MaterializeResult(
        metadata=ingest_metadata(report, settings.landing_dir, settings.warehouse_dir)
    )
