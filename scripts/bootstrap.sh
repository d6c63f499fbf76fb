#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the project with its pinned dependencies.
# Idempotent: re-running with nothing changed installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && \
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "aftersales needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Extras: dev (pytest, ruff), spark (dbt-spark, pyspark: the Spark target and its parity
# test; Spark also needs a Java 17 runtime, which pip cannot install) and bi (duckdb-engine
# and SQLAlchemy 2.0: the BI connection recipes and their test). AFTERSALES_EXTRAS=dev,bi
# skips Spark. The stamp records the extras, so changing them reinstalls.
extras="${AFTERSALES_EXTRAS:-dev,spark,bi}"
stamp=.venv/.aftersales-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || \
   [ "$(cat "$stamp")" != "$extras" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  printf '%s' "$extras" > "$stamp"
fi
