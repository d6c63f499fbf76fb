"""The dashboard and the report in headless Chromium, offline: every board renders with
its charts drawn and no error element; a screenshot of each lands in
test-artifacts/screenshots/ (git-ignored). Needs Debian's chromium and chromium-driver:
skipped when they are absent, except in CI (CI=true), where that fails."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dashboard_browser import SCREENSHOTS, chromium, require_chromium

from orchestration.dashboard.boards import load_config
from orchestration.dashboard.browser import (
    CHART_SELECTOR,
    ERROR_SELECTORS,
    expected_chart_count,
    external_requests,
    running_dashboard,
    wait_for_board,
)
from orchestration.dashboard.report import write_report

CONFIG = load_config()


@pytest.fixture(scope="module")
def dashboard_url(served_file: Path):
    require_chromium()
    with running_dashboard(served_file, SCREENSHOTS.parent / "dashboard.log") as url:
        yield url


def full_page_screenshot(driver, path: Path, scroller: str | None) -> None:
    height = driver.execute_script(
        "const el = arguments[0] ? document.querySelector(arguments[0]) : document.body;"
        "return Math.max(el.scrollHeight, document.body.scrollHeight);",
        scroller,
    )
    driver.set_window_size(1400, min(int(height) + 120, 12000))
    time.sleep(1.0)  # let the resized charts repaint
    path.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(path))


@pytest.mark.parametrize("board_id", CONFIG.board_ids)
def test_board_in_chromium(board_id: str, dashboard_url: str) -> None:
    from selenium.webdriver.common.by import By

    with chromium() as driver:
        driver.get(f"{dashboard_url}/?board={board_id}&lang=zh")
        wait_for_board(driver, expected_chart_count(board_id))
        errors = driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)
        assert not errors, [e.text for e in errors]
        charts = driver.find_elements(By.CSS_SELECTOR, CHART_SELECTOR)
        assert len(charts) == expected_chart_count(board_id)
        for chart in charts:
            assert chart.size["width"] > 100 and chart.size["height"] > 50
        values = [
            e.text for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetricValue"]')
        ]
        if board_id != CONFIG.scorecard.id:
            assert values and any(v != "—" for v in values), values
        assert external_requests(driver) == []
        full_page_screenshot(
            driver, SCREENSHOTS / f"dashboard-{board_id}.png", '[data-testid="stMain"]'
        )


def test_report_in_chromium(served_file: Path, kpi_values) -> None:
    from selenium.webdriver.common.by import By

    months = kpi_values[(kpi_values["grain"] == "month") & kpi_values["is_period_complete"]]
    period = months["period_start"].max().strftime("%Y-%m")
    report = write_report(served_file, period, SCREENSHOTS.parent / "report.html")
    with chromium() as driver:
        driver.get(report.as_uri())
        sections = driver.find_elements(By.CSS_SELECTOR, "section")
        assert [s.get_attribute("id") for s in sections] == [
            f"board-{board_id}" for board_id in CONFIG.board_ids
        ]
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert charts
        for chart in charts:
            marks = chart.find_elements(By.CSS_SELECTOR, "circle, rect")
            assert marks, chart.get_attribute("aria-label")
        assert external_requests(driver) == []
        full_page_screenshot(driver, SCREENSHOTS / f"report-{period}.png", None)
