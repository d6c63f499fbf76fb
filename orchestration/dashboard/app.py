"""The Streamlit app: ``aftersales-dashboard`` runs it (``streamlit run`` this file).

Reads only the served file, read-only, a fresh connection per render; the build id is
read on every rerun and every minute, so a new publish is picked up without a restart.
Query parameters (``?board=people&grain=month&period=2025-11&branch=EC01&lang=en``)
select a board directly.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from orchestration.dashboard import charts, present, source, view
from orchestration.dashboard.boards import Board, BoardConfig, load_config
from orchestration.dashboard.fmt import (
    format_as_of,
    format_period,
    format_target,
    format_value,
    status_of,
)
from orchestration.dashboard.labels import label
from orchestration.dashboard.style import styled

SERVED_FILE_ENV = "AFTERSALES_DASHBOARD_SERVED_FILE"
BUILD_CHECK_SECONDS = 60


def draw(chart: tuple[pd.DataFrame, dict], **kwargs: object) -> None:
    """A Vega-Lite chart from :mod:`charts` (data, spec)."""
    data, spec = chart
    st.vega_lite_chart(data, spec, **kwargs)


def served_path() -> Path:
    explicit = os.environ.get(SERVED_FILE_ENV)
    return Path(explicit) if explicit else source.default_served_file()


def current_build(path: Path) -> source.BuildInfo:
    with source.connect(path) as con:
        return source.read_build_info(con)


@st.cache_data(max_entries=8, show_spinner=False)
def load_context(path: str, build_id: str, grains: tuple[str, ...]) -> view.Context:
    with source.connect(Path(path)) as con:
        return view.Context.load(con, grains)


@st.cache_data(max_entries=256, show_spinner=False)
def load_board(
    path: str, build_id: str, board_id: str, grain: str, period: date, level: str, code: str | None
) -> view.BoardView | view.ScorecardView:
    config = load_config()
    ctx = load_context(path, build_id, config.grains)
    scope = view.Scope(level, code)
    with source.connect(Path(path)) as con:
        if board_id == config.scorecard.id:
            return view.build_scorecard(con, config, ctx, grain, period, scope)
        return view.build_board(con, config, ctx, config.board(board_id), grain, period, scope)


def _param(name: str, options: list[str], default: str) -> int:
    value = st.query_params.get(name, default)
    return options.index(value) if value in options else options.index(default)


def sidebar(config: BoardConfig, ctx: view.Context) -> tuple[str, str, str, date, view.Scope]:
    langs = ["zh", "en"]
    lang = st.sidebar.radio(
        "语言 / Language",
        langs,
        index=_param("lang", langs, "zh"),
        format_func=lambda x: "中文" if x == "zh" else "English",
        horizontal=True,
        key="lang",
    )
    ids = list(config.board_ids)
    titles = {b.id: b.title(lang) for b in config.boards}
    titles[config.scorecard.id] = config.scorecard.title(lang)
    board_id = st.sidebar.radio(
        label(lang, "board"),
        ids,
        index=_param("board", ids, ids[0]),
        format_func=titles.__getitem__,
        key="board",
    )
    grains = list(config.scorecard.grains if board_id == config.scorecard.id else config.grains)
    default_grain = config.default_grain if config.default_grain in grains else grains[0]
    grain = st.sidebar.selectbox(
        label(lang, "grain"),
        grains,
        index=_param("grain", grains, default_grain),
        format_func=lambda g: label(lang, f"grain_{g}"),
        key=f"grain_{board_id}",
    )
    periods = ctx.periods[grain]
    options = [pd.Timestamp(p).date() for p in periods["period_start"]]
    complete = dict(zip(options, periods["is_period_complete"], strict=True))
    names = [format_period(p, grain) for p in options]
    wanted = st.query_params.get("period")
    first_complete = next((i for i, p in enumerate(options) if complete[p]), 0)
    period_index = names.index(wanted) if wanted in names else first_complete
    period = st.sidebar.selectbox(
        label(lang, "period"),
        options,
        index=period_index,
        format_func=lambda p: (
            format_period(p, grain)
            + ("" if complete[p] else f" · {label(lang, 'incomplete_short')}")
        ),
        key=f"period_{grain}",
    )
    regions = ["*", *sorted(ctx.branches["region"].unique())]
    region = st.sidebar.selectbox(
        label(lang, "region"),
        regions,
        index=_param("region", regions, "*"),
        format_func=lambda r: label(lang, "network") if r == "*" else r,
        key="region",
    )
    in_region = ctx.branches if region == "*" else ctx.branches[ctx.branches["region"] == region]
    branch_names = dict(zip(in_region["branch_code"], in_region["branch_name"], strict=True))
    branch_options = ["*", *branch_names]
    branch = st.sidebar.selectbox(
        label(lang, "branch"),
        branch_options,
        index=_param("branch", branch_options, "*"),
        format_func=lambda b: "—" if b == "*" else f"{b} {branch_names[b]}",
        key=f"branch_{region}",
    )
    if branch != "*":
        scope = view.Scope(view.BRANCH, branch)
    elif region != "*":
        scope = view.Scope(view.REGION, region)
    else:
        scope = view.Scope()
    return lang, board_id, grain, period, scope


def header(lang: str, build: source.BuildInfo, path: Path, title: str) -> None:
    st.title(f"{label(lang, 'app_title')} · {title}")
    as_of = format_as_of(build.as_of)
    published = build.published_at.strftime("%Y-%m-%d %H:%M UTC") if build.published_at else "—"
    st.caption(
        f"{label(lang, 'as_of')}: **{as_of}** · {label(lang, 'build')}: `{build.build_id}` · "
        f"{label(lang, 'published')}: {published} · {label(lang, 'served_file')}: `{path}`"
    )


def scope_title(lang: str, scope: view.Scope, ctx: view.Context) -> str:
    level = scope.level if scope.level != view.NETWORK else view.NETWORK
    return present.unit_label(ctx, level, scope.code or "", lang)


def headline(lang: str, board: Board, board_view: view.BoardView, ctx: view.Context) -> None:
    st.subheader(label(lang, "headline"))
    columns = st.columns(4)
    for i, row in board_view.headline.iterrows():
        code = row["kpi_code"]
        unit = str(ctx.kpi(code)["unit"])
        target = format_target(row["comparator"], row["target"], unit)
        status = status_of(row["meets_target"])
        if status != "none":
            delta = f"{label(lang, 'target')} {target} · {label(lang, status)}"
            colour = "green" if status == "meets" else "red"
            above = float(row["value"]) >= float(row["target"])
            arrow = "up" if above else "down"  # where the value lies; colour says good or bad
        else:
            delta = label(lang, "no_target") if not target else f"{label(lang, 'target')} {target}"
            colour, arrow = "gray", "off"
        with columns[int(i) % 4]:
            st.metric(
                present.kpi_name(ctx, code, lang),
                format_value(row["value"], unit),
                delta=delta,
                delta_color=colour,
                delta_arrow=arrow,
                help=present.kpi_help(ctx, code, lang),
                border=True,
            )


def trend(lang: str, config: BoardConfig, board_view: view.BoardView, ctx: view.Context) -> None:
    st.subheader(label(lang, "trend", n=config.trend_periods))
    codes = board_view.board.trend
    columns = st.columns(2)
    for i, code in enumerate(codes):
        frame = board_view.trend[board_view.trend["kpi_code"] == code]
        with columns[i % 2]:
            if frame.empty:
                st.info(f"{present.kpi_name(ctx, code, lang)}: {label(lang, 'no_data')}")
                continue
            draw(
                charts.trend_chart(
                    frame,
                    present.kpi_name(ctx, code, lang),
                    board_view.grain,
                    label(lang, "incomplete_short"),
                    str(ctx.kpi(code)["unit"]),
                ),
                width="stretch",
            )


def comparison(lang: str, board_view: view.BoardView, ctx: view.Context) -> None:
    st.subheader(label(lang, "comparison"))
    codes = board_view.board.compare
    values, flags = present.comparison_table(board_view.comparison, codes, ctx, lang)
    units = {present.kpi_name(ctx, c, lang): str(ctx.kpi(c)["unit"]) for c in codes}
    st.dataframe(styled(values, flags, units), width="stretch", height=_table_height(values))
    names = {c: present.kpi_name(ctx, c, lang) for c in codes}
    pick = st.selectbox(label(lang, "kpi"), codes, format_func=names.__getitem__, key="cmp_kpi")
    rows = board_view.comparison[
        (board_view.comparison["kpi_code"] == pick)
        & (board_view.comparison["level"] != view.NETWORK)
    ].copy()
    rows["label"] = [
        present.unit_label(ctx, lvl, unit, lang)
        for lvl, unit in zip(rows["level"], rows["unit"], strict=True)
    ]
    unit = str(ctx.kpi(pick)["unit"])
    draw(charts.bar_chart(rows, names[pick], unit), width="stretch")


def _table_height(frame: pd.DataFrame) -> int:
    """Tall enough for every row (Streamlit's row height is 35 px)."""
    return 35 * (len(frame) + 1) + 3


def aging(lang: str, board_view: view.BoardView, ctx: view.Context) -> None:
    if board_view.aging.empty:
        return
    st.subheader(label(lang, "aging"))
    frame = present.aging_frame(board_view.aging, board_view.board.aging, ctx, lang)
    draw(charts.aging_chart(frame, label(lang, "aging")), width="stretch")


def technicians(lang: str, board_view: view.BoardView, ctx: view.Context) -> None:
    if not board_view.board.technicians:
        return
    st.subheader(label(lang, "technicians"))
    values, flags = present.technician_table(
        board_view.technicians, board_view.board.technicians, ctx, lang
    )
    if values.empty:
        st.info(label(lang, "no_data"))
        return
    units = {
        present.kpi_name(ctx, c, lang): str(ctx.kpi(c)["unit"])
        for c in board_view.board.technicians
    }
    height = min(_table_height(values), 35 * 21 + 3)
    st.dataframe(styled(values, flags, units), width="stretch", height=height)


def catalogue_panel(lang: str, codes: tuple[str, ...], ctx: view.Context) -> None:
    with st.sidebar.expander(label(lang, "kpi_catalogue")):
        for code in codes:
            st.markdown(
                f"**{present.kpi_name(ctx, code, lang)}** — {present.kpi_help(ctx, code, lang)}"
            )


def scorecard(lang: str, config: BoardConfig, sc: view.ScorecardView, ctx: view.Context) -> None:
    if sc.ranking.empty:
        st.info(label(lang, "no_data"))
        return
    ranking = sc.ranking.assign(
        branch=[present.unit_label(ctx, view.BRANCH, b, lang) for b in sc.ranking["branch_code"]]
    )[["rank", "branch", "region", "score", "kpis_scored"]]
    ranking.columns = [
        label(lang, "scorecard_rank"),
        label(lang, "branch"),
        label(lang, "region"),
        label(lang, "scorecard_score"),
        label(lang, "kpis_scored"),
    ]
    st.dataframe(ranking, hide_index=True, width="stretch")
    draw(
        charts.score_trend_chart(sc.trend, sc.grain, label(lang, "trend", n=config.trend_periods)),
        width="stretch",
    )
    heat = sc.kpis.assign(kpi=[present.kpi_name(ctx, c, lang) for c in sc.kpis["kpi_code"]])
    draw(charts.attainment_heatmap(heat, label(lang, "attainment")), width="stretch")


def render() -> None:
    st.set_page_config(page_title="aftersales", layout="wide")
    config = load_config()
    path = served_path()
    try:
        build = current_build(path)
    except source.ServedFileMissing:
        st.error(label("en", "no_served_file", path=path))
        return
    st.session_state["build_id"] = build.build_id
    ctx = load_context(str(path), build.build_id, config.grains)
    lang, board_id, grain, period, scope = sidebar(config, ctx)
    is_scorecard = board_id == config.scorecard.id
    title = (config.scorecard if is_scorecard else config.board(board_id)).title(lang)
    header(lang, build, path, title)
    result = load_board(str(path), build.build_id, board_id, grain, period, scope.level, scope.code)
    complete = result.is_complete
    st.markdown(
        f"### {scope_title(lang, scope, ctx)} · {label(lang, f'grain_{grain}')} "
        f"{format_period(period, grain)}"
    )
    if not complete:
        st.warning(label(lang, "incomplete"), icon="⏳")
    if isinstance(result, view.ScorecardView):
        scorecard(lang, config, result, ctx)
    else:
        catalogue_panel(lang, result.board.kpi_codes, ctx)
        headline(lang, result.board, result, ctx)
        trend(lang, config, result, ctx)
        comparison(lang, result, ctx)
        aging(lang, result, ctx)
        technicians(lang, result, ctx)
    watch_build(path)


@st.fragment(run_every=BUILD_CHECK_SECONDS)
def watch_build(path: Path) -> None:
    """Rerun the app when a new build has been published."""
    try:
        build_id = current_build(path).build_id
    except source.ServedFileMissing:
        return
    if build_id != st.session_state.get("build_id"):
        st.rerun(scope="app")


render()
