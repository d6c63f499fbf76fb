"""A served table with parts (D-108, D-109): 12,000 work orders over four months, then a
second build that changes some months and leaves the others as they were; shared by the
tests of the parts' fingerprints and of the Parquet export."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.serving import publish as publish_module
from orchestration.serving.publish import PublishResult
from orchestration.serving.selection import ServedTable

KPIS = ServedTable("marts", "kpi_values", "The KPIs.")
ORDERS = ServedTable("marts", "fct_work_orders", "Work orders.", parts_by="opened_date")

# 12,000 work orders opened on the 120 days from January to April 2026, 100 a day: 3,100
# in January, 2,800 in February, 3,100 in March, 3,000 in April; but 12 have no opened
# date (part 0), 4 each from January 8, February 17 and March 29
ORDERS_V1 = (
    "select range as id, case when range % 1000 = 7 then null "
    "else date '2026-01-01' + cast(range % 120 as integer) end as opened_date, "
    "'open' as status from range(12000)"
)
# January's work orders of the 1st, 11th, 21st and 31st gone (400), those of April's 2nd,
# 12th and 22nd closed (300), 100 new ones in May;
# February, March and the undated ones as they were
ORDERS_V2 = (
    "select id, opened_date, case when month(opened_date) = 4 and id % 10 = 1 then 'closed' "
    f"else status end as status from ({ORDERS_V1}) "
    "where not (month(opened_date) = 1 and id % 10 = 0) "
    "union all select 20000 + range, date '2026-05-03', 'open' from range(100)"
)


def build_warehouse(path: Path, kpis: str, orders: str | None = None) -> Path:
    """A build warehouse at ``path`` (replaced): marts.kpi_values holds the rows of the
    query ``kpis`` and, given ``orders``, marts.fct_work_orders those of that query."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.kpi_values as {kpis}")
        if orders is not None:
            con.execute(f"create table marts.fct_work_orders as {orders}")
    return path


def warehouse(path: Path, orders: str) -> Path:
    return build_warehouse(path, "select range as n from range(50)", orders)


def publish(wh: Path, serving: Path, *tables: ServedTable) -> PublishResult:
    return publish_module.publish(wh, serving, tables=tables or (KPIS, ORDERS))


def differing_rows(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows of the relation ``left`` not in ``right``, plus the reverse (``except all``)."""
    return con.execute(
        f"select (select count(*) from (from {left} except all from {right})) "
        f"+ (select count(*) from (from {right} except all from {left}))"
    ).fetchone()[0]
