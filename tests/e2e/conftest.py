"""Browser fixtures shared by the end-to-end suites: Debian's Chromium through Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.ci import missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch one headless Chromium for the session (skipped without it, except in CI)."""
    if not shutil.which(CHROMIUM):
        missing(f"{CHROMIUM} is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Return the folder for screenshots and traces (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class ConsoleWatch:
    """Collect a page's console errors (CSP violations land here) and uncaught exceptions."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def on_console(self, message: Any) -> None:
        """Keep console errors."""
        if message.type == "error":
            self.errors.append(message.text)


OpenPage = Callable[..., tuple[Any, ConsoleWatch]]


@pytest.fixture
def open_page(browser: Any) -> Iterator[OpenPage]:
    """Return a function that opens a page that records console errors; close all after."""
    contexts: list[Any] = []

    def opened(**context_options: Any) -> tuple[Any, ConsoleWatch]:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        return page, ConsoleWatch(page)

    yield opened
    for context in contexts:
        context.close()
