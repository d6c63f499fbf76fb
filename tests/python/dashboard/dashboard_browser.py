"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by Selenium,
offline: every host but 127.0.0.1 is unresolvable, so a page that needs the internet
shows it. Used by test_dashboard_browser.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def require_chromium() -> tuple[str, str]:
    """The browser and driver; in CI (CI=true) their absence fails, elsewhere it skips."""
    paths = chromium_paths()
    if paths is None:
        message = (
            "chromium and chromedriver not found: apt-get install -y chromium chromium-driver "
            "fonts-noto-cjk (.ci/run does this)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return paths


@contextmanager
def headless_chromium(width: int = 1400, height: int = 1000) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = require_chromium()
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


def external_requests(driver) -> list[str]:
    """Resources the page loaded from anywhere but 127.0.0.1, a file or inline data."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    local = ("http://127.0.0.1", "file:", "data:", "blob:", "ws://127.0.0.1")
    return [url for url in urls if not url.startswith(local)]
