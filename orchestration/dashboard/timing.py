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
        lines += ["", f"{'in Chromium':<24}{'open s':>9}{'switch s':>10}{'max switch s':>14}"]
        for name, numbers in result["browser"].items():
            flag = "" if numbers["switch_max_s"] < limit_s else f"   over {limit_s:g} s"
            lines.append(
                f"{name:<24}{numbers['open_s']:>9.2f}{numbers['switch_s']:>10.2f}"
                f"{numbers['switch_max_s']:>14.2f}{flag}"
            )
    if "report_s" in result:
        lines += ["", f"report ({result['report_period']}): {result['report_s']:.2f} s"]
    return "\n".join(lines)


def time_boards_in_browser(served_file: Path, repeat: int = 3) -> dict[str, Any]:
    """Per board, in headless Chromium against a freshly started ``aftersales-dashboard``:
    ``open`` = loading the page with the board selected until every chart is drawn (the
    median of ``repeat`` loads; the first includes the server's empty caches); ``switch`` =
    choosing the board in the sidebar of the open app until its charts are drawn (what a
    user waits for between boards)."""
    import tempfile

    from orchestration.dashboard.browser import (
        expected_chart_count,
        headless_chromium,
        running_dashboard,
        select_board,
        wait_for_board,
    )

    config = load_config()
    log = Path(tempfile.mkdtemp(prefix="aftersales-bench-dash-")) / "dashboard.log"
    boards: dict[str, Any] = {b: {"open": [], "switch": []} for b in config.board_ids}
    with running_dashboard(served_file, log) as url, headless_chromium() as driver:
        driver.get(f"{url}/?board={config.scorecard.id}")  # the frontend, loaded once
        wait_for_board(driver, expected_chart_count(config.scorecard.id))
        for _ in range(repeat):
            for board_id in config.board_ids:
                driver.get("about:blank")
                start = time.perf_counter()
                driver.get(f"{url}/?board={board_id}")
                wait_for_board(driver, expected_chart_count(board_id))
                boards[board_id]["open"].append(time.perf_counter() - start)
            for index, board_id in enumerate(config.board_ids):
                previous = config.board_ids[index - 1]
                driver.get(f"{url}/?board={previous}")
                wait_for_board(driver, expected_chart_count(previous))
                start = time.perf_counter()
                select_board(driver, index)
                title = (
                    config.scorecard if board_id == config.scorecard.id else config.board(board_id)
                ).title("zh")
                wait_for_board(
                    driver, expected_chart_count(board_id), board_index=index, title=title
                )
                boards[board_id]["switch"].append(time.perf_counter() - start)
    return {
        board_id: {
            "open_s": statistics.median(runs["open"]),
            "switch_s": statistics.median(runs["switch"]),
            "switch_max_s": max(runs["switch"]),
        }
        for board_id, runs in boards.items()
    }
