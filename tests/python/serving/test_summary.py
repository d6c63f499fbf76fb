"""The KPI summary picks the last full month before as_of and reads the served file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.serving.summary import (
    NETWORK_LABEL,
    format_summary,
    last_full_month,
    read_summary,
)


def test_last_full_month() -> None:
    assert last_full_month(datetime(2025, 3, 16, 23, 23)) == date(2025, 2, 1)
    assert last_full_month(datetime(2025, 3, 1, 0, 0)) == date(2025, 2, 1)
    assert last_full_month(datetime(2025, 1, 31, 23, 59)) == date(2024, 12, 1)


def test_read_summary_from_a_served_file(tmp_path: Path) -> None:
    served = tmp_path / "aftersales.duckdb"
    with duckdb.connect(str(served)) as con:
        con.execute("create schema marts")
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_as_of_resolved as "
            "select timestamp '2025-03-16 23:00:00' as as_of"
        )
        con.execute(
            "create table marts.kpi_values (kpi_code varchar, grain varchar, "
            "period_start date, branch_code varchar, value double, meets_target boolean)"
        )
        con.execute(
            "insert into marts.kpi_values values "
            "('open_rate', 'month', '2025-02-01', 'EC01', 0.9, true), "
            "('open_rate', 'month', '2025-02-01', null, 0.8, false), "
            "('revisit_rate', 'month', '2025-02-01', 'EC01', 0.7, true), "
            "('open_rate', 'month', '2025-03-01', 'EC01', 0.1, false), "  # month not over
            "('open_rate', 'day', '2025-02-03', 'EC01', 0.5, false), "
            "('nps', 'month', '2025-02-01', 'EC01', 40, true)"
        )

    with duckdb.connect(str(served), read_only=True) as con:
        summary = read_summary(con)

    assert summary.month_start == date(2025, 2, 1)
    assert list(summary.rows) == ["EC01", NETWORK_LABEL]
    assert summary.rows["EC01"]["open_rate"].value == 0.9
    assert "nps" not in summary.rows["EC01"]
    assert summary.rows[NETWORK_LABEL]["open_rate"].meets_target is False
    text = format_summary(summary)
    assert "KPIs for 2025-02" in text
    assert "90.0%" in text and "80.0% !" in text
    assert "labor_efficiency" in text  # a headline KPI without a value is shown as "-"
