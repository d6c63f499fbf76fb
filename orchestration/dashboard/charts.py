"""Vega-Lite chart specs of the app (plain dicts: no schema validation on every render,
which took most of a board's time with Altair objects). Streamlit draws them with the
Vega bundle it ships, so nothing is fetched at run time. Each function returns the data
frame and the spec for ``st.vega_lite_chart(data, spec)``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orchestration.dashboard.fmt import axis_format, format_period, status_of

MEETS_COLOURS = {"meets": "#1a7f37", "misses": "#cf222e", "none": "#8c959f"}
Spec = dict[str, Any]
_STATUS_COLOUR = {
    "field": "status",
    "type": "nominal",
    "scale": {"domain": list(MEETS_COLOURS), "range": list(MEETS_COLOURS.values())},
    "legend": None,
}
_LABEL_AXIS = {"labelAngle": -30, "labelLimit": 220, "labelOverlap": False}


def trend_chart(
    frame: pd.DataFrame, title: str, grain: str, incomplete_label: str, unit: str
) -> tuple[pd.DataFrame, Spec]:
    """One KPI over the window: a line, points coloured meets / misses (hollow = an
    incomplete period), and the target as a dashed line."""
    data = pd.DataFrame(
        {
            "period": [format_period(p, grain) for p in frame["period_start"]],
            "value": frame["value"].astype(float).to_numpy(),
            "target": frame["target"].astype(float).to_numpy(),
            "status": [status_of(m) for m in frame["meets_target"]],
            "complete": [
                "" if status_of(c) == "meets" else incomplete_label
                for c in frame["is_period_complete"]
            ],
        }
    )
    x = {
        "field": "period",
        "type": "ordinal",
        "sort": None,
        "title": None,
        "axis": {"labelAngle": -45},
    }
    y = {
        "field": "value",
        "type": "quantitative",
        "title": None,
        "axis": {"format": axis_format(unit)},
        "scale": {"zero": False},
    }
    layers: list[Spec] = [
        {"mark": {"type": "line", "color": "#57606a"}, "encoding": {"x": x, "y": y}},
        {
            "mark": {"type": "point", "size": 70, "strokeWidth": 2},
            "encoding": {
                "x": x,
                "y": y,
                "color": _STATUS_COLOUR,
                "fill": {
                    "condition": {
                        "test": "datum.complete === ''",
                        "field": "status",
                        "type": "nominal",
                        "scale": _STATUS_COLOUR["scale"],
                        "legend": None,
                    },
                    "value": "#ffffff",
                },
                "tooltip": [
                    {"field": "period"},
                    {"field": "value", "type": "quantitative", "format": ",.4f"},
                    {"field": "status"},
                    {"field": "complete"},
                ],
            },
        },
    ]
    if data["target"].notna().any():
        layers.append(
            {
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "#0969da"},
                "encoding": {"x": x, "y": {"field": "target", "type": "quantitative"}},
            }
        )
    return data, {"title": title, "height": 220, "layer": layers}


def bar_chart(frame: pd.DataFrame, title: str, unit: str) -> tuple[pd.DataFrame, Spec]:
    """Units (regions, branches) side by side for one KPI, coloured meets / misses."""
    data = pd.DataFrame(
        {
            "label": frame["label"].to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "status": [status_of(m) for m in frame["meets_target"]],
        }
    )
    spec = {
        "title": title,
        "height": 260,
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "label",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": _LABEL_AXIS,
            },
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "axis": {"format": axis_format(unit)},
            },
            "color": _STATUS_COLOUR,
            "tooltip": [
                {"field": "label"},
                {"field": "value", "type": "quantitative", "format": ",.4f"},
                {"field": "status"},
            ],
        },
    }
    return data, spec


def aging_chart(frame: pd.DataFrame, title: str) -> tuple[pd.DataFrame, Spec]:
    """Open tickets older than each threshold, per unit, bars side by side (thresholds in
    the board's order, 24 h first)."""
    thresholds = list(dict.fromkeys(frame["threshold"]))
    data = pd.DataFrame(
        {
            "label": frame["label"].to_numpy(),
            "threshold": frame["threshold"].to_numpy(),
            "order": [thresholds.index(t) for t in frame["threshold"]],
            "value": frame["value"].astype(float).to_numpy(),
        }
    )
    spec = {
        "title": title,
        "height": 260,
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "label",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": _LABEL_AXIS,
            },
            "xOffset": {"field": "threshold", "type": "nominal", "scale": {"domain": thresholds}},
            "y": {"field": "value", "type": "quantitative", "title": None},
            "color": {
                "field": "threshold",
                "type": "nominal",
                "title": None,
                "scale": {"domain": thresholds, "scheme": "oranges"},
            },
            "tooltip": [
                {"field": "label"},
                {"field": "threshold"},
                {"field": "value", "type": "quantitative", "format": ",.0f"},
            ],
        },
    }
    return data, spec


def score_trend_chart(frame: pd.DataFrame, grain: str, title: str) -> tuple[pd.DataFrame, Spec]:
    data = pd.DataFrame(
        {
            "period": [format_period(p, grain) for p in frame["period_start"]],
            "branch_code": frame["branch_code"].to_numpy(),
            "score": frame["score"].astype(float).to_numpy(),
            "rank": frame["rank"].astype(int).to_numpy(),
        }
    )
    spec = {
        "title": title,
        "height": 260,
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "sort": None, "title": None},
            "y": {
                "field": "score",
                "type": "quantitative",
                "title": None,
                "scale": {"zero": False},
            },
            "color": {"field": "branch_code", "type": "nominal", "title": None},
            "tooltip": [
                {"field": "period"},
                {"field": "branch_code"},
                {"field": "score", "type": "quantitative", "format": ".2f"},
                {"field": "rank"},
            ],
        },
    }
    return data, spec


def attainment_heatmap(frame: pd.DataFrame, title: str) -> tuple[pd.DataFrame, Spec]:
    data = frame[["branch_code", "kpi", "kpi_score"]].assign(
        kpi_score=frame["kpi_score"].astype(float)
    )
    spec = {
        "title": title,
        "mark": "rect",
        "encoding": {
            "x": {"field": "branch_code", "type": "nominal", "title": None},
            "y": {"field": "kpi", "type": "nominal", "title": None},
            "color": {
                "field": "kpi_score",
                "type": "quantitative",
                "scale": {"domain": [0, 1], "scheme": "redyellowgreen"},
            },
            "tooltip": [
                {"field": "branch_code"},
                {"field": "kpi"},
                {"field": "kpi_score", "type": "quantitative", "format": ".3f"},
            ],
        },
    }
    return data.reset_index(drop=True), spec
