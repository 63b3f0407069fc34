"""Gallery search in Chromium speaks print-making: techniques, colour words, empty results.

Runs over the seeded demo: Ada's etchings, aquatints and drypoints (tagged "line"), Rufus's
woodcuts and linocuts, Mina's screenprints and risographs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

Page = tuple[Any, Any]


def titles(page: Any, gallery: str, words: str) -> set[str]:
    """Return the titles a search for `words` shows on its first page."""
    page.goto(f"{gallery}/search?q={quote(words)}")
    return set(page.locator(".tiles .caption-title").all_inner_texts())


def test_etching_also_shows_aquatints_and_drypoints_and_says_so(
    gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    found = titles(page, gallery, "aquatint") | titles(page, gallery, "drypoint")
    assert found <= titles(page, gallery, "etching")
    reading = page.locator("[data-interpreted]").inner_text()
    assert reading.startswith("Showing results for") and "aquatint" in reading
    assert watch.errors == []


def test_lino_shows_the_linocuts_not_the_works_tagged_line(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    lino = titles(page, gallery, "lino")
    assert lino == titles(page, gallery, "linocut")
    assert not lino & titles(page, gallery, "etching")


def test_screen_print_and_screenprint_show_the_same_works(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    assert titles(page, gallery, "screen print") == titles(page, gallery, "screenprint")


def test_a_colour_word_is_shown_as_the_colour_it_was_read_as(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    page.goto(f"{gallery}/search?q=gray")
    assert "the colour grey" in page.locator("[data-interpreted]").inner_text()


def test_a_search_that_finds_nothing_keeps_its_facets(gallery: str, desktop: Page) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/search?q=zzzzqqq")
    assert page.locator(".tile").count() == 0
    assert page.locator(".facet-note").is_visible()
    medium = page.locator(".facet", has_text="Medium").locator(".facet-link").first
    value = medium.locator("span").first.inner_text()
    medium.click()
    page.wait_for_url(f"**/search?medium={quote(value)}")
    assert page.locator(".tile").count() >= 1
    assert watch.errors == []


def test_a_colour_chip_names_its_colour(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    page.goto(f"{gallery}/search?colour=1e8c7e")
    assert page.locator(".chip", has_text="colour: teal").count() == 1
