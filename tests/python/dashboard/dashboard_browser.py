"""Browser-test helpers: where screenshots go, and Chromium required in CI (CI=true) but
skipped elsewhere when it is not installed. The driving itself is
``orchestration.dashboard.browser``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from orchestration.dashboard import browser

SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


def require_chromium() -> None:
    """In CI (CI=true) a missing chromium fails the test; elsewhere it skips it."""
    if browser.chromium_paths() is not None:
        return
    message = (
        "chromium and chromedriver not found: apt-get install -y chromium chromium-driver "
        "fonts-noto-cjk (.ci/run does this)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    require_chromium()
    with browser.headless_chromium(width, height) as driver:
        yield driver
