"""``aftersales-report``: one self-contained HTML file whose figures are kpi_values'."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from orchestration.dashboard.boards import load_config
from orchestration.dashboard.cli import report_main
from orchestration.dashboard.fmt import format_value

CONFIG = load_config()


def last_complete_month(kpi_values: pd.DataFrame) -> pd.Timestamp:
    months = kpi_values[(kpi_values["grain"] == "month") & kpi_values["is_period_complete"]]
    return months["period_start"].max()


def test_report_is_self_contained_and_shows_kpi_values(served_file, kpi_values, tmp_path):
    month = last_complete_month(kpi_values)
    out = tmp_path / "mail" / "report.html"
    assert (
        report_main(
            [
                "--period",
                month.strftime("%Y-%m"),
                "--out",
                str(out),
                "--served-file",
                str(served_file),
            ]
        )
        == 0
    )
    html = out.read_text(encoding="utf-8")
    # Nothing outside the file: no scripts, stylesheets, images or fonts by URL.
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "url(" not in html and "@import" not in html
    for board_id in CONFIG.board_ids:
        assert f'id="board-{board_id}"' in html
    assert html.count("<svg") >= sum(len(b.trend) for b in CONFIG.boards)
    with duckdb.connect(str(served_file), read_only=True) as con:
        units = dict(con.execute("select kpi_code, unit from marts.dim_kpis").fetchall())
    network = kpi_values[
        (kpi_values["grain"] == "month")
        & (kpi_values["period_start"] == month)
        & kpi_values["branch_code"].isna()
    ].set_index("kpi_code")["value"]
    tiles = re.findall(r'<div class="v" data-kpi="([a-z0-9_]+)">([^<]*)</div>', html)
    assert len(tiles) == sum(len(b.headline) for b in CONFIG.boards)
    for code, shown in tiles:
        expected = network.get(code)
        assert shown.replace("&amp;", "&") == format_value(expected, units[code]), code


def test_report_for_one_branch_in_english(served_file, kpi_values, tmp_path):
    month = last_complete_month(kpi_values)
    branch = sorted(kpi_values["branch_code"].dropna().unique())[0]
    out = tmp_path / "branch.html"
    code = report_main(
        [
            "--period",
            month.strftime("%Y-%m"),
            "--out",
            str(out),
            "--lang",
            "en",
            "--branch",
            branch,
            "--served-file",
            str(served_file),
        ]
    )
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert "After-sales report" in html and branch in html
    rows = kpi_values[
        (kpi_values["grain"] == "month")
        & (kpi_values["period_start"] == month)
        & (kpi_values["branch_code"] == branch)
    ].set_index("kpi_code")["value"]
    with duckdb.connect(str(served_file), read_only=True) as con:
        units = dict(con.execute("select kpi_code, unit from marts.dim_kpis").fetchall())
    for code, shown in re.findall(r'data-kpi="([a-z0-9_]+)">([^<]*)<', html):
        assert shown.replace("&amp;", "&") == format_value(rows.get(code), units[code]), code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "1999-01"], "no month 1999-01"),
        (["--period", "2025-13"], "YYYY-MM"),
        (["--period", "2025-03", "--branch", "XX99"], "unknown branch"),
    ],
)
def test_report_errors_say_what_is_wrong(served_file, tmp_path, capsys, args, message):
    out = tmp_path / "r.html"
    assert report_main([*args, "--out", str(out), "--served-file", str(served_file)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_report_without_served_file(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    code = report_main(
        ["--period", "2025-03", "--out", str(tmp_path / "r.html"), "--served-file", str(missing)]
    )
    assert code == 2 and "none.duckdb" in capsys.readouterr().err
