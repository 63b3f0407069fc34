"""The gallery in Chromium: browse, open a work, search, refine, keyboard only, two widths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

Page = tuple[Any, Any]


def settle(page: Any) -> None:
    """Scroll through the page so lazy images load, then wait until the network is idle."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 400) {
                window.scrollTo(0, y);
                await new Promise(r => setTimeout(r, 50));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")


def test_the_grid_shows_every_work_with_loaded_images(gallery: str, desktop: Page) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/gallery")
    settle(page)
    cells = page.locator(".justified .cell")
    assert cells.count() == 9
    first = cells.first.locator("img")
    assert first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert watch.errors == []


def test_an_artwork_page_gets_avif_or_webp_from_the_browsers_choice(
    gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/gallery")
    page.locator(".justified .cell a").first.click()
    page.wait_for_url(re.compile(r"/artworks/\w+$"))
    settle(page)
    current = page.locator(".stage img").evaluate("img => img.currentSrc")
    assert re.search(r"\.(avif|webp)$", current), current
    assert page.locator("h1").inner_text()
    page.locator(".similar .tile").first.wait_for()
    assert page.locator(".similar .similar-link").count() == 0
    assert watch.errors == []


def test_a_text_search_then_a_facet_narrow_the_results_in_the_url(
    gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/search")
    all_works = page.locator(".tile").count()
    page.fill("#q", "print")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=print"))
    page.goto(f"{gallery}/search")
    facet = page.locator(".facet", has_text="Medium").locator(".facet-link").first
    count = int(facet.locator(".count").inner_text())
    facet.click()
    page.wait_for_url(re.compile(r"medium="))
    assert page.locator(".tile").count() == count < all_works or count == all_works
    assert page.locator('.facet-link.is-on[aria-current="true"]').count() == 1
    page.go_back()
    page.wait_for_url(re.compile(r"/search$"))
    assert page.locator(".tile").count() == all_works
    assert watch.errors == []


def test_searching_by_a_words_typo_still_finds_the_work(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    page.goto(f"{gallery}/gallery")
    title = page.locator(".justified .caption-title").first.inner_text()
    word = max(title.split(), key=len)
    if len(word) < 5:
        pytest.skip(f"no word long enough for a typo in {title!r}")
    typo = word[:-2] + word[-1] + word[-2]
    page.goto(f"{gallery}/search?q={typo}")
    assert title in page.locator(".tiles").inner_text()


def test_a_palette_swatch_searches_by_that_colour(gallery: str, desktop: Page) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/gallery")
    page.locator(".justified .cell a").first.click()
    page.locator(".artwork .swatch").first.click()
    page.wait_for_url(re.compile(r"/search\?colour=[0-9a-f]{6}$"))
    assert page.locator(".tile").count() >= 1
    assert page.locator(".chip", has_text="colour #").count() == 1
    assert watch.errors == []


def test_the_colour_picker_adds_a_colour_to_the_search(gallery: str, desktop: Page) -> None:
    page, _ = desktop
    page.goto(f"{gallery}/search?q=print")
    page.locator("#colour-picker").evaluate("input => { input.value = '#2e5e8c'; }")
    page.get_by_role("button", name="Find this colour").click()
    page.wait_for_url(re.compile(r"colour=2e5e8c"))
    assert "q=print" in page.url


def test_keyboard_only_a_visitor_skips_to_content_tabs_to_a_card_and_opens_it(
    gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/gallery")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cell-link')"):
            break
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href and href.startswith("/artworks/")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert watch.errors == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_of_every_page_at_desktop_and_phone_widths_have_no_console_errors(
    gallery: str, width: str, request: pytest.FixtureRequest, artifacts: Path
) -> None:
    page, watch = request.getfixturevalue(width)
    page.goto(f"{gallery}/gallery")
    artwork_path = page.locator(".justified .cell a").first.get_attribute("href")
    artist_path = "/artists/ada-verdigris"
    pages = {
        "home": "/",
        "gallery": "/gallery",
        "artwork": artwork_path,
        "artist": artist_path,
        "search": "/search?q=print",
        "search-empty": "/search?q=zzzzqqq",
        "not-found": "/nope",
    }
    for name, path in pages.items():
        page.goto(f"{gallery}{path}")
        settle(page)
        page.screenshot(path=str(artifacts / f"web-{name}-{width}.png"), full_page=True)
    not_found = [e for e in watch.errors if "404" in e]
    assert [e for e in watch.errors if e not in not_found] == []
