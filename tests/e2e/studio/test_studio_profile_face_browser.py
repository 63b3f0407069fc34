"""An artist's face in a real browser: a portrait, links and a cover in the studio, seen in
the gallery; a logo uploaded and chosen as the watermark, drawn in the live preview."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copper.demo_art import artwork_jpeg
from testkit.gallery_stack import gallery_app, served
from testkit.images import alpha_png, jpeg, photo
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.studio.conftest import Studio

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def gallery(studio: Studio) -> Iterator[str]:
    """Serve the visitor gallery over HTTP against the studio's API; yield its URL."""
    with served(gallery_app(studio.stack.api_url)) as url:
        yield url


def wait_until(page: Any, script: str, timeout: float = 20) -> Any:
    """Poll `script` in the page until it is truthy (no in-page eval: the CSP forbids it)."""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(script)):
        if time.monotonic() > deadline:
            raise TimeoutError(script)
        time.sleep(0.1)
    return value


def log_in(page: Any, studio: Studio, email: str, password: str) -> None:
    """Log in through the studio's form."""
    page.goto(f"{studio.url}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{studio.url}/**")


def test_a_portrait_links_and_cover_set_in_the_studio_show_in_the_gallery(
    studio: Studio, gallery: str, page: tuple[Any, ConsoleWatch], tmp_path: Path
) -> None:
    tab, watch = page
    name = f"Iris{secrets.token_hex(3)} Face"
    artist = studio.stack.register(name)
    older = studio.stack.upload(artist.token, artwork_jpeg(3, 900), {"title": "Harbour"})
    studio.stack.wait_for(older, artist.token, ("ready",))
    newer = studio.stack.upload(artist.token, artwork_jpeg(5, 900), {"title": "Pines"})
    studio.stack.wait_for(newer, artist.token, ("ready",))
    log_in(tab, studio, artist.email, artist.password)
    # GIVEN a phone photo larger than the 4 MiB limit (the page makes it smaller)
    big = tmp_path / "phone.jpg"
    big.write_bytes(jpeg(photo(3000, 2200, 9), quality=100) + b"\0" * (4 * 1024 * 1024))
    tab.goto(f"{studio.url}/profile")
    tab.set_input_files("#portrait", str(big))
    tab.get_by_role("button", name="Upload portrait").click()
    tab.get_by_text("Your portrait is saved.").wait_for()
    assert tab.locator("#portrait-image").get_attribute("alt") == f"Portrait of {name}"
    # WHEN they add links and choose their older work as the cover
    tab.fill("#link_label_0", "Shop")
    tab.fill("#link_url_0", "https://shop.example/iris")
    tab.fill("#link_url_1", "https://iris.example")
    tab.check(f"#cover_{older}")
    tab.get_by_role("button", name="Save profile").click()
    tab.get_by_text("Saved.").wait_for()
    assert tab.is_checked(f"#cover_{older}")
    # THEN the gallery's artist page shows the portrait and the links
    slug = studio.stack.call("GET", "/me", artist.token)["slug"]
    tab.goto(f"{gallery}/artists/{slug}")
    portrait = tab.get_by_alt_text(f"Portrait of {name}").first
    portrait.wait_for()
    assert (portrait.get_attribute("width"), portrait.get_attribute("height")) == ("160", "160")
    wait_until(tab, "() => document.querySelector('.artist-portrait').naturalWidth > 0")
    shop = tab.get_by_role("link", name="Shop")
    assert shop.get_attribute("href") == "https://shop.example/iris"
    assert shop.get_attribute("rel") == "me noopener"
    assert tab.get_by_role("link", name="iris.example").count() == 1
    # AND the directory card is the chosen cover, with the small portrait
    tab.goto(f"{gallery}/artists")
    card = tab.locator(".artist-card", has_text=name)
    assert card.get_by_alt_text(f"Portrait of {name}").count() == 1
    assert "Harbour" in (card.locator(".cover-frame img").get_attribute("alt") or "")
    assert not watch.errors


def test_a_logo_is_uploaded_previewed_and_turned_on_as_the_watermark(
    studio: Studio, page: tuple[Any, ConsoleWatch], tmp_path: Path
) -> None:
    tab, watch = page
    artist = studio.stack.register(f"Lena{secrets.token_hex(3)} Mark")
    log_in(tab, studio, artist.email, artist.password)
    logo = tmp_path / "logo.png"
    logo.write_bytes(alpha_png(photo(600, 300, 4)))
    tab.goto(f"{studio.url}/profile")
    tab.set_input_files("#logo", str(logo))
    tab.get_by_role("button", name="Upload logo").click()
    tab.get_by_text("Your logo is saved.").wait_for()
    wait_until(tab, "() => document.getElementById('logo-image').naturalWidth > 0")
    # WHEN the artist chooses the logo as their watermark
    tab.check("#watermark_enabled")
    tab.check("#watermark_kind_logo")
    # THEN the live preview draws the logo
    wait_until(tab, "() => document.getElementById('watermark-preview').dataset.mark === 'logo'")
    tab.get_by_role("button", name="Save profile").click()
    tab.get_by_text("Saved.").wait_for()
    mark = studio.stack.call("GET", "/me", artist.token)["watermark"]
    assert (mark["enabled"], mark["kind"]) == (True, "logo")
    assert tab.is_checked("#watermark_kind_logo")
    assert not watch.errors
