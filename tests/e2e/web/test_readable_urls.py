"""Readable work URLs in Chromium: a work opened from the home page shows its readable address,
and its old id address lands there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from testkit import images
from testkit.gallery_stack import gallery_app, served
from testkit.stack import LocalStack

pytestmark = pytest.mark.browser
WAIT_SECONDS = 15.0
READABLE = "/artists/mara-voss/harbour-at-dawn"


def wait_until(page: Any, expression: str) -> None:
    """Poll `expression` in the page until it is true (the gallery's CSP refuses the eval that
    Playwright's `wait_for_function` needs)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {WAIT_SECONDS:g} s: {expression}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Serve the gallery over an API with one published work; yield its URL and the work's id."""
    with LocalStack(tmp_path_factory.mktemp("readable-urls")) as stack:
        artist = stack.register("Mara Voss")
        work = stack.upload(
            artist.token, images.jpeg(images.photo(900, 600, seed=31)), {"title": "Harbour at Dawn"}
        )
        stack.wait_for(work, artist.token, {"ready"})
        with served(gallery_app(stack.api_url, TESTING=False)) as url:
            yield url, work


def test_a_work_opened_from_the_home_page_shows_its_readable_address(
    gallery: tuple[str, str], desktop: tuple[Any, Any]
) -> None:
    page, watch = desktop
    url, _ = gallery
    page.goto(url)
    # WHEN the visitor opens the work from the home page
    page.locator(f'a[href="{READABLE}"]').first.click()
    wait_until(page, f"location.pathname === {READABLE!r}")
    # THEN the address bar shows the readable URL and the page is the work's
    assert page.url == f"{url}{READABLE}"
    assert page.get_by_role("heading", level=1).inner_text() == "Harbour at Dawn"
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical is not None and canonical.endswith(READABLE)
    assert watch.errors == []


def test_the_old_id_address_lands_on_the_readable_one(
    gallery: tuple[str, str], desktop: tuple[Any, Any]
) -> None:
    page, watch = desktop
    url, work = gallery

    response = page.goto(f"{url}/artworks/{work}")

    assert response is not None and response.ok
    assert page.url == f"{url}{READABLE}"
    assert page.get_by_role("heading", level=1).inner_text() == "Harbour at Dawn"
    assert watch.errors == []
