"""The gallery in Chromium: browse, open a work, search, refine, keyboard only, two widths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.gallery_stack import gallery_app, seeded_stack, served
from testkit.stack import LocalStack

pytestmark = pytest.mark.browser

Page = tuple[Any, Any]
SMALL_PAGE = 4
DESKTOP = {"width": 1280, "height": 800}
MEDIA = re.compile(r"/media/")
RECORD_CSP_VIOLATIONS = """
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", event => {
        window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
    });
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Run one seeded API for the module's galleries."""
    with seeded_stack(tmp_path_factory.mktemp("gallery-e2e")) as running:
        yield running


@pytest.fixture(scope="module")
def gallery(stack: LocalStack) -> Iterator[str]:
    """Serve the gallery over the seeded API (the shared fixture's, on this module's stack)."""
    with served(gallery_app(stack.api_url, TESTING=False, API_CACHE_SECONDS=5.0)) as url:
        yield url


@pytest.fixture(scope="module")
def paged_gallery(stack: LocalStack) -> Iterator[str]:
    """Serve the gallery with pages of four works, so the grid has pages to scroll into."""
    app = gallery_app(stack.api_url, TESTING=False, API_CACHE_SECONDS=5.0, PAGE_SIZE=SMALL_PAGE)
    with served(app) as url:
        yield url


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
    page.wait_for_url(re.compile(r"/artists/[\w-]+/[\w-]+$"))
    settle(page)
    current = page.locator(".stage img").evaluate("img => img.currentSrc")
    assert re.search(r"\.(avif|webp)$", current), current
    assert page.locator("h1").inner_text()
    page.locator(".similar .tile").first.wait_for()
    assert page.locator(".similar .similar-link").count() == 0
    assert watch.errors == []


def test_a_text_search_finds_the_work_and_highlights_the_word(gallery: str, desktop: Page) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/gallery")
    title = page.locator(".justified .caption-title").first.inner_text()
    word = max(title.split(), key=len)
    page.fill("#header-q", word)
    page.press("#header-q", "Enter")
    page.wait_for_url(re.compile(rf"/search\?q={word}$"))
    result = page.locator(".tile", has_text=title)
    assert result.count() == 1
    assert [m.lower() for m in result.locator("mark").all_inner_texts()] == [word.lower()]
    assert page.locator("#q").input_value() == word
    assert watch.errors == []


def facet_narrower_than(page: Any, title: str, total: int) -> tuple[Any, int]:
    """Return a facet link of a group that matches fewer works than `total`, and its count."""
    links = page.locator(".facet", has_text=title).locator(".facet-link")
    for index in range(links.count()):
        count = int(links.nth(index).locator(".count").inner_text())
        if count < total:
            return links.nth(index), count
    raise AssertionError(f"no {title} facet narrows {total} works")


def test_a_facet_narrows_the_results_and_the_back_button_undoes_it(
    gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    page.goto(f"{gallery}/search")
    all_works = page.locator(".tile").count()
    assert all_works == 9
    facet, count = facet_narrower_than(page, "Medium", all_works)
    medium = facet.locator("span").first.inner_text()
    facet.click()
    page.wait_for_url(re.compile(r"medium="))
    assert 0 < page.locator(".tile").count() == count < all_works
    assert page.locator('.facet-link.is-on[aria-current="true"]').count() == 1
    assert page.locator(".chip", has_text=f"medium: {medium}").count() == 1
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
    assert page.locator(".chip", has_text="colour: ").count() == 1
    assert page.locator(".chip", has_text="#").count() == 0
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
    assert href and href.startswith("/artists/")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    assert watch.errors == []


PLACEHOLDER_FITS = """input => {
    input.value = input.placeholder;  // typed text is laid out exactly as the placeholder
    const fits = input.scrollWidth <= input.clientWidth;
    input.value = "";
    return fits;
}"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_header_search_placeholder_is_shown_whole(
    gallery: str, width: str, request: pytest.FixtureRequest
) -> None:
    page, _ = request.getfixturevalue(width)
    page.goto(f"{gallery}/")
    assert page.locator("#header-q").evaluate(PLACEHOLDER_FITS)


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
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    for name, path in pages.items():
        page.goto(f"{gallery}{path}")
        settle(page)
        assert page.evaluate("window.cspViolations") == [], name
        page.screenshot(path=str(artifacts / f"web-{name}-{width}.png"), full_page=True)
    not_found = [e for e in watch.errors if "404" in e]
    assert [e for e in watch.errors if e not in not_found] == []


def cell_count(page: Any) -> int:
    """Return how many works the grid shows."""
    return page.locator(".justified .cell").count()


def test_infinite_scroll_appends_every_page_of_the_grid_with_placeholders(
    paged_gallery: str, desktop: Page
) -> None:
    page, watch = desktop
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    response = page.goto(f"{paged_gallery}/gallery")
    assert response is not None
    assert response.text().count('class="cell"') == SMALL_PAGE  # the server sends one page
    for _ in range(40):
        if cell_count(page) == 9:
            break
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(250)
    assert cell_count(page) == 9
    assert page.locator("[data-more]").count() == 0
    assert page.url == f"{paged_gallery}/gallery"
    hrefs = page.locator(".justified .cell-link").evaluate_all("a => a.map(l => l.href)")
    assert len(set(hrefs)) == 9
    painted = page.locator(".justified .frame").evaluate_all(
        "frames => frames.map(f => f.style.backgroundImage)"
    )
    assert all(p.startswith('url("data:image/png') for p in painted), painted
    assert page.evaluate("window.cspViolations") == []
    assert watch.errors == []


def test_without_javascript_the_more_works_link_pages_through_the_grid(
    paged_gallery: str, browser: Any
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{paged_gallery}/gallery")
        seen: list[str] = []
        while True:
            seen += page.locator(".justified .cell-link").evaluate_all("a => a.map(l => l.href)")
            more = page.locator("[data-more]")
            if more.count() == 0:
                break
            with page.expect_navigation():
                more.click()
        assert len(seen) == len(set(seen)) == 9
    finally:
        context.close()


class ImageGate:
    """A route handler that holds image requests until released, then lets every one through."""

    def __init__(self) -> None:
        self.held: list[Any] = []
        self.open = False

    def __call__(self, route: Any) -> None:
        """Hold the request, or let it through once released."""
        if self.open:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        """Let the held requests and every later one through."""
        self.open = True
        for route in self.held:
            route.continue_()


def test_placeholders_are_painted_before_the_images_arrive(gallery: str, desktop: Page) -> None:
    page, watch = desktop
    gate = ImageGate()
    page.route(MEDIA, gate)
    page.goto(f"{gallery}/gallery", wait_until="domcontentloaded")
    page.wait_for_function("document.querySelectorAll('[data-blurhash]').length === 0")
    page.wait_for_function("document.querySelector('.justified img[data-loading]') !== null")
    frames = page.locator(".justified .frame")
    first = frames.first
    assert first.evaluate("f => f.style.backgroundImage").startswith('url("data:image/png')
    tint = first.evaluate("f => getComputedStyle(f).getPropertyValue('--tint').trim()")
    colour = first.evaluate("f => getComputedStyle(f).backgroundColor")
    assert re.fullmatch(r"#[0-9a-f]{6}", tint)
    assert colour == "rgb({}, {}, {})".format(*(int(tint[i : i + 2], 16) for i in (1, 3, 5)))
    image = first.locator("img")
    assert image.evaluate("img => !img.complete && img.hasAttribute('data-loading')")
    assert gate.held, "no image request was held"
    gate.release()
    image.evaluate("img => img.decode()")
    page.wait_for_function("img => !img.hasAttribute('data-loading')", arg=image.element_handle())
    assert watch.errors == []
