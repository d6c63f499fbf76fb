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
# Two pytest workers (pytest-xdist): most of the suite's time is single-threaded Python
# (dbt's parsing and Jinja, the ingest, Great Expectations, Spark's driver), so two
# workers keep a 2-core machine busy. AFTERSALES_TEST_WORKERS=0 runs in one process (to
# debug a test, or with -x); a session fixture (e.g. the `refreshed` refresh) is built
# once per worker.
.venv/bin/python -m pytest -n "${AFTERSALES_TEST_WORKERS:-2}" "$@"
