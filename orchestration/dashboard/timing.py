"""Render times of the boards (``aftersales-benchmark --dashboard``).

A board's render is one run of the app script by Streamlit's headless AppTest: reading
the build id, the queries against the served file, the tables and the chart specs, i.e.
everything the server does before the browser draws. ``cold`` clears Streamlit's caches
first (the first visitor after a publish); ``warm`` reruns the same page (cached data,
layout only). The report time is one ``render_report`` of the period.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

from orchestration.dashboard.boards import load_config

APP_FILE = Path(__file__).with_name("app.py")


def _run(app: Any) -> float:
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"the board failed: {[e.value for e in app.exception]}")
    return elapsed


def time_boards(
    served_file: Path, repeat: int = 3, grains: tuple[str, ...] = ("month", "week")
) -> dict[str, Any]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from orchestration.dashboard.app import SERVED_FILE_ENV

    os.environ[SERVED_FILE_ENV] = str(served_file)
    config = load_config()
    boards: dict[str, Any] = {}
    for board_id in config.board_ids:
        allowed = config.scorecard.grains if board_id == config.scorecard.id else config.grains
        for grain in (g for g in grains if g in allowed):
            cold, warm = [], []
            for _ in range(repeat):
                st.cache_data.clear()
                app = AppTest.from_file(str(APP_FILE), default_timeout=120)
                app.query_params["board"] = board_id
                app.query_params["grain"] = grain
                cold.append(_run(app))
                warm.append(_run(app))
            boards[f"{board_id}/{grain}"] = {
                "cold_s": statistics.median(cold),
                "warm_s": statistics.median(warm),
                "cold_max_s": max(cold),
            }
    return {"served_file": str(served_file), "repeat": repeat, "boards": boards}


def time_report(served_file: Path, period: str, repeat: int = 3) -> float:
    from orchestration.dashboard.report import render_report

    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_report(served_file, period)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def format_timings(result: dict[str, Any], limit_s: float = 2.0) -> str:
    lines = [
        f"dashboard render times, {result['served_file']} (median of {result['repeat']})",
        "",
        f"{'board/grain':<24}{'cold s':>9}{'warm s':>9}{'max cold s':>12}",
        f"{'-' * 24}{'-' * 30}",
    ]
    for name, numbers in result["boards"].items():
        flag = "" if numbers["cold_max_s"] < limit_s else f"   over {limit_s:g} s"
        lines.append(
            f"{name:<24}{numbers['cold_s']:>9.2f}{numbers['warm_s']:>9.2f}"
            f"{numbers['cold_max_s']:>12.2f}{flag}"
        )
    if "browser" in result:
        lines += ["", f"{'in Chromium':<24}{'first s':>9}{'again s':>9}"]
        for name, numbers in result["browser"].items():
            flag = "" if numbers["first_s"] < limit_s else f"   over {limit_s:g} s"
            lines.append(f"{name:<24}{numbers['first_s']:>9.2f}{numbers['again_s']:>9.2f}{flag}")
    if "report_s" in result:
        lines += ["", f"report ({result['report_period']}): {result['report_s']:.2f} s"]
    return "\n".join(lines)


def time_boards_in_browser(served_file: Path, repeat: int = 3) -> dict[str, Any]:
    """Per board, in headless Chromium against a freshly started ``aftersales-dashboard``:
    from navigation to every chart drawn. ``first`` is the first visit of the board (server
    caches empty, browser cache warm after the first board), ``again`` the median of the
    next ``repeat`` visits."""
    import tempfile

    from orchestration.dashboard.browser import (
        expected_chart_count,
        headless_chromium,
        running_dashboard,
        wait_for_board,
    )

    config = load_config()
    log = Path(tempfile.mkdtemp(prefix="aftersales-bench-dash-")) / "dashboard.log"
    boards: dict[str, Any] = {}
    with running_dashboard(served_file, log) as url, headless_chromium() as driver:
        driver.get(f"{url}/?board={config.scorecard.id}")  # load the frontend once
        wait_for_board(driver, expected_chart_count(config.scorecard.id))
        for board_id in config.board_ids:
            runs = []
            for _ in range(repeat + 1):
                driver.get("about:blank")
                start = time.perf_counter()
                driver.get(f"{url}/?board={board_id}")
                wait_for_board(driver, expected_chart_count(board_id))
                runs.append(time.perf_counter() - start)
            boards[board_id] = {"first_s": runs[0], "again_s": statistics.median(runs[1:])}
    return boards
