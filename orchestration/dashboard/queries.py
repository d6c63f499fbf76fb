"""SQL against the served file's BI interface: ``marts.*`` only (no raw, staging, config)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

CATALOGUE_COLUMNS = (
    "kpi_code, name_zh, name_en, area, kind, scale, unit, better_when, formula, "
    "comparator, target, is_headline"
)


def catalogue(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The KPI catalogue (``marts.dim_kpis``)."""
    return con.execute(f"select {CATALOGUE_COLUMNS} from marts.dim_kpis order by kpi_code").df()


def branches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Branch code, name and region (``marts.dim_branches``)."""
    return con.execute(
        "select branch_code, branch_name, coalesce(region, '?') as region "
        "from marts.dim_branches order by region, branch_code"
    ).df()


def periods(con: duckdb.DuckDBPyConnection, grain: str) -> pd.DataFrame:
    """The grain's periods in kpi_values, newest first: period_start, period_end, complete."""
    return con.execute(
        """
        select period_start, max(period_end) as period_end,
               bool_and(is_period_complete) as is_period_complete
        from marts.kpi_values
        where grain = ? and branch_code is null
        group by period_start
        order by period_start desc
        """,
        [grain],
    ).df()


def kpi_rows(
    con: duckdb.DuckDBPyConnection,
    grain: str,
    kpi_codes: tuple[str, ...],
    first: date,
    last: date,
) -> pd.DataFrame:
    """kpi_values rows (network and branches) of these KPIs with first ≤ period_start ≤ last."""
    return con.execute(
        """
        select kpi_code, period_start, period_end, is_period_complete, branch_code,
               cast(numerator as double) as numerator, cast(denominator as double) as denominator,
               value, cast(target as double) as target, comparator, meets_target
        from marts.kpi_values
        where grain = ? and period_start between ? and ? and list_contains(?, kpi_code)
        """,
        [grain, first, last, list(kpi_codes)],
    ).df()


def technician_rows(
    con: duckdb.DuckDBPyConnection,
    grain: str,
    period_start: date,
    kpi_codes: tuple[str, ...],
    branch_codes: list[str] | None,
) -> pd.DataFrame:
    """Technician KPI rows of one period: all-branch rows (``branch_codes`` None) or the rows
    of the given branches. Technicians appear by employee id only."""
    branch_filter = (
        "branch_code is null" if branch_codes is None else "list_contains(?, branch_code)"
    )
    params: list[object] = [grain, period_start, list(kpi_codes)]
    if branch_codes is not None:
        params.append(branch_codes)
    return con.execute(
        f"""
        select employee_id, branch_code, kpi_code,
               cast(numerator as double) as numerator, cast(denominator as double) as denominator,
               value, cast(target as double) as target, comparator, meets_target
        from marts.fct_technician_kpi_values
        where grain = ? and period_start = ? and list_contains(?, kpi_code) and {branch_filter}
        """,
        params,
    ).df()


def scorecard_periods(con: duckdb.DuckDBPyConnection, grain: str) -> list[date]:
    rows = con.execute(
        "select distinct period_start from marts.fct_branch_scorecard where grain = ? "
        "order by period_start desc",
        [grain],
    ).fetchall()
    return [row[0] for row in rows]


def scorecard(con: duckdb.DuckDBPyConnection, grain: str, first: date, last: date) -> pd.DataFrame:
    """Branch scores and ranks (``marts.fct_branch_scorecard``) of the periods in range."""
    return con.execute(
        """
        select period_start, branch_code, score, rank, kpis_scored, weight_total
        from marts.fct_branch_scorecard
        where grain = ? and period_start between ? and ?
        order by period_start, rank, branch_code
        """,
        [grain, first, last],
    ).df()


def scorecard_kpis(con: duckdb.DuckDBPyConnection, grain: str, period_start: date) -> pd.DataFrame:
    """Per branch and KPI: value, target, attainment and weight of one period."""
    return con.execute(
        """
        select branch_code, kpi_code, value, cast(target as double) as target, comparator,
               weight, kpi_score, weighted_score
        from marts.fct_branch_scorecard_kpis
        where grain = ? and period_start = ?
        """,
        [grain, period_start],
    ).df()
