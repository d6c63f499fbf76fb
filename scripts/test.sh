#!/usr/bin/env bash
# The whole test suite: lint, then pytest (unit tests of the Python code, and an
# end-to-end run of the real job — ingest, dbt build with every dbt data and unit
# test, Great Expectations, publish — on a generated landing directory; and the same
# dbt project built on DuckDB and on Spark from one landing directory, whose KPIs must be
# equal: tests/python/engines/test_spark_parity.py, about 4 minutes, needs Java 17).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
