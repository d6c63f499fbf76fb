"""Headless Chromium driving the dashboard (Debian's ``chromium`` and ``chromium-driver``,
Selenium from the ``dev`` extra): used by the browser tests and by
``aftersales-benchmark --dashboard … --browser``. Offline by construction: every host but
127.0.0.1 is unresolvable for the browser."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from orchestration.dashboard.boards import load_config

ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CHART_SELECTOR = '[data-testid="stVegaLiteChart"]'
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "file:", "data:", "blob:")


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@contextmanager
def headless_chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium_paths()
    if paths is None:
        raise RuntimeError(
            "chromium and chromedriver are needed (apt-get install chromium "
            "chromium-driver fonts-noto-cjk)"
        )
    browser, driver_path = paths
    profile = tempfile.mkdtemp(prefix="aftersales-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def external_requests(driver: Any) -> list[str]:
    """Resources the page loaded from anywhere but 127.0.0.1, a file or inline data."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [url for url in urls if not url.startswith(LOCAL_PREFIXES)]


def expected_chart_count(board_id: str) -> int:
    config = load_config()
    if board_id == config.scorecard.id:
        return 2
    board = config.board(board_id)
    return len(board.trend) + 1 + (1 if board.aging else 0)


def _board_radio(driver: Any) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebar"] [role="radiogroup"]')[1]


def select_board(driver: Any, index: int) -> None:
    """Click the ``index``-th board in the sidebar."""
    from selenium.webdriver.common.by import By

    _board_radio(driver).find_elements(By.CSS_SELECTOR, "label")[index].click()


def _board_selected(driver: Any, index: int) -> bool:
    from selenium.webdriver.common.by import By

    inputs = _board_radio(driver).find_elements(By.CSS_SELECTOR, "input")
    return bool(inputs[index].is_selected())


def _board_state(
    driver: Any, expected_charts: int, board_index: int | None, title: str | None
) -> tuple[bool, list[Any]]:
    """(finished, charts drawn): the script done, the board selected and titled, and the
    expected charts drawn, none of them left over from before."""
    from selenium.webdriver.common.by import By

    if driver.find_elements(By.CSS_SELECTOR, ERROR_SELECTORS):
        return True, []
    if board_index is not None and not _board_selected(driver, board_index):
        return False, []
    if title is not None and not any(
        title in h.text for h in driver.find_elements(By.CSS_SELECTOR, "h1")
    ):
        return False, []
    running = driver.find_elements(
        By.CSS_SELECTOR, '[data-stale="true"], [data-testid="stStatusWidget"]'
    )
    charts = driver.find_elements(By.CSS_SELECTOR, CHART_SELECTOR)
    drawn = [
        c
        for c in charts
        if c.find_elements(By.CSS_SELECTOR, "canvas, svg.marks") and c.size["height"] > 50
    ]
    return (not running and len(drawn) >= expected_charts), drawn


def wait_for_board(
    driver: Any,
    expected_charts: int,
    timeout: float = 60,
    board_index: int | None = None,
    title: str | None = None,
) -> None:
    """Until the script has finished and the expected charts are drawn, none of them left
    over from the page before (an error element ends the wait at once)."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    drawn: list[Any] = []
    while time.monotonic() < deadline:
        try:
            finished, drawn = _board_state(driver, expected_charts, board_index, title)
        except StaleElementReferenceException:  # the page changed under the look-up
            finished = False
        if finished:
            return
        time.sleep(0.05)
    raise AssertionError(f"board did not finish: {len(drawn)}/{expected_charts} charts drawn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_dashboard(served_file: Path, log: Path, timeout: float = 90) -> Iterator[str]:
    """``aftersales-dashboard`` on a free port; yields its URL once it answers."""
    port = free_port()
    command = Path(sys.executable).with_name("aftersales-dashboard")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(command), "--served-file", str(served_file), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start: {log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
