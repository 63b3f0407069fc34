"""Curated slots in Chromium: featured works keep their own shape, never cropped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from testkit.gallery_stack import gallery_app, seeded_stack, served
from testkit.images import photo
from testkit.stack import LocalStack

pytestmark = pytest.mark.browser

Page = tuple[Any, Any]
SHAPES = {"portrait": (800, 1200), "panorama": (1500, 600), "landscape": (1200, 900)}
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Run the seeded API (one work per demo artist)."""
    with seeded_stack(tmp_path_factory.mktemp("curation-e2e"), per_artist=1) as running:
        yield running


@pytest.fixture(scope="module")
def shaped(stack: LocalStack) -> dict[str, str]:
    """Publish a portrait, a 2.5:1 panorama and a landscape by one artist; return their ids."""
    stack.register("Nobody Yet", "Has published nothing.")
    artist = stack.register("Iris Umber", "Iris Umber prints panoramas of estuaries.")
    ids = {}
    for name, (width, height) in SHAPES.items():
        image = photo(width, height, seed=width).jpegsave_buffer(Q=85)
        ids[name] = stack.upload(artist.token, image, {"title": f"Estuary {name}"})
    for artwork_id in ids.values():
        stack.wait_for(artwork_id, artist.token, {"ready"})
    stack.call("PATCH", "/me", artist.token, json={"contact_email": "iris@studio.example"})
    collector = {"edition_number": 12, "edition_size": 30, "paper": "Somerset velvet"}
    collector |= {"signed": True, "availability": "available", "price": "450", "currency": "GBP"}
    stack.call("PATCH", f"/me/artworks/{ids['panorama']}", artist.token, json=collector)
    return ids


@pytest.fixture(scope="module")
def curated(stack: LocalStack, shaped: dict[str, str]) -> Iterator[str]:
    """Serve the gallery featuring the three shaped works."""
    featured = ",".join(shaped[name] for name in ("panorama", "portrait", "landscape"))
    app = gallery_app(stack.api_url, TESTING=False, FEATURED=featured)
    with served(app) as url:
        yield url


MEASURE = """items => items.map(item => {
    const frame = item.querySelector('.frame').getBoundingClientRect();
    const img = item.querySelector('img');
    const box = img.getBoundingClientRect();
    return {
        href: item.querySelector('a').getAttribute('href'),
        frame: frame.width / frame.height,
        box: box.width / box.height,
        natural: img.naturalWidth / img.naturalHeight,
        fit: getComputedStyle(img).objectFit,
        width: frame.width,
        rowWidth: item.parentElement.getBoundingClientRect().width,
        source: img.currentSrc,
    };
})"""


def settle(page: Any) -> None:
    """Scroll through the page so lazy images load, then wait for the network to be idle."""
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 300) {
                window.scrollTo(0, y);
                await new Promise(r => setTimeout(r, 60));
            }
            window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("viewport", [(1280, 800), (1920, 1080), (390, 844)])
def test_featured_works_keep_their_own_aspect_ratio_uncropped(
    curated: str, shaped: dict[str, str], open_page: Any, viewport: tuple[int, int]
) -> None:
    page, watch = open_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(f"{curated}/")
    settle(page)
    measured = page.locator(".featured-item").evaluate_all(MEASURE)
    by_slug = {m["href"].rsplit("/", 1)[-1]: m for m in measured}  # the works' readable URLs
    for name, (width, height) in SHAPES.items():
        seen = by_slug[f"estuary-{name}"]
        assert seen["frame"] == pytest.approx(width / height, rel=TOLERANCE), name
        assert seen["box"] == pytest.approx(seen["natural"], rel=TOLERANCE), name
        assert seen["fit"] in {"contain", "cover"}
    panorama, portrait = by_slug["estuary-panorama"], by_slug["estuary-portrait"]
    assert panorama["width"] == pytest.approx(panorama["rowWidth"], abs=1)
    assert portrait["frame"] < 1
    assert watch.errors == []


def test_featured_images_grow_with_wide_screens(
    curated: str, shaped: dict[str, str], open_page: Any
) -> None:
    page, _ = open_page(viewport={"width": 1920, "height": 1080}, device_scale_factor=2)
    page.goto(f"{curated}/")
    settle(page)
    measured = page.locator(".featured-item").evaluate_all(MEASURE)
    panorama = next(m for m in measured if m["href"].endswith("/estuary-panorama"))
    assert "/1024px." in panorama["source"], panorama["source"]  # the test ladder's largest


COVERS = """cards => cards.map(card => {
    const img = card.querySelector('img');
    const box = img.getBoundingClientRect();
    return {
        name: card.querySelector('.artist-card-name').textContent,
        box: box.width / box.height,
        natural: img.naturalWidth / img.naturalHeight,
        loaded: img.complete && img.naturalWidth > 0,
    };
})"""


def test_the_artists_page_shows_cards_with_whole_covers_and_no_empty_accounts(
    curated: str, open_page: Any
) -> None:
    page, watch = open_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{curated}/artists")
    settle(page)
    cards = page.locator(".artist-card").evaluate_all(COVERS)
    names = [card["name"] for card in cards]
    assert "Iris Umber" in names and "Nobody Yet" not in names
    assert len(names) == 4
    for card in cards:
        assert card["loaded"], card["name"]
        assert card["box"] == pytest.approx(card["natural"], rel=TOLERANCE), card["name"]
    assert watch.errors == []


def test_an_artwork_page_speaks_to_a_collector_not_in_pixels(
    curated: str, shaped: dict[str, str], open_page: Any
) -> None:
    page, watch = open_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{curated}/artworks/{shaped['panorama']}")
    facts = page.locator(".facts").inner_text()
    assert "12 of 30" in facts and "Somerset velvet" in facts and "£450" in facts
    assert "dpi" not in facts and " px" not in facts
    enquire = page.get_by_role("link", name="Enquire about this print")
    assert enquire.get_attribute("href").startswith("mailto:iris@studio.example?subject=")
    assert watch.errors == []


def test_the_gallery_sets_its_type_in_its_own_fonts_and_asks_no_one_else(
    curated: str, open_page: Any
) -> None:
    page, watch = open_page(viewport={"width": 1280, "height": 800})
    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
    page.goto(f"{curated}/artists")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert {"Source Serif 4", "Source Sans 3"} <= {family.strip('"') for family in loaded}
    assert fonts and all(url.startswith(f"{curated}/static/fonts/") for url in fonts)
    heading = page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
    assert heading.startswith('"Source Serif 4"')
    assert watch.errors == []
