"""``aftersales-report``: the boards of one period as one self-contained HTML file.

Charts are inline SVG, styles inline CSS; the file references nothing outside itself, so
it opens offline in any browser and can be mailed as it is.
"""

from __future__ import annotations

import html
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from orchestration.dashboard import present, source, svg, view
from orchestration.dashboard.boards import BoardConfig, load_config
from orchestration.dashboard.fmt import (
    format_as_of,
    format_period,
    format_target,
    format_value,
    parse_period,
    status_of,
)
from orchestration.dashboard.labels import label


class ReportError(ValueError):
    """The report cannot be written for this selection."""


CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",
Helvetica,Arial,sans-serif;margin:24px;color:#1f2328;max-width:1500px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #d0d7de;
padding-bottom:4px;margin-top:36px}h3{font-size:15px;margin:18px 0 8px}
.meta{color:#57606a;font-size:13px}.warn{background:#fff8c5;border:1px solid #d4a72c;
padding:6px 10px;border-radius:6px;display:inline-block;margin:8px 0}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px}
.tile{border:1px solid #d0d7de;border-radius:8px;padding:10px;border-left-width:6px}
.tile .n{font-size:13px;color:#57606a}.tile .v{font-size:26px;font-weight:600}
.tile .t{font-size:12px}.meets{border-left-color:#1a7f37}.meets .t{color:#1a7f37}
.misses{border-left-color:#cf222e}.misses .t{color:#cf222e}.none{border-left-color:#8c959f}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #eaeef2;border-radius:6px}
.ct{font-size:13px;font-weight:600;fill:#1f2328}.ax{font-size:10px;fill:#57606a}
.grid{stroke:#eaeef2}.line{fill:none;stroke:#57606a;stroke-width:1.5}
.target{stroke:#0969da;stroke-dasharray:4 4;stroke-width:1.5}
table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{border:1px solid #d0d7de;
padding:4px 8px;text-align:right}th{background:#f6f8fa}td.l,th.l{text-align:left}
td.meets{background:#dafbe1;color:#116329}td.misses{background:#ffebe9;color:#a40e26}
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _tiles(board_view: view.BoardView, ctx: view.Context, lang: str) -> str:
    tiles = []
    for _, row in board_view.headline.iterrows():
        code = row["kpi_code"]
        unit = str(ctx.kpi(code)["unit"])
        status = status_of(row["meets_target"])
        target = format_target(row["comparator"], row["target"], unit)
        verdict = "" if status == "none" else f" · {label(lang, status)}"
        target_text = (
            f"{label(lang, 'target')} {target}{verdict}" if target else label(lang, "no_target")
        )
        tiles.append(
            f'<div class="tile {status}" title="{_esc(present.kpi_help(ctx, code, lang))}">'
            f'<div class="n">{_esc(present.kpi_name(ctx, code, lang))}</div>'
            f'<div class="v" data-kpi="{_esc(code)}">{_esc(format_value(row["value"], unit))}'
            f'</div><div class="t">{_esc(target_text)}</div></div>'
        )
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _table(values: pd.DataFrame, flags: pd.DataFrame, units: dict[str, str]) -> str:
    names = list(values.index.names)
    head = "".join(f'<th class="l">{_esc(n or "")}</th>' for n in names) + "".join(
        f"<th>{_esc(c)}</th>" for c in values.columns
    )
    rows = []
    for index, row in values.iterrows():
        keys = index if isinstance(index, tuple) else (index,)
        cells = "".join(f'<td class="l">{_esc(k)}</td>' for k in keys)
        for column in values.columns:
            flag = flags.at[index, column] if column in flags else None
            cells += (
                f'<td class="{status_of(flag)}">'
                f"{_esc(format_value(row[column], units.get(column, '')))}</td>"
            )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _trends(board_view: view.BoardView, ctx: view.Context, lang: str) -> str:
    charts = []
    for code in board_view.board.trend:
        unit = str(ctx.kpi(code)["unit"])
        frame = board_view.trend[board_view.trend["kpi_code"] == code]
        points = [
            svg.Point(
                format_period(r["period_start"], board_view.grain),
                _float(r["value"]),
                status_of(r["meets_target"]),
                status_of(r["is_period_complete"]) == "meets",
            )
            for _, r in frame.iterrows()
        ]
        targets = frame["target"].dropna()
        target = float(targets.iloc[-1]) if not targets.empty else None
        charts.append(
            svg.line_chart(
                present.kpi_name(ctx, code, lang),
                points,
                target,
                lambda v, unit=unit: format_value(v, unit),
            )
        )
    return f'<div class="charts">{"".join(charts)}</div>'


def _comparison_charts(board_view: view.BoardView, ctx: view.Context, lang: str) -> str:
    charts = []
    for code in board_view.board.headline:
        unit = str(ctx.kpi(code)["unit"])
        rows = board_view.comparison[
            (board_view.comparison["kpi_code"] == code)
            & (board_view.comparison["level"] == view.BRANCH)
        ]
        if rows.empty:
            continue
        bars = [
            svg.Point(r["unit"], _float(r["value"]), status_of(r["meets_target"]))
            for _, r in rows.iterrows()
        ]
        targets = rows["target"].dropna()
        charts.append(
            svg.bar_chart(
                present.kpi_name(ctx, code, lang),
                bars,
                float(targets.iloc[0]) if not targets.empty else None,
                lambda v, unit=unit: format_value(v, unit),
            )
        )
    return f'<div class="charts">{"".join(charts)}</div>'


def _aging(board_view: view.BoardView, ctx: view.Context, lang: str) -> str:
    if board_view.aging.empty:
        return ""
    frame = present.aging_frame(board_view.aging, board_view.board.aging, ctx, lang)
    units = list(dict.fromkeys(frame["label"]))
    series = list(dict.fromkeys(frame["threshold"]))
    values = {(r["label"], r["threshold"]): _float(r["value"]) for _, r in frame.iterrows()}
    chart = svg.grouped_bars(
        label(lang, "aging"), units, series, values, lambda v: format_value(v, "count")
    )
    return f"<h3>{_esc(label(lang, 'aging'))}</h3><div class='charts'>{chart}</div>"


def board_section(
    config: BoardConfig, board_view: view.BoardView, ctx: view.Context, lang: str
) -> str:
    board = board_view.board
    units = {present.kpi_name(ctx, c, lang): str(ctx.kpi(c)["unit"]) for c in board.kpi_codes}
    values, flags = present.comparison_table(board_view.comparison, board.compare, ctx, lang)
    parts = [
        f'<section id="board-{board.id}"><h2>{_esc(board.title(lang))}</h2>',
        f"<h3>{_esc(label(lang, 'headline'))}</h3>",
        _tiles(board_view, ctx, lang),
        f"<h3>{_esc(label(lang, 'trend', n=config.trend_periods))}</h3>",
        _trends(board_view, ctx, lang),
        f"<h3>{_esc(label(lang, 'comparison'))}</h3>",
        _table(values, flags, units),
        _comparison_charts(board_view, ctx, lang),
        _aging(board_view, ctx, lang),
    ]
    if board.technicians:
        tech_values, tech_flags = present.technician_table(
            board_view.technicians, board.technicians, ctx, lang
        )
        tech_units = {
            present.kpi_name(ctx, c, lang): str(ctx.kpi(c)["unit"]) for c in board.technicians
        }
        parts.append(f"<h3>{_esc(label(lang, 'technicians'))}</h3>")
        parts.append(
            _table(tech_values, tech_flags, tech_units)
            if not tech_values.empty
            else f"<p>{_esc(label(lang, 'no_data'))}</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def scorecard_section(
    config: BoardConfig, sc: view.ScorecardView, ctx: view.Context, lang: str
) -> str:
    title = config.scorecard.title(lang)
    if sc.ranking.empty:
        empty = _esc(label(lang, "no_data"))
        return f'<section id="board-scorecard"><h2>{_esc(title)}</h2><p>{empty}</p></section>'
    head = "".join(
        f"<th>{_esc(label(lang, k))}</th>"
        for k in ("scorecard_rank", "branch", "region", "scorecard_score", "kpis_scored")
    )
    rows = "".join(
        f"<tr><td>{int(r['rank'])}</td><td class='l'>"
        f"{_esc(present.unit_label(ctx, view.BRANCH, r['branch_code'], lang))}</td>"
        f"<td class='l'>{_esc(r['region'])}</td><td>{float(r['score']):.2f}</td>"
        f"<td>{int(r['kpis_scored'])}</td></tr>"
        for _, r in sc.ranking.iterrows()
    )
    bars = [
        svg.Point(r["branch_code"], _float(r["score"]), "none") for _, r in sc.ranking.iterrows()
    ]
    chart = svg.bar_chart(label(lang, "scorecard_score"), bars, None, lambda v: f"{v:.1f}")
    return (
        f'<section id="board-scorecard"><h2>{_esc(title)}</h2>'
        f"<table><tr>{head}</tr>{rows}</table><div class='charts'>{chart}</div></section>"
    )


def render_report(
    path: Path,
    period_text: str,
    lang: str = "zh",
    region: str | None = None,
    branch: str | None = None,
) -> str:
    grain, start = parse_period(period_text)
    period_start: date = start.date()
    config = load_config()
    with source.connect(path) as con:
        build = source.read_build_info(con)
        ctx = view.Context.load(con, config.grains)
        known = {pd.Timestamp(p).date() for p in ctx.periods[grain]["period_start"]}
        if period_start not in known:
            raise ReportError(
                f"{path} has no {grain} {format_period(period_start, grain)} in kpi_values "
                f"(it has {len(known)} {grain} periods)"
            )
        scope = view.Scope()
        if branch:
            if branch not in set(ctx.branches["branch_code"]):
                raise ReportError(f"unknown branch {branch!r}")
            scope = view.Scope(view.BRANCH, branch)
        elif region:
            if region not in set(ctx.branches["region"]):
                raise ReportError(f"unknown region {region!r}")
            scope = view.Scope(view.REGION, region)
        sections = []
        complete = True
        for board in config.boards:
            board_view = view.build_board(con, config, ctx, board, grain, period_start, scope)
            complete = board_view.is_complete
            sections.append(board_section(config, board_view, ctx, lang))
        if grain in config.scorecard.grains:
            sc = view.build_scorecard(con, config, ctx, grain, period_start, scope)
            sections.append(scorecard_section(config, sc, ctx, lang))
    scope_name = present.unit_label(ctx, scope.level, scope.code or "", lang)
    heading = label(
        lang,
        "report_for",
        scope=scope_name,
        grain=label(lang, f"grain_{grain}"),
        period=format_period(period_start, grain),
    )
    as_of = format_as_of(build.as_of)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    warn = "" if complete else f'<div class="warn">⏳ {_esc(label(lang, "incomplete"))}</div>'
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{_esc(label(lang, 'report_title'))} · {_esc(heading)}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<h1>{_esc(label(lang, 'report_title'))} · {_esc(heading)}</h1>"
        f'<div class="meta">{_esc(label(lang, "as_of"))}: {_esc(as_of)} · '
        f"{_esc(label(lang, 'build'))}: {_esc(build.build_id)} · "
        f"{_esc(label(lang, 'generated'))}: {_esc(generated)}</div>{warn}"
        f"{''.join(sections)}</body></html>"
    )


def write_report(
    path: Path,
    period_text: str,
    out: Path,
    lang: str = "zh",
    region: str | None = None,
    branch: str | None = None,
) -> Path:
    """Render and write atomically (a half-written report never replaces a good one)."""
    document = render_report(path, period_text, lang=lang, region=region, branch=branch)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(document)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
