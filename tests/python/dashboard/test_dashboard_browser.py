"""The dashboard and the report in headless Chromium, offline: every board renders with
its charts drawn and no error element; a screenshot of each lands in
test-artifacts/screenshots/ (git-ignored). Needs Debian's chromium and chromium-driver:
skipped when they are absent, except in CI (CI=true), where that fails."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from dashboard_browser import SCREENSHOTS, external_requests, headless_chromium, require_chromium

from orchestration.dashboard.boards import load_config
from orchestration.dashboard.report import write_report

CONFIG = load_config()
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CHART_SELECTOR = '[data-testid="stVegaLiteChart"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def dashboard_url(served_file: Path):
    require_chromium()
    port = free_port()
    command = Path(sys.executable).with_name("aftersales-dashboard")
    log = SCREENSHOTS.parent / "dashboard.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(command), "--served-file", str(served_file), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the dashboard did not start: " + log.read_text()
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_board(driver, expected_charts: int, timeout: float = 60) -> None:
    """Until the script has finished and the expected charts are drawn."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        charts = driver.find_elements(By.CSS_SELECTOR, CHART_SELECTOR)
        drawn = [
            c
            for c in charts
            if c.find_elements(By.CSS_SELECTOR, "canvas, svg.marks") and c.size["height"] > 50
        ]
        if not running and len(drawn) >= expected_charts:
            time.sleep(1.0)  # let the last chart finish its paint
            return
        time.sleep(0.5)
    raise AssertionError(f"board did not finish: {len(drawn)}/{expected_charts} charts drawn")


def full_page_screenshot(driver, path: Path, scroller: str | None) -> None:
    height = driver.execute_script(
        "const el = arguments[0] ? document.querySelector(arguments[0]) : document.body;"
        "return Math.max(el.scrollHeight, document.body.scrollHeight);",
        scroller,
    )
    driver.set_window_size(1400, min(int(height) + 120, 12000))
    time.sleep(1.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(path))


def expected_chart_count(board_id: str) -> int:
    if board_id == CONFIG.scorecard.id:
        return 2
    board = CONFIG.board(board_id)
    return len(board.trend) + 1 + (1 if board.aging else 0)


@pytest.mark.parametrize("board_id", CONFIG.board_ids)
def test_board_in_chromium(board_id: str, dashboard_url: str) -> None:
    from selenium.webdriver.common.by import By

    with headless_chromium() as driver:
        driver.get(f"{dashboard_url}/?board={board_id}&lang=zh")
        wait_for_board(driver, expected_chart_count(board_id))
        errors = driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS)
        assert not errors, [e.text for e in errors]
        for chart in driver.find_elements(By.CSS_SELECTOR, CHART_SELECTOR):
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

    require_chromium()
    months = kpi_values[(kpi_values["grain"] == "month") & kpi_values["is_period_complete"]]
    period = months["period_start"].max().strftime("%Y-%m")
    report = write_report(served_file, period, SCREENSHOTS.parent / "report.html")
    with headless_chromium() as driver:
        driver.get(report.as_uri())
        sections = driver.find_elements(By.CSS_SELECTOR, "section")
        assert [s.get_attribute("id") for s in sections] == [
            f"board-{board_id}" for board_id in CONFIG.board_ids
        ]
        for chart in driver.find_elements(By.CSS_SELECTOR, "svg.chart"):
            marks = chart.find_elements(By.CSS_SELECTOR, "circle, rect")
            assert marks, chart.get_attribute("aria-label")
        assert external_requests(driver) == []
        full_page_screenshot(driver, SCREENSHOTS / f"report-{period}.png", None)
