"""Altair (Vega-Lite) charts of the app. Streamlit renders them with the Vega bundle it
ships, so nothing is fetched at run time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from orchestration.dashboard.fmt import axis_format, format_period, status_of

MEETS_COLOURS = {"meets": "#1a7f37", "misses": "#cf222e", "none": "#8c959f"}


def trend_chart(
    frame: pd.DataFrame, title: str, grain: str, incomplete_label: str, unit: str
) -> alt.LayerChart | alt.Chart:
    """One KPI over the window: a line, points coloured meets / misses (hollow = an
    incomplete period), and the target as a dashed rule."""
    data = frame.copy()
    data["period"] = [format_period(p, grain) for p in data["period_start"]]
    data["status"] = [status_of(m) for m in data["meets_target"]]
    data["complete"] = [
        "" if status_of(c) == "meets" else incomplete_label for c in data["is_period_complete"]
    ]
    base = alt.Chart(data).encode(
        x=alt.X("period:O", sort=None, title=None, axis=alt.Axis(labelAngle=-45))
    )
    y_axis = alt.Y("value:Q", title=None, axis=alt.Axis(format=axis_format(unit)))
    line = base.mark_line(color="#57606a").encode(y=y_axis)
    points = base.mark_point(size=70, filled=True).encode(
        y="value:Q",
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=list(MEETS_COLOURS), range=list(MEETS_COLOURS.values())),
            legend=None,
        ),
        shape=alt.Shape("complete:N", legend=None),
        tooltip=["period", alt.Tooltip("value:Q", format=",.4f"), "status", "complete"],
    )
    layers: list[alt.Chart] = [line, points]
    if data["target"].notna().any():
        rule = (
            alt.Chart(data.dropna(subset=["target"]))
            .mark_line(strokeDash=[4, 4], color="#0969da")
            .encode(x=alt.X("period:O", sort=None), y="target:Q")
        )
        layers.append(rule)
    return alt.layer(*layers).properties(title=title, height=220)


def bar_chart(frame: pd.DataFrame, title: str, unit: str) -> alt.Chart:
    """Units (regions, branches) side by side for one KPI, coloured meets / misses."""
    data = frame.copy()
    data["status"] = [status_of(m) for m in data["meets_target"]]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N", sort=None, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)
            ),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format=axis_format(unit))),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=list(MEETS_COLOURS), range=list(MEETS_COLOURS.values())),
                legend=None,
            ),
            tooltip=["label", alt.Tooltip("value:Q", format=",.4f"), "status"],
        )
        .properties(title=title, height=260)
    )


def aging_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Open tickets older than each threshold, per unit, bars side by side."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "label:N", sort=None, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=220)
            ),
            xOffset=alt.XOffset("threshold:N", sort=None),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("threshold:N", sort=None, scale=alt.Scale(scheme="oranges")),
            tooltip=["label", "threshold", alt.Tooltip("value:Q", format=",.0f")],
        )
        .properties(title=title, height=260)
    )


def score_trend_chart(frame: pd.DataFrame, grain: str, title: str) -> alt.Chart:
    data = frame.copy()
    data["period"] = [format_period(p, grain) for p in data["period_start"]]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", sort=None, title=None),
            y=alt.Y("score:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("branch_code:N", title=None),
            tooltip=["period", "branch_code", alt.Tooltip("score:Q", format=".2f"), "rank"],
        )
        .properties(title=title, height=260)
    )


def attainment_heatmap(frame: pd.DataFrame, title: str) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("branch_code:N", title=None),
            y=alt.Y("kpi:N", title=None),
            color=alt.Color("kpi_score:Q", scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen")),
            tooltip=["branch_code", "kpi", alt.Tooltip("kpi_score:Q", format=".3f")],
        )
        .properties(title=title)
    )
