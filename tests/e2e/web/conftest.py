"""The gallery served over HTTP against the seeded API, for a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.web.gallery_stack import gallery_app, seeded_stack, served

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the gallery on a free port over a seeded API; yield its base URL."""
    with seeded_stack(tmp_path_factory.mktemp("gallery-e2e")) as stack:
        app = gallery_app(stack.api_url, TESTING=False, API_CACHE_SECONDS=5.0)
        with served(app) as url:
            yield url


class ConsoleWatch:
    """Collect a page's console errors and uncaught exceptions."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def on_console(self, message: Any) -> None:
        """Keep console errors (CSP violations land here too)."""
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def desktop(browser: Any) -> Iterator[tuple[Any, ConsoleWatch]]:
    """Open a desktop-sized page (1280 px wide) that records console errors."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    watch = ConsoleWatch(page)
    yield page, watch
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Any, ConsoleWatch]]:
    """Open a phone-sized page (390 px wide, 3x density) that records console errors."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True)
    page = context.new_page()
    watch = ConsoleWatch(page)
    yield page, watch
    context.close()
