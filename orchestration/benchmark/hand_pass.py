"""The hand-written yardstick: the four headline KPIs in one DuckDB query over the files.

One connection, one SQL script, straight over the landing directory (every CSV and
Parquet file of a table read as text with ``read_csv`` / ``read_parquet`` file lists), no
warehouse: parse the columns the KPIs need, keep the latest valid version per key (greatest
``updated_at``, then the later file; a winning deletion removes the key), pair the punches
and share the job time as the raw contract says, and aggregate per branch and month.

It is a performance yardstick, not a second implementation: of the quarantine rules it
applies only those that decide whether a row can be read at all (key, ``updated_at`` and
the columns used must parse; the branch must be known; a job punch needs a ticket). What
that leaves different from ``marts.kpi_values`` is measured by :func:`compare_with_kpi_values`
(and documented in the README's Benchmark section).

``python -m orchestration.benchmark.hand_pass LANDING_DIR [--repeat N] [--sql-out FILE]``
times it standalone (and writes the SQL, so another DuckDB release can run the same text).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from orchestration.benchmark.hand_pass_sql import hand_pass_sql
from orchestration.engines.duckdb.connection import memory_settings
from orchestration.serving.summary import HEADLINE_KPIS


def run_hand_pass(
    landing: Path, *, as_of: str | None = None, spill_parent: Path | None = None
) -> tuple[float, list[tuple[Any, ...]]]:
    """Seconds the pass took (listing the files and writing the SQL included) and its rows.
    It spills into a scratch directory under ``spill_parent`` (default: the system's
    temporary directory), removed afterwards."""
    started = time.perf_counter()
    sql = hand_pass_sql(landing, as_of)
    # the refresh's memory settings (orchestration/engines/duckdb/connection.py), spilling
    # to a scratch directory as the refresh's DuckDB does
    with (
        tempfile.TemporaryDirectory(prefix="aftersales-hand-pass-", dir=spill_parent) as spill,
        duckdb.connect(config={**memory_settings(), "temp_directory": spill}) as con,
    ):
        rows = con.execute(sql).fetchall()
        return time.perf_counter() - started, rows


def write_rows(rows: list[tuple[Any, ...]], path: Path) -> None:
    """Keep the pass's rows (kpi_code, branch_code, period_start, numerator, denominator,
    value) as JSON, for a comparison once the warehouse is built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = [
        [row[0], row[1], str(row[2])[:10], *(None if v is None else float(v) for v in row[3:])]
        for row in rows
    ]
    path.write_text(json.dumps(data), encoding="utf-8")


def read_rows(path: Path) -> list[tuple[Any, ...]]:
    """The rows :func:`write_rows` kept."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(row[0], row[1], date.fromisoformat(row[2]), *row[3:]) for row in data]


def compare_with_kpi_values(
    rows: list[tuple[Any, ...]], con: duckdb.DuckDBPyConnection
) -> dict[str, Any]:
    """The hand pass against ``marts.kpi_values`` (grain month, per branch, the four codes):
    rows on one side only, and per KPI the largest absolute difference of the value."""
    con.execute(
        "create or replace temp table hand_pass (kpi_code varchar, branch_code varchar, "
        "period_start date, numerator double, denominator double, value double)"
    )
    con.executemany("insert into hand_pass values (?, ?, ?, ?, ?, ?)", rows)
    codes = ", ".join(f"'{code}'" for code in HEADLINE_KPIS)
    compared = con.execute(
        f"""
        with served as (
            select kpi_code, branch_code, cast(period_start as date) as period_start,
                numerator::double as numerator, denominator::double as denominator,
                value::double as value
            from marts.kpi_values
            where grain = 'month' and branch_code is not null and kpi_code in ({codes})
        )
        select
            coalesce(served.kpi_code, hand_pass.kpi_code) as kpi_code,
            count(*) filter (where hand_pass.kpi_code is null) as only_in_kpi_values,
            count(*) filter (where served.kpi_code is null) as only_in_hand_pass,
            count(*) filter (where served.kpi_code is not null and hand_pass.kpi_code is not null)
                as matched,
            max(abs(served.value - hand_pass.value)) as max_value_diff,
            max(abs(served.numerator - hand_pass.numerator)) as max_numerator_diff,
            max(abs(served.denominator - hand_pass.denominator)) as max_denominator_diff,
            count(*) filter (where abs(served.value - hand_pass.value) > 1e-9) as values_differing
        from served
        full outer join hand_pass
            on served.kpi_code = hand_pass.kpi_code
            and served.branch_code = hand_pass.branch_code
            and served.period_start = hand_pass.period_start
        group by all
        order by 1
        """
    ).fetchall()
    names = (
        "only_in_kpi_values",
        "only_in_hand_pass",
        "matched",
        "max_value_diff",
        "max_numerator_diff",
        "max_denominator_diff",
        "values_differing",
    )
    by_kpi = {row[0]: dict(zip(names, row[1:], strict=True)) for row in compared}
    diffs = [entry["max_value_diff"] for entry in by_kpi.values() if entry["max_value_diff"]]
    return {"max_value_diff": max(diffs, default=0.0), "by_kpi": by_kpi}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.benchmark.hand_pass",
        description="Time the hand-written headline-KPI pass over a landing directory.",
    )
    parser.add_argument("landing", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--as-of", help="reference time (default: latest updated_at)")
    parser.add_argument("--sql-out", type=Path, help="also write the SQL text here")
    args = parser.parse_args(argv)
    landing = args.landing.resolve()
    if args.sql_out:
        args.sql_out.write_text(hand_pass_sql(landing, args.as_of), encoding="utf-8")
    runs = [run_hand_pass(landing, as_of=args.as_of)[0] for _ in range(args.repeat)]
    print(
        f"duckdb {duckdb.__version__}: median {statistics.median(runs):.2f}s "
        f"over {len(runs)} run(s): {', '.join(f'{s:.2f}' for s in runs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
