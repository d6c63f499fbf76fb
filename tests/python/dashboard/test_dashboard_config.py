"""Board configuration, labels and period parsing."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.dashboard.boards import load_config, parse_config
from orchestration.dashboard.fmt import format_period, format_value, parse_period
from orchestration.dashboard.labels import LANGUAGES, label


def test_every_board_kpi_is_in_the_served_catalogue(served_file) -> None:
    config = load_config()
    with duckdb.connect(str(served_file), read_only=True) as con:
        known = {row[0] for row in con.execute("select kpi_code from marts.dim_kpis").fetchall()}
    assert set(config.kpi_codes) <= known, set(config.kpi_codes) - known
    assert [b.id for b in config.boards] == ["quality", "efficiency", "people", "service"]
    aging = config.board("efficiency").aging
    assert aging == tuple(f"backlog_over_{h}h" for h in (24, 48, 72, 96, 120))


def test_config_rejects_a_default_grain_outside_the_grains() -> None:
    raw = {
        "trend_periods": 12,
        "grains": ["month"],
        "default_grain": "day",
        "boards": [],
        "scorecard": {"id": "s", "title_zh": "s", "title_en": "s", "grains": ["month"]},
    }
    with pytest.raises(ValueError, match="default_grain"):
        parse_config(raw)


def test_labels_exist_in_both_languages() -> None:
    for lang in LANGUAGES:
        assert label(lang, "trend", n=12)
    assert label("zh", "network") == "全网"


@pytest.mark.parametrize(
    ("text", "grain", "start", "shown"),
    [
        ("2025-11", "month", "2025-11-01", "2025-11"),
        ("2025-Q4", "quarter", "2025-10-01", "2025-Q4"),
        ("2025", "year", "2025-01-01", "2025"),
        ("2025-W47", "week", "2025-11-17", "2025-W47"),
    ],
)
def test_periods_round_trip(text, grain, start, shown) -> None:
    parsed_grain, parsed_start = parse_period(text)
    assert (parsed_grain, parsed_start) == (grain, pd.Timestamp(start))
    assert format_period(parsed_start, grain) == shown


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "November", ""])
def test_bad_period_says_what_to_write(text) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(text)


def test_format_by_unit() -> None:
    assert format_value(0.8734, "ratio") == "87.3%"
    assert format_value(12.44, "hours") == "12.4 h"
    assert format_value(1204, "count") == "1,204"
    assert format_value(None, "ratio") == "—"
