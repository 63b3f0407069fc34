"""A closer look in Chromium: a large work zooms and goes full screen; a small one opens large."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from pipeline.settings import DeepZoom, PipelineSettings
from testkit import images
from testkit.gallery_stack import gallery_app, served
from testkit.stack import LocalStack

pytestmark = pytest.mark.browser
WAIT_SECONDS = 15.0

Page = tuple[Any, Any]
# a 1024 px ladder: works above 1024 px get a pyramid (small tiles keep the test quick)
PIPELINE = PipelineSettings(
    ladder=(320, 640, 1024), deep_zoom=DeepZoom(min_edge=1024, tile_size=254)
)
RECORD_CSP_VIOLATIONS = """
    window.cspViolations = [];
    document.addEventListener("securitypolicyviolation", event => {
        window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
    });
"""


def wait_until(page: Any, expression: str) -> None:
    """Poll `expression` until it is true; Playwright's `wait_for_function` evaluates its
    predicate inside the page, which the gallery's CSP (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {WAIT_SECONDS:g} s: {expression}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def works(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """Serve the gallery over an API with one large and one small work; yield URL and ids."""
    with LocalStack(tmp_path_factory.mktemp("closer-look"), pipeline=PIPELINE) as stack:
        artist = stack.register("Nell Burin")
        large = stack.upload(
            artist.token, images.jpeg(images.photo(2000, 1300, seed=21)), {"title": "Estuary"}
        )
        small = stack.upload(
            artist.token, images.jpeg(images.photo(900, 700, seed=22)), {"title": "Small plate"}
        )
        for artwork_id in (large, small):
            stack.wait_for(artwork_id, artist.token, {"ready"})
        with served(gallery_app(stack.api_url, TESTING=False)) as url:
            yield url, large, small


def opened(page: Any, url: str) -> None:
    """Open a page that records CSP violations."""
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(url)
    page.wait_for_load_state("networkidle")


def zoom_of(page: Any) -> float:
    """Return the viewer's zoom as the page reports it."""
    return float(page.locator("dialog.zoom").get_attribute("data-zoom") or 0)


def test_a_large_work_opens_the_zoom_viewer_which_zooms_by_keys_and_wheel_and_goes_full_screen(
    works: tuple[str, str, str], desktop: Page
) -> None:
    page, watch = desktop
    url, large, _ = works
    opened(page, f"{url}/artworks/{large}")
    # WHEN the visitor asks to zoom
    page.get_by_role("button", name="Zoom in").first.click()
    viewer = page.locator("dialog.zoom")
    page.wait_for_selector("dialog.zoom[data-state=ready]", timeout=15_000)
    assert viewer.evaluate("d => d.open")
    first_tile_ms = viewer.get_attribute("data-first-tile-ms")
    assert first_tile_ms is not None and int(first_tile_ms) >= 0
    wait_until(page, "document.querySelector('dialog.zoom').hasAttribute('data-zoom')")
    home = zoom_of(page)
    # THEN the keyboard zooms in (the canvas has the focus)
    page.keyboard.press("+")
    wait_until(page, f"Number(document.querySelector('dialog.zoom').dataset.zoom) > {home}")
    keyed = zoom_of(page)
    # AND the wheel zooms further
    page.mouse.move(640, 400)
    page.mouse.wheel(0, -400)
    wait_until(page, f"Number(document.querySelector('dialog.zoom').dataset.zoom) > {keyed}")
    # AND the tiles come from the media store
    tiles = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('/tiles/image_files/'))"
    )
    assert tiles
    # AND full screen is requested for the viewer
    viewer.get_by_role("button", name="Full screen").click()
    assert viewer.get_attribute("data-fullscreen") == "requested"
    page.wait_for_timeout(300)
    if page.evaluate("document.fullscreenElement !== null"):
        page.keyboard.press("Escape")  # the first Escape leaves full screen
        wait_until(page, "document.fullscreenElement === null")
    # AND Escape closes the viewer, handing the focus back to its button
    page.keyboard.press("Escape")
    wait_until(page, "!document.querySelector('dialog.zoom').open")
    assert page.evaluate("document.activeElement.classList.contains('look-closer')")
    assert page.evaluate("window.cspViolations") == []
    assert watch.errors == []


def test_a_small_work_opens_a_lightbox_that_escape_closes(
    works: tuple[str, str, str], desktop: Page
) -> None:
    page, watch = desktop
    url, _, small = works
    opened(page, f"{url}/artworks/{small}")
    assert page.locator("dialog.zoom").count() == 0
    page.get_by_role("button", name="View larger").click()
    lightbox = page.locator("dialog.lightbox")
    assert lightbox.evaluate("d => d.open")
    image = lightbox.locator("img")
    wait_until(
        page,
        "() => { const i = document.querySelector('dialog.lightbox img');"
        " return i.complete && i.naturalWidth > 0; }",
    )
    box = image.bounding_box()
    assert box is not None and box["height"] > 600  # larger than on the page's stage
    page.keyboard.press("Escape")
    wait_until(page, "!document.querySelector('dialog.lightbox').open")
    assert page.evaluate("window.cspViolations") == []
    assert watch.errors == []


def test_the_viewer_library_is_loaded_only_when_asked_for(
    works: tuple[str, str, str], desktop: Page
) -> None:
    page, _ = desktop
    url, large, _ = works
    opened(page, f"{url}/artworks/{large}")
    scripts = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in scripts if "openseadragon" in name]
