"""The gallery served over HTTP against the seeded API, for a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from testkit.gallery_stack import gallery_app, seeded_stack, served
from tests.e2e.conftest import ConsoleWatch, OpenPage

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the gallery on a free port over a seeded API; yield its base URL."""
    with seeded_stack(tmp_path_factory.mktemp("gallery-e2e")) as stack:
        app = gallery_app(stack.api_url, TESTING=False, API_CACHE_SECONDS=5.0)
        with served(app) as url:
            yield url


@pytest.fixture
def desktop(open_page: OpenPage) -> tuple[Any, ConsoleWatch]:
    """Open a desktop-sized page (1280 px wide) that records console errors."""
    return open_page(viewport=DESKTOP)


@pytest.fixture
def phone(open_page: OpenPage) -> tuple[Any, ConsoleWatch]:
    """Open a phone-sized page (390 px wide, 3x density) that records console errors."""
    return open_page(viewport=PHONE, device_scale_factor=3, is_mobile=True)
