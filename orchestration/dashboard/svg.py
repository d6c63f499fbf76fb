"""Inline SVG charts for the static report: no script, no external asset."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

COLOURS = {"meets": "#1a7f37", "misses": "#cf222e", "none": "#8c959f"}
SERIES = ["#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603", "#7f2704"]
WIDTH, HEIGHT = 460, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 28, 46


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    status: str = "none"
    complete: bool = True


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _scale(values: Sequence[float]) -> tuple[float, float]:
    low, high = min([0.0, *values]), max([0.0, *values])
    if math.isclose(low, high):
        high = low + 1.0
    pad = (high - low) * 0.08
    return (low - pad if low < 0 else low), high + pad


def _frame(title: str, low: float, high: float, fmt: Callable[[float], str]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{_esc(title)}">',
        f'<text x="{LEFT}" y="16" class="ct">{_esc(title)}</text>',
    ]
    for i in range(5):
        value = low + (high - low) * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" class="ax" text-anchor="end">'
            f"{_esc(fmt(value))}</text>"
        )
    return parts


def _y(value: float, low: float, high: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h - (value - low) / (high - low) * plot_h


def _x_label(x: float, text: str) -> str:
    y = HEIGHT - BOTTOM + 12
    return (
        f'<text x="{x:.1f}" y="{y}" class="ax" text-anchor="end" '
        f'transform="rotate(-40 {x:.1f} {y})">{_esc(text)}</text>'
    )


def line_chart(
    title: str, points: Sequence[Point], target: float | None, fmt: Callable[[float], str]
) -> str:
    """Values over periods; dots coloured by status, hollow for an incomplete period;
    the target as a dashed line."""
    values = [p.value for p in points if p.value is not None]
    if target is not None:
        values.append(target)
    low, high = _scale(values or [0.0])
    parts = _frame(title, low, high, fmt)
    step = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    xs = [LEFT + step * (i + 0.5) for i in range(len(points))]
    path = [
        f"{x:.1f},{_y(p.value, low, high):.1f}"
        for x, p in zip(xs, points, strict=True)
        if p.value is not None
    ]
    if target is not None:
        ty = _y(target, low, high)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="target"/>'
        )
    if len(path) > 1:
        parts.append(f'<polyline points="{" ".join(path)}" class="line"/>')
    for x, p in zip(xs, points, strict=True):
        parts.append(_x_label(x + 3, p.label))
        if p.value is None:
            continue
        colour = COLOURS.get(p.status, COLOURS["none"])
        fill = colour if p.complete else "#ffffff"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{_y(p.value, low, high):.1f}" r="4" fill="{fill}" '
            f'stroke="{colour}" stroke-width="2"><title>{_esc(p.label)}: '
            f"{_esc(fmt(p.value))}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str, bars: Sequence[Point], target: float | None, fmt: Callable[[float], str]
) -> str:
    """One bar per unit, coloured by status; the target as a dashed line."""
    values = [b.value for b in bars if b.value is not None]
    if target is not None:
        values.append(target)
    low, high = _scale(values or [0.0])
    parts = _frame(title, low, high, fmt)
    step = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    zero = _y(max(low, 0.0), low, high)
    for i, bar in enumerate(bars):
        x = LEFT + step * i + step * 0.15
        parts.append(_x_label(x + step * 0.5, bar.label))
        if bar.value is None:
            continue
        y = _y(bar.value, low, high)
        colour = COLOURS.get(bar.status, COLOURS["none"])
        parts.append(
            f'<rect x="{x:.1f}" y="{min(y, zero):.1f}" width="{step * 0.7:.1f}" '
            f'height="{abs(zero - y):.1f}" fill="{colour}"><title>{_esc(bar.label)}: '
            f"{_esc(fmt(bar.value))}</title></rect>"
        )
    if target is not None:
        ty = _y(target, low, high)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" class="target"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    title: str,
    units: Sequence[str],
    series: Sequence[str],
    values: dict[tuple[str, str], float | None],
    fmt: Callable[[float], str],
) -> str:
    """Per unit, one bar per series (e.g. backlog older than 24/48/72/96/120 h)."""
    present = [v for v in values.values() if v is not None]
    low, high = _scale(present or [0.0])
    parts = _frame(title, low, high, fmt)
    step = (WIDTH - LEFT - RIGHT) / max(len(units), 1)
    width = step * 0.8 / max(len(series), 1)
    zero = _y(0.0, low, high)
    for i, unit in enumerate(units):
        x0 = LEFT + step * i + step * 0.1
        parts.append(_x_label(x0 + step * 0.5, unit))
        for j, name in enumerate(series):
            value = values.get((unit, name))
            if value is None:
                continue
            y = _y(value, low, high)
            parts.append(
                f'<rect x="{x0 + width * j:.1f}" y="{min(y, zero):.1f}" width="{width:.1f}" '
                f'height="{abs(zero - y):.1f}" fill="{SERIES[j % len(SERIES)]}">'
                f"<title>{_esc(unit)} · {_esc(name)}: {_esc(fmt(value))}</title></rect>"
            )
    for j, name in enumerate(series):
        x = LEFT + j * ((WIDTH - LEFT) / max(len(series), 1))
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - 10}" width="8" height="8" '
            f'fill="{SERIES[j % len(SERIES)]}"/>'
            f'<text x="{x + 11:.1f}" y="{HEIGHT - 2}" class="ax">{_esc(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
