"""A headless Chromium driven by Selenium for graphsc view's page. Without Chromium the browser tests skip, except
under CI (env ``CI`` set), where they fail: .ci/run installs Chromium and chromedriver."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _find(names: tuple[str, ...], usual: str) -> str | None:
    if Path(usual).exists():
        return usual
    return next((found for name in names if (found := shutil.which(name))), None)


CHROMIUM = _find(("chromium", "chromium-browser", "google-chrome"), "/usr/bin/chromium")
CHROMEDRIVER = _find(("chromedriver",), "/usr/bin/chromedriver")


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why}: the browser tests must run in CI (.ci/run installs chromium and chromium-driver)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    if CHROMIUM is None or CHROMEDRIVER is None:
        _unavailable("chromium or chromedriver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_script_timeout(120)
    try:
        yield browser
    finally:
        browser.quit()


def open_page(driver: Any, path: Path, timeout: float = 120) -> float:
    """Load the page at ``path`` (file://), wait until its first layout is done; returns ``graphscView.readyMs``.
    The browser's log is emptied first, so ``console_problems`` sees only this page's messages."""
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while driver.execute_script("return document.body && document.body.dataset.ready") != "true":
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} was not ready after {timeout} s: {driver.get_log('browser')}")
        time.sleep(0.05)
    ready_ms: float = driver.execute_script("return window.graphscView.readyMs")
    return ready_ms


def console_problems(driver: Any) -> list[dict]:
    """The browser log's warnings and errors since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
