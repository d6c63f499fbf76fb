"""Streamlit's headless AppTest on the session's served file: every board with every
grain and scope (network, region, branch) renders without an error, and the figures it
shows are kpi_values' (regions: Σ numerators ÷ Σ denominators of their branches)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.dashboard.app import SERVED_FILE_ENV
from orchestration.dashboard.boards import load_config
from orchestration.dashboard.fmt import format_value

APP = Path(__file__).resolve().parents[3] / "orchestration" / "dashboard" / "app.py"
CONFIG = load_config()
BOARD_GRAINS = [(b.id, g) for b in CONFIG.boards for g in CONFIG.grains] + [
    (CONFIG.scorecard.id, g) for g in CONFIG.scorecard.grains
]
SCOPES = ["network", "region", "branch"]


@pytest.fixture(scope="module")
def catalogue(served_file: Path) -> pd.DataFrame:
    with duckdb.connect(str(served_file), read_only=True) as con:
        return con.execute("select * from marts.dim_kpis").df().set_index("kpi_code")


@pytest.fixture(scope="module")
def branches(served_file: Path) -> pd.DataFrame:
    with duckdb.connect(str(served_file), read_only=True) as con:
        return con.execute("select branch_code, branch_name, region from marts.dim_branches").df()


def run_app(served: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv(SERVED_FILE_ENV, str(served))
    app = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def expected_values(
    kpi_values: pd.DataFrame,
    catalogue: pd.DataFrame,
    grain: str,
    period: pd.Timestamp,
    members: list[str] | None,
) -> dict[str, float | None]:
    """kpi_code → value of the scope: the network row, or Σ num ÷ Σ den * scale."""
    rows = kpi_values[(kpi_values["grain"] == grain) & (kpi_values["period_start"] == period)]
    if members is None:
        network = rows[rows["branch_code"].isna()]
        return dict(zip(network["kpi_code"], network["value"], strict=True))
    out: dict[str, float | None] = {}
    for code, group in rows[rows["branch_code"].isin(members)].groupby("kpi_code"):
        kind, scale = catalogue.at[code, "kind"], float(catalogue.at[code, "scale"])
        num = group["numerator"].astype(float).sum()
        den = group["denominator"].dropna()
        if kind in ("count", "amount") or (kind == "snapshot" and den.empty):
            out[code] = num
        else:
            total = den.astype(float).sum()
            out[code] = None if den.empty or total == 0 else num / total * scale
    return out


def scope_params(scope: str, branches: pd.DataFrame) -> tuple[dict[str, str], list[str] | None]:
    first = branches.sort_values("branch_code").iloc[0]
    if scope == "region":
        members = branches.loc[branches["region"] == first["region"], "branch_code"].tolist()
        return {"region": first["region"]}, members
    if scope == "branch":
        return {"region": first["region"], "branch": first["branch_code"]}, [first["branch_code"]]
    return {}, None


def selected_period(app: AppTest) -> pd.Timestamp:
    periods = [s for s in app.selectbox if str(s.key).startswith("period_")]
    assert len(periods) == 1
    return pd.Timestamp(periods[0].value)


def chart_rows(chart) -> list[pa.Table]:
    """The Arrow tables a Vega-Lite chart element carries (its data and named datasets)."""
    blobs = [chart.proto.data.data] + [d.data.data for d in chart.proto.datasets]
    return [pa.ipc.open_stream(blob).read_all() for blob in blobs if blob]


def assert_charts_have_data(app: AppTest) -> int:
    """Every chart has rows, and some value to draw (not all nulls)."""
    charts = app.get("vega_lite_chart")
    for chart in charts:
        tables = chart_rows(chart)
        assert tables and sum(t.num_rows for t in tables) > 0, chart.proto.spec[:200]
        numeric = [
            t.column(name).null_count < t.num_rows
            for t in tables
            for name in t.column_names
            if name in ("value", "score", "kpi_score")
        ]
        assert any(numeric), chart.proto.spec[:200]
    return len(charts)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("board_id", "grain"), BOARD_GRAINS)
def test_board_shows_kpi_values(
    board_id, grain, scope, served_file, kpi_values, catalogue, branches, monkeypatch
) -> None:
    params, members = scope_params(scope, branches)
    lang = "en" if scope == "region" else "zh"
    app = run_app(served_file, monkeypatch, board=board_id, grain=grain, lang=lang, **params)
    period = selected_period(app)
    rows = kpi_values[(kpi_values["grain"] == grain) & kpi_values["branch_code"].isna()]
    complete = rows.loc[rows["is_period_complete"], "period_start"]
    # The default period is the latest complete one (the latest of all when none is).
    assert period == (complete.max() if not complete.empty else rows["period_start"].max())
    assert len(app.warning) == (0 if not complete.empty else 1)
    assert assert_charts_have_data(app) > 0
    if board_id == CONFIG.scorecard.id:
        check_scorecard(app, served_file, grain, period, members)
        return
    board = CONFIG.board(board_id)
    expected = expected_values(kpi_values, catalogue, grain, period, members)
    names = catalogue[f"name_{lang}"]
    code_of = {name: code for code, name in names.items()}
    shown = {code_of[m.label]: m.value for m in app.metric}
    assert set(shown) == set(board.headline)
    for code, text in shown.items():
        assert text == format_value(expected.get(code), catalogue.at[code, "unit"]), code
    table = app.dataframe[0].value
    assert [code_of[c] for c in table.columns] == list(board.compare)
    network = table.iloc[0]
    for column in table.columns:
        want = expected_values(kpi_values, catalogue, grain, period, None).get(code_of[column])
        assert network[column] == pytest.approx(want, nan_ok=True), column
    if members is not None:
        # The last row is a branch of the scope: its figures are kpi_values' own.
        branch = members[-1] if scope == "region" else members[0]
        row = table[[str(i).startswith(branch) for i in table.index]].iloc[0]
        branch_values = expected_values(kpi_values, catalogue, grain, period, [branch])
        for column in table.columns:
            want = branch_values.get(code_of[column])
            assert row[column] == pytest.approx(want, nan_ok=True), column


def check_scorecard(app, served_file, grain, period, members) -> None:
    with duckdb.connect(str(served_file), read_only=True) as con:
        published = con.execute(
            "select branch_code, score, rank from marts.fct_branch_scorecard "
            "where grain = ? and period_start = ? order by rank, branch_code",
            [grain, period.date()],
        ).df()
    if members is not None:
        published = published[published["branch_code"].isin(members)]
    table = app.dataframe[0].value
    assert len(table) == len(published)
    assert table.iloc[:, 0].tolist() == published["rank"].tolist()
    assert table.iloc[:, 3].tolist() == pytest.approx(published["score"].tolist())


@pytest.mark.parametrize("board_id", [b.id for b in CONFIG.boards])
def test_incomplete_period_is_marked(board_id, served_file, kpi_values, monkeypatch) -> None:
    months = kpi_values[(kpi_values["grain"] == "month") & ~kpi_values["is_period_complete"]]
    assert not months.empty, "the test data ends inside a month"
    period = months["period_start"].max().strftime("%Y-%m")
    app = run_app(served_file, monkeypatch, board=board_id, grain="month", period=period)
    assert selected_period(app).strftime("%Y-%m") == period
    assert len(app.warning) == 1
    assert len(app.metric) == len(CONFIG.board(board_id).headline)


def test_widgets_drive_the_board(served_file, kpi_values, catalogue, branches, monkeypatch) -> None:
    """Changing the filters in the sidebar (not the URL) changes the figures."""
    app = run_app(served_file, monkeypatch, board="service", lang="en")
    app.selectbox(key="grain_service").set_value("quarter").run()
    branch = branches.sort_values("branch_code").iloc[-1]
    app.selectbox(key="region").set_value(branch["region"]).run()
    app.selectbox(key=f"branch_{branch['region']}").set_value(branch["branch_code"]).run()
    assert not app.exception
    period = selected_period(app)
    expected = expected_values(kpi_values, catalogue, "quarter", period, [branch["branch_code"]])
    names = catalogue["name_en"]
    for metric in app.metric:
        code = names[names == metric.label].index[0]
        assert metric.value == format_value(expected.get(code), catalogue.at[code, "unit"])
    app.radio(key="lang").set_value("zh").run()
    assert {m.label for m in app.metric} <= set(catalogue["name_zh"])


def test_people_board_drills_down_to_technicians(served_file, branches, monkeypatch) -> None:
    branch = branches.sort_values("branch_code").iloc[0]
    app = run_app(
        served_file,
        monkeypatch,
        board="people",
        region=branch["region"],
        branch=branch["branch_code"],
    )
    technicians = app.dataframe[1].value
    assert len(technicians) > 0
    assert {b for b, _ in technicians.index} == {branch["branch_code"]}
    with duckdb.connect(str(served_file), read_only=True) as con:
        ids = {
            r[0] for r in con.execute("select employee_id from marts.dim_technicians").fetchall()
        }
    assert {e for _, e in technicians.index} <= ids


def test_a_new_publish_is_picked_up_without_restart(served_file, tmp_path, monkeypatch) -> None:
    served = tmp_path / "aftersales.duckdb"
    shutil.copy(served_file, served)
    app = run_app(served, monkeypatch)
    old = app.caption[0].value
    with duckdb.connect(str(served)) as con:
        con.execute("update ops.build_info set build_id = 'new-build-for-test'")
    app.run()
    assert "new-build-for-test" in app.caption[0].value and old != app.caption[0].value


def test_missing_served_file_is_explained(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(SERVED_FILE_ENV, str(tmp_path / "none.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert len(app.error) == 1 and "none.duckdb" in app.error[0].value
