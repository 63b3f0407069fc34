"""Series and the page order in a real browser: the studio's Series and Arrange pages, and the
visitor's artist page that follows them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from copper.demo_art import artwork_jpeg
from testkit.gallery_stack import gallery_app, served
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.studio.conftest import Studio

pytestmark = pytest.mark.browser

WAIT_SECONDS = 10
TITLES = ("Dawn", "Noon", "Dusk", "Night")


@pytest.fixture(scope="module")
def gallery(studio: Studio) -> Iterator[str]:
    """Serve the visitor gallery over HTTP against the studio's API; yield its URL."""
    with served(gallery_app(studio.stack.api_url)) as url:
        yield url


def shown_titles(tab: Any) -> list[str]:
    """Return the titles of the Arrange list as the page shows them, first to last."""
    return [text.strip() for text in tab.locator(".arrange-item .arrange-title").all_inner_texts()]


def grid_titles(tab: Any) -> list[str]:
    """Return the titles of the gallery grid's works, first to last."""
    return [text.strip() for text in tab.locator("[data-grid] .caption-title").all_inner_texts()]


def wait_until(tab: Any, expression: str) -> None:
    """Poll a page expression until it is true (no `wait_for_function`: the CSPs refuse eval)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not tab.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {WAIT_SECONDS} s: {expression}")
        time.sleep(0.05)


def test_an_artist_groups_works_in_a_series_reorders_them_and_visitors_see_both(
    studio: Studio, page: tuple[Any, ConsoleWatch], gallery: str
) -> None:
    # GIVEN an artist with four published works
    tab, watch = page
    stack = studio.stack
    artist = stack.register("Orla Mezzotint")
    ids = {
        title: stack.upload(artist.token, artwork_jpeg(60 + n, 400), {"title": title})
        for n, title in enumerate(TITLES)
    }
    for artwork_id in ids.values():
        stack.wait_for(artwork_id, artist.token, {"ready"})
    slug = stack.call("GET", "/me", artist.token)["slug"]
    tab.goto(f"{studio.url}/login")
    tab.get_by_label("E-mail address").fill(artist.email)
    tab.get_by_label("Password").fill(artist.password)
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("link", name="Series").wait_for()

    # WHEN they create a series and put two works in it
    tab.get_by_role("link", name="Series").click()
    tab.get_by_label("Title").fill("Harbour studies")
    tab.get_by_label("Description").fill("Boats at rest.")
    tab.get_by_role("button", name="Create series").click()
    tab.get_by_text("Created the series “Harbour studies”.").wait_for()
    for title in ("Dawn", "Dusk"):
        tab.goto(f"{studio.url}/works/{ids[title]}")
        tab.get_by_label("Series", exact=True).select_option(label="Harbour studies")
        tab.get_by_role("button", name="Save details").click()
        tab.get_by_text("Saved.").wait_for()

    # AND arrange their works with the buttons, the keyboard and drag and drop
    tab.get_by_role("link", name="Arrange").click()
    assert shown_titles(tab) == ["Night", "Dusk", "Noon", "Dawn"]
    tab.get_by_role("button", name="Move to top “Dawn”").click()
    assert shown_titles(tab) == ["Dawn", "Night", "Dusk", "Noon"]
    assert tab.evaluate("document.activeElement.value") == f"top:{ids['Dawn']}"
    assert "is now number 1 of 4" in tab.locator("#arrange-status").inner_text()
    tab.get_by_role("button", name="Move down “Night”").focus()
    tab.keyboard.press("Enter")
    assert shown_titles(tab) == ["Dawn", "Dusk", "Night", "Noon"]
    tab.get_by_role("button", name="Move up “Noon”").click()
    assert shown_titles(tab) == ["Dawn", "Dusk", "Noon", "Night"]
    noon = tab.locator(f".arrange-item[data-id='{ids['Noon']}']")
    noon.drag_to(tab.locator(f".arrange-item[data-id='{ids['Dawn']}']"))
    wait_until(tab, "document.querySelector('.arrange-item .arrange-title').textContent === 'Noon'")
    assert shown_titles(tab) == ["Noon", "Dawn", "Dusk", "Night"]
    tab.locator(f".arrange-item[data-id='{ids['Dawn']}']").drag_to(
        tab.locator(f".arrange-item[data-id='{ids['Night']}']")
    )
    wait_until(tab, "document.querySelector('.arrange-item:last-child').dataset.title === 'Dawn'")
    assert shown_titles(tab) == ["Noon", "Dusk", "Night", "Dawn"]
    tab.get_by_role("button", name="Save order").click()
    tab.get_by_text("Saved. Your page shows your works in this order.").wait_for()
    assert shown_titles(tab) == ["Noon", "Dusk", "Night", "Dawn"]
    assert watch.errors == []

    # THEN the visitor's artist page shows the new order, and the series on its own
    tab.goto(f"{gallery}/artists/{slug}")
    nav = tab.get_by_role("navigation", name="Series")
    assert nav.get_by_role("link").all_inner_texts() == ["All works", "Harbour studies"]
    assert grid_titles(tab) == ["Noon", "Dusk", "Night", "Dawn"]
    nav.get_by_role("link", name="Harbour studies").click()
    tab.get_by_role("heading", name="Harbour studies").wait_for()
    assert tab.url.endswith(f"/artists/{slug}?series=harbour-studies")
    assert "Boats at rest." in tab.locator("main").inner_text()
    assert grid_titles(tab) == ["Dusk", "Dawn"]
    tab.goto(f"{gallery}/artworks/{ids['Dusk']}")
    tab.get_by_role("link", name="Harbour studies").click()
    tab.get_by_role("heading", name="Harbour studies").wait_for()
    assert watch.errors == []
