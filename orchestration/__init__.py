"""aftersales orchestration: ingest, dbt build, checks and publishing."""
