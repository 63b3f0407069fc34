"""An artist's first minute in a real browser: register, drop files, watch them, edit, publish."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest

from copper.demo_art import artwork_jpeg
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.studio.conftest import PASSWORD, Studio, make_admin
from tests.support.images import truncated_jpeg

pytestmark = pytest.mark.browser

DROP = """
([files, selector]) => {
  const transfer = new DataTransfer();
  for (const [name, type, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: type }));
  }
  const zone = document.querySelector(selector);
  for (const kind of ["dragenter", "dragover", "drop"]) {
    const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
    zone.dispatchEvent(new DragEvent(kind, init));
  }
}
"""


def encoded(data: bytes) -> str:
    """Return bytes as base64 text for the page."""
    return base64.b64encode(data).decode()


def register(page: Any, studio: Studio, name: str) -> None:
    """Register a new artist through the form."""
    page.goto(f"{studio.url}/register")
    page.get_by_label("Your name, as visitors will see it").fill(name)
    page.get_by_label("E-mail address").fill(
        f"{name.split()[0].lower()}.{time.monotonic_ns()}@example.com"
    )
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{studio.url}/upload")


def test_an_artist_drops_three_files_and_edits_frames_and_publishes_one(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    register(tab, studio, "Ada Verdigris")
    files = [
        ["Quiet harbour.jpg", "image/jpeg", encoded(artwork_jpeg(21, 900))],
        ["Copper meadow.jpg", "image/jpeg", encoded(artwork_jpeg(22, 900))],
        ["Damaged scan.jpg", "image/jpeg", encoded(truncated_jpeg())],
    ]
    tab.evaluate(DROP, [files, "#dropzone"])
    cards = tab.locator("#upload-list .card")
    cards.first.wait_for()
    assert cards.count() == 3
    tab.wait_for_function(
        "() => document.querySelectorAll('#upload-list .card[data-state=ready]').length === 2"
        " && document.querySelectorAll('#upload-list .card[data-state=rejected]').length === 1",
        timeout=60_000,
    )
    tab.wait_for_function(
        "() => [...document.querySelectorAll('#upload-list .card[data-state=ready] img')]"
        ".filter((img) => img.complete && img.naturalWidth > 0).length === 2"
    )
    rejected = tab.locator("#upload-list .card[data-state=rejected]")
    assert "Damaged scan.jpg" in rejected.inner_text()
    assert rejected.locator(".card-reason").inner_text().strip()
    assert tab.locator("#upload-announcer").get_attribute("aria-live") == "polite"
    tab.screenshot(path=str(artifacts / "studio-upload.png"), full_page=True)

    tab.locator("#upload-list .card", has_text="Quiet harbour.jpg").get_by_role(
        "link", name="Edit details"
    ).click()
    tab.get_by_label("Title").fill("Quiet harbour at dusk")
    tab.get_by_label("Tags").fill("harbour, dusk")
    tab.get_by_role("button", name="Save details").click()
    tab.get_by_text("Saved.").wait_for()

    before = tab.eval_on_selector("#crop-image", "img => getComputedStyle(img).objectPosition")
    box = tab.locator("#focal-image").bounding_box()
    tab.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.5)
    after = tab.eval_on_selector("#crop-image", "img => getComputedStyle(img).objectPosition")
    assert before != after, "the square preview follows the focal point"
    tab.get_by_role("button", name="Save focal point").click()
    tab.get_by_text("Saved at 0.").wait_for()
    tab.get_by_role("button", name="Publish").click()
    tab.get_by_role("button", name="Unpublish").wait_for()
    tab.screenshot(path=str(artifacts / "studio-work.png"), full_page=True)
    assert tab.get_by_label("Title").input_value() == "Quiet harbour at dusk"
    assert watch.errors == []


def test_the_upload_page_is_usable_with_the_keyboard(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    register(tab, studio, "Rufus Ochre")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "skip-link"
    focused = []
    for _ in range(8):
        tab.keyboard.press("Tab")
        focused.append(
            tab.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
    assert "files" in focused, "the file picker is reachable by keyboard"
    tab.set_input_files(
        "#files",
        files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
    )
    card = tab.locator("#upload-list .card[data-state=rejected]")
    card.wait_for()
    assert "not a supported image type" in card.inner_text()
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.screenshot(path=str(artifacts / "studio-upload-phone.png"), full_page=True)
    assert watch.errors == []


def test_an_admin_replays_a_message_that_failed_in_an_index_outage(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    artist = studio.stack.register("Mina Cobalt")
    studio.stack.index_down = True
    try:
        work_id = studio.stack.upload(artist.token, artwork_jpeg(31, 400), {"title": "Signal"})
        deadline = time.monotonic() + 60
        while not any(
            letter.artwork_id == work_id
            for letter in studio.stack.services.maintenance().dead_letters()
        ):
            assert time.monotonic() < deadline, "the message never reached the dead-letter queue"
            time.sleep(0.2)
    finally:
        studio.stack.index_down = False
    email = make_admin(studio.stack)
    tab.goto(f"{studio.url}/login")
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("link", name="Admin").click()
    tab.get_by_role("heading", name="Audit: every upload accounted for?").wait_for()
    tab.screenshot(path=str(artifacts / "studio-admin-audit.png"), full_page=True)
    tab.get_by_role("link", name="Dead letters").click()
    row = tab.locator("table.dlq tbody tr", has_text="“Signal”")
    assert "SearchUnavailable" in row.inner_text() and "Mina Cobalt" in row.inner_text()
    tab.screenshot(path=str(artifacts / "studio-admin-dlq.png"), full_page=True)
    row.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Preview replay").click()
    tab.get_by_text("1 message would go back onto the queue").wait_for()
    tab.screenshot(path=str(artifacts / "studio-admin-replay.png"), full_page=True)
    tab.get_by_role("button", name="Replay 1 message").click()
    tab.get_by_text("Replayed 1 message onto the queue").wait_for()
    studio.stack.wait_for(work_id, artist.token, {"ready"})
    tab.get_by_role("link", name="Search index").click()
    tab.get_by_role("button", name="Rebuild search index").click()
    tab.get_by_text("Search index rebuilt").wait_for()
    assert watch.errors == []
