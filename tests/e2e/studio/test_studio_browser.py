"""An artist's first minute in a real browser: register, drop files, watch them, edit, publish,
and find the work in the visitor gallery."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copper.demo_art import artwork_jpeg
from testkit.gallery_stack import gallery_app, served
from testkit.images import truncated_jpeg
from tests.e2e.conftest import ConsoleWatch, OpenPage
from tests.e2e.studio.conftest import PASSWORD, Studio, make_admin

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


# Record every state a card's progress bar goes through: (card state, shown, value, detail).
WATCH_PROGRESS = """
() => {
  window.progressSeen = [];
  const list = document.getElementById("upload-list");
  new MutationObserver(() => {
    for (const card of list.querySelectorAll(".card")) {
      const bar = card.querySelector("progress");
      const detail = card.querySelector(".card-detail").textContent;
      const value = bar.getAttribute("value");
      window.progressSeen.push([card.dataset.state, !bar.hidden, value, detail]);
    }
  }).observe(list, { attributes: true, childList: true, subtree: true, characterData: true });
}
"""


# True once a progress bar is shown and past a fifth of its way (the upload is under way).
UNDER_WAY = "(bar) => !bar.hidden && bar.value > 20 && bar.value < 100"


@pytest.fixture(scope="module")
def gallery(studio: Studio) -> Iterator[str]:
    """Serve the visitor gallery over HTTP against the studio's API; yield its URL."""
    with served(gallery_app(studio.stack.api_url)) as url:
        yield url


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


def settle_images(tab: Any, found: Any) -> None:
    """Wait until the images of a located element have loaded (lazy ones scrolled into view)."""
    found.scroll_into_view_if_needed()
    tab.wait_for_function(
        "(el) => { const images = [...el.querySelectorAll('img')];"
        " return images.length > 0"
        " && images.every((img) => img.complete && img.naturalWidth > 0); }",
        arg=found.element_handle(),
    )


def visitor_finds(tab: Any, gallery: str, title: str, word: str, artifacts: Path) -> None:
    """As a visitor, see the work in the gallery's grid and find it by a word of its title."""
    tab.goto(f"{gallery}/gallery")
    cell = tab.locator(".justified .cell", has_text=title)
    assert cell.count() == 1, "the published work is in the gallery's grid"
    settle_images(tab, cell)
    tab.screenshot(path=str(artifacts / "story-gallery-grid.png"), full_page=True)
    tab.goto(f"{gallery}/search?q={word}")
    hit = tab.locator(".tiles .tile", has_text=title)
    assert hit.count() == 1, "search finds the work by a word of its title"
    assert [m.lower() for m in hit.locator("mark").all_inner_texts()] == [word]
    settle_images(tab, hit)
    tab.screenshot(path=str(artifacts / "story-gallery-search.png"), full_page=True)


def test_an_artist_drops_three_files_and_edits_frames_and_publishes_one(
    studio: Studio,
    gallery: str,
    page: tuple[Any, ConsoleWatch],
    open_page: OpenPage,
    artifacts: Path,
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
    assert rejected.locator(".thumb-placeholder").is_visible()
    assert rejected.locator(".thumb-text").inner_text() == "No preview"
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
    tab.locator("#focal-image").scroll_into_view_if_needed()
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

    visitor, seen = open_page(viewport={"width": 1280, "height": 900})
    visitor_finds(visitor, gallery, "Quiet harbour at dusk", "dusk", artifacts)
    assert seen.errors == []


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


def test_an_admin_replays_a_message_that_failed_in_a_storage_outage(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    artist = studio.stack.register("Mina Cobalt")
    studio.stack.uploads_down = True
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
        studio.stack.uploads_down = False
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
    assert "StorageUnavailable" in row.inner_text() and "Mina Cobalt" in row.inner_text()
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


def refuse_first_upload(tab: Any, studio: Studio) -> list[str]:
    """Make storage refuse the first upload (an expired form), pass the rest; log each outcome."""
    outcomes: list[str] = []
    refusal = {"error": {"code": "expired", "message": "the upload form has expired"}}

    def handle(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif not outcomes:
            outcomes.append("refused")
            route.fulfill(
                status=403,
                headers={"Access-Control-Allow-Origin": studio.url},
                content_type="application/json",
                body=json.dumps(refusal),
            )
        else:
            outcomes.append("passed")
            route.continue_()

    tab.route(f"{studio.stack.api_url}/uploads", handle)
    return outcomes


def throttle_uploads(tab: Any, bytes_per_second: int) -> None:
    """Slow the page's uploads (Chromium's network emulation) so progress has steps to show."""
    session = tab.context.new_cdp_session(tab)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_an_upload_storage_refuses_fails_with_a_retry_that_reaches_ready(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    register(tab, studio, "Iris Malachite")
    outcomes = refuse_first_upload(tab, studio)
    tab.evaluate(WATCH_PROGRESS)
    files = [["Lighthouse.jpg", "image/jpeg", encoded(artwork_jpeg(41, 1600))]]
    tab.evaluate(DROP, [files, "#dropzone"])
    card = tab.locator("#upload-list .card", has_text="Lighthouse.jpg")
    tab.locator("#upload-list .card[data-state=failed]").wait_for()
    assert "the upload form has expired" in card.locator(".card-reason").inner_text()
    assert card.locator(".thumb-text").inner_text() == "No preview"
    retry = card.get_by_role("button", name="Retry")
    assert retry.is_visible()
    tab.screenshot(path=str(artifacts / "studio-upload-failed.png"), full_page=True)

    throttle_uploads(tab, bytes_per_second=150_000)
    retry.click()
    bar = card.locator("progress")
    tab.wait_for_function(UNDER_WAY, arg=bar.element_handle())
    assert bar.is_visible() and card.get_attribute("data-state") == "uploading"
    assert card.locator(".card-detail").inner_text().endswith("%")
    tab.screenshot(path=str(artifacts / "studio-upload-progress.png"), full_page=True)
    tab.locator("#upload-list .card[data-state=ready] img").wait_for()
    assert outcomes == ["refused", "passed"]
    assert not retry.is_visible() and not bar.is_visible()
    assert card.locator(".card-thumb img").evaluate("img => img.complete && img.naturalWidth > 0")
    seen = tab.evaluate("window.progressSeen")
    values = [int(value) for state, shown, value, _ in seen if state == "uploading" and shown]
    retried = values[len(values) - values[::-1].index(0) :]  # after the retry reset it to 0
    assert retried == sorted(retried) and retried[-1] == 100, retried
    assert len({v for v in retried if 0 < v < 100}) >= 3, "the bar advances in steps"
    tab.screenshot(path=str(artifacts / "studio-upload-retried.png"), full_page=True)
    refused = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    assert watch.errors == [refused], "only the refused upload is logged"


FORM_KEY = re.compile(rb'name="key"\r\n\r\n([^\r]+)\r\n')


def interrupt_first_upload(tab: Any, studio: Studio) -> list[tuple[str, str]]:
    """Cut the first upload off with a network error, pass the rest; log (outcome, form key)."""
    posts: list[tuple[str, str]] = []

    def handle(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        found = FORM_KEY.search(route.request.post_data_buffer or b"")
        key = found.group(1).decode() if found else ""
        if not posts:
            posts.append(("interrupted", key))
            route.abort("connectionreset")
        else:
            posts.append(("passed", key))
            route.continue_()

    tab.route(f"{studio.stack.api_url}/uploads", handle)
    return posts


def test_an_interrupted_replacement_is_retried_with_a_new_form_and_replaces_the_file(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    artist = studio.stack.register("Nell Bistre")
    work_id = studio.stack.upload(artist.token, artwork_jpeg(51, 600), {"title": "Tide"})
    before = studio.stack.wait_for(work_id, artist.token, {"ready"})
    tab.goto(f"{studio.url}/login")
    tab.get_by_label("E-mail address").fill(artist.email)
    tab.get_by_label("Password").fill(artist.password)
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("link", name="My works").wait_for()
    tab.goto(f"{studio.url}/works/{work_id}")
    actions = tab.locator("#file-actions")
    assert actions.get_by_role("button", name="Retry processing").count() == 0
    actions.get_by_role("link", name="Replace the file").click()
    tab.get_by_role("heading", name="Replace the file of “Tide”").wait_for()

    posts = interrupt_first_upload(tab, studio)
    new_file = {
        "name": "Tide, larger.jpg",
        "mimeType": "image/jpeg",
        "buffer": artwork_jpeg(52, 1400),
    }
    tab.locator("#files").set_input_files(new_file)
    card = tab.locator("#upload-list .card", has_text="Tide, larger.jpg")
    tab.locator("#upload-list .card[data-state=failed]").wait_for()
    assert "interrupted" in card.locator(".card-reason").inner_text()
    tab.screenshot(path=str(artifacts / "studio-replace-interrupted.png"), full_page=True)
    card.get_by_role("button", name="Retry").click()
    tab.locator("#upload-list .card[data-state=ready]").wait_for()
    tab.screenshot(path=str(artifacts / "studio-replace-done.png"), full_page=True)

    assert [outcome for outcome, _ in posts] == ["interrupted", "passed"]
    first_key, second_key = (key for _, key in posts)
    assert first_key and second_key and first_key != second_key, "the retry used a new form"
    deadline = time.monotonic() + 60
    while studio.stack.artwork(work_id, artist.token)["facts"]["width"] == before["facts"]["width"]:
        assert time.monotonic() < deadline, "the new file never replaced the old one"
        time.sleep(0.2)
    assert studio.stack.artwork(work_id, artist.token)["status"] == "ready"
    assert all("net::ERR_" in error for error in watch.errors), watch.errors
