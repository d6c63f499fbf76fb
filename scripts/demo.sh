#!/usr/bin/env bash
# The demo, end to end on the embedded default (DuckDB):
# install → generate one year of sample exports for six branches → ingest → dbt build
# → checks → publish data/serving/aftersales.duckdb → print the headline KPIs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export AFTERSALES_LANDING_DIR="${AFTERSALES_LANDING_DIR:-data/landing}"
if [ ! -d "$AFTERSALES_LANDING_DIR/tickets" ]; then
  .venv/bin/aftersales-generate --out "$AFTERSALES_LANDING_DIR" "$@"
fi
.venv/bin/aftersales-refresh
