"""A batch of uploads, refused files, thumbnails, duplicates and the watermark preview, in a
real browser over a real local stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from copper.demo_art import artwork_image, artwork_jpeg
from testkit.images import jpeg, truncated_jpeg, xmp_packet
from tests.e2e.conftest import ConsoleWatch
from tests.e2e.studio.conftest import Studio
from tests.e2e.studio.test_studio_browser import DROP, encoded, register

pytestmark = pytest.mark.browser

# Record each card's states, whether it ever showed the dropped file itself, and the summary.
WATCH_BATCH = """
() => {
  window.seen = { states: new Set(), badges: new Set(), local: 0, summaries: [] };
  const list = document.getElementById("upload-list");
  const summary = document.querySelector("#upload-summary .summary-count");
  new MutationObserver(() => {
    for (const card of list.querySelectorAll(".card")) {
      window.seen.states.add(card.dataset.state);
      window.seen.badges.add(card.querySelector(".badge").textContent);
      const img = card.querySelector(".card-thumb img.local-preview");
      if (img && img.src.startsWith("blob:")) window.seen.local += 1;
    }
    window.seen.summaries.push(summary.textContent);
  }).observe(list, { attributes: true, childList: true, subtree: true, characterData: true });
}
"""
SEEN = (
    "() => ({ states: [...window.seen.states], badges: [...window.seen.badges],"
    " local: window.seen.local, summaries: window.seen.summaries })"
)


def log_in(tab: Any, studio: Studio, email: str, password: str) -> None:
    """Log in through the form."""
    tab.goto(f"{studio.url}/login")
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("link", name="My works").wait_for()


def test_a_batch_shows_its_line_and_progress_and_refused_files_are_replaced_or_discarded(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    register(tab, studio, "Tess Umber")
    tab.evaluate(WATCH_BATCH)
    titled = jpeg(artwork_image(61, 700), xmp=xmp_packet("Harbour at dusk", "Boats", ("quay",)))
    files = [
        ["IMG_0061.jpg", "image/jpeg", encoded(titled)],
        *[[f"Print {n}.jpg", "image/jpeg", encoded(artwork_jpeg(61 + n, 500))] for n in range(4)],
        ["Damaged one.jpg", "image/jpeg", encoded(truncated_jpeg())],
        ["Damaged two.jpg", "image/jpeg", encoded(truncated_jpeg())],
    ]
    tab.evaluate(DROP, [files, "#dropzone"])
    summary = tab.locator("#upload-summary .summary-count")
    tab.wait_for_function(
        "() => document.querySelector('#upload-summary .summary-count').textContent"
        " === '5 of 7 ready'"
        " && document.querySelectorAll('#upload-list .card[data-state=rejected]').length === 2",
        timeout=90_000,
    )
    seen = tab.evaluate(SEEN)
    assert "waiting" in seen["states"] and "Waiting in line" in seen["badges"]
    assert seen["local"] > 0, "a dropped file is shown before its upload completes"
    assert any(text.startswith("0 of 7") for text in seen["summaries"])
    assert "2 refused" in tab.locator("#upload-summary .summary-detail").inner_text()
    tab.screenshot(path=str(artifacts / "studio-batch.png"), full_page=True)

    # A refused file takes a new one on its own card; the other is discarded.
    first = tab.locator("#upload-list .card", has_text="Damaged one.jpg")
    second = tab.locator("#upload-list .card", has_text="Damaged two.jpg")
    assert first.get_by_role("button", name="Upload a new file").is_visible()
    first.locator(".card-file").set_input_files(
        {"name": "Fixed.jpg", "mimeType": "image/jpeg", "buffer": artwork_jpeg(70, 500)}
    )
    second.get_by_role("button", name="Discard").click()
    tab.wait_for_function(
        "() => document.querySelector('#upload-summary .summary-count').textContent"
        " === '6 of 6 ready'",
        timeout=60_000,
    )
    assert tab.locator("#upload-list .card", has_text="Damaged two.jpg").count() == 0
    assert tab.locator("#upload-list .card", has_text="Fixed.jpg").get_attribute("data-state") == (
        "ready"
    )
    assert summary.inner_text() == "6 of 6 ready"

    # The file's own title replaced its name; the ready ones are edited and published together.
    tab.get_by_role("link", name="Edit the ready ones together").click()
    tab.get_by_role("heading", name="My works").wait_for()
    assert tab.locator(".card", has_text="Harbour at dusk").count() == 1
    assert tab.locator(".card", has_text="IMG_0061").count() == 0
    assert tab.locator("input[name=selected]:checked").count() == 6
    tab.get_by_label("Add tags").fill("harbour series")
    tab.get_by_role("button", name="Apply to chosen works").click()
    tab.get_by_text("Updated 6 works.").wait_for()
    tab.locator("input[name=selected]").first.wait_for()
    for box in tab.locator("input[name=selected]").all():
        box.check()
    tab.get_by_role("button", name="Publish chosen works").click()
    tab.get_by_text("Published 6 works.").wait_for()
    assert tab.locator(".card .badge-published").count() == 6
    tab.screenshot(path=str(artifacts / "studio-bulk.png"), full_page=True)
    assert watch.errors == []


def test_a_refused_work_offers_a_new_file_but_no_publish_and_the_thumbnail_follows_the_focus(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    artist = studio.stack.register("Vera Sepia")
    refused = studio.stack.upload(
        artist.token, truncated_jpeg(), {"title": "Broken"}, publish=False
    )
    studio.stack.wait_for(refused, artist.token, {"rejected"})
    wide = studio.stack.upload(artist.token, artwork_jpeg(81, 900), {"title": "Wide"})
    before = studio.stack.wait_for(wide, artist.token, {"ready"})
    log_in(tab, studio, artist.email, artist.password)

    tab.goto(f"{studio.url}/works/{refused}")
    actions = tab.locator("#file-actions")
    assert actions.get_by_role("link", name="Upload a new file").is_visible()
    assert actions.get_by_role("button", name="Process again").count() == 0
    assert tab.get_by_role("button", name="Publish", exact=True).count() == 0
    assert "cannot be published" in tab.locator("#cannot-publish").inner_text()
    actions.get_by_role("link", name="Upload a new file").click()
    tab.locator("#files").set_input_files(
        {"name": "Good.jpg", "mimeType": "image/jpeg", "buffer": artwork_jpeg(82, 500)}
    )
    card = tab.locator("#upload-list .card")
    card.locator("img.local-preview").wait_for()
    tab.locator("#upload-list .card[data-state=ready]").wait_for()
    assert studio.stack.artwork(refused, artist.token)["status"] == "ready"

    tab.goto(f"{studio.url}/works/{wide}")
    thumb = tab.locator("#current-thumb")
    old_src = thumb.get_attribute("src")
    assert old_src and "/thumb." in old_src, "the real thumbnail is shown"
    assert tab.locator("#crop-figure").is_hidden()
    tab.locator("#focal-image").scroll_into_view_if_needed()
    box = tab.locator("#focal-image").bounding_box()
    tab.mouse.click(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.5)
    assert tab.locator("#crop-figure").is_visible()
    tab.get_by_role("button", name="Save focal point").click()
    tab.wait_for_function(
        "(old) => { const img = document.getElementById('current-thumb');"
        " return img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0; }",
        arg=old_src,
        timeout=60_000,
    )
    assert tab.locator("#focal-status").inner_text() == "The new thumbnail is ready."
    after = studio.stack.artwork(wide, artist.token)
    assert after["version"] > before["version"] and after["focal_point"][0] > 0.9
    tab.screenshot(path=str(artifacts / "studio-focal-thumbnail.png"), full_page=True)
    assert watch.errors == []


def test_a_duplicate_names_another_artists_public_work_without_its_id_or_a_link(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    first = studio.stack.register("Wren Carmine")
    image = artwork_jpeg(91, 600)
    theirs = studio.stack.upload(first.token, image, {"title": "Salt marsh"})
    studio.stack.wait_for(theirs, first.token, {"ready"})
    studio.stack.wait_for_search("marsh", 1)
    copier = studio.stack.register("Xavier Slate")
    mine = studio.stack.upload(copier.token, image, {"title": "My marsh"}, publish=False)
    flagged = studio.stack.wait_for(mine, copier.token, {"ready"})
    assert flagged["possible_duplicate_of"] == theirs
    log_in(tab, studio, copier.email, copier.password)
    tab.goto(f"{studio.url}/works/{mine}")
    notice = tab.locator("#duplicate-notice")
    text = notice.inner_text()
    assert "resembles a published work by Wren Carmine" in text and "“Salt marsh”" in text
    assert theirs not in text, "no raw id (its public image's address is the gallery's)"
    assert notice.locator("a").count() == 0
    thumb = notice.locator("img")
    tab.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    tab.screenshot(path=str(artifacts / "studio-duplicate.png"), full_page=True)
    assert watch.errors == []


# How far the preview canvas differs from the plain sample inside a box (fractions of size).
DIFFERENCE = """
async ([x0, y0, x1, y1]) => {
  const canvas = document.getElementById("watermark-canvas");
  const sample = new Image();
  sample.src = document.getElementById("watermark-preview").dataset.sample;
  await sample.decode();
  const plain = document.createElement("canvas");
  plain.width = canvas.width; plain.height = canvas.height;
  plain.getContext("2d").drawImage(sample, 0, 0);
  const box = [x0 * canvas.width, y0 * canvas.height, (x1 - x0) * canvas.width,
               (y1 - y0) * canvas.height].map(Math.round);
  const a = canvas.getContext("2d").getImageData(...box).data;
  const b = plain.getContext("2d").getImageData(...box).data;
  let total = 0;
  for (let i = 0; i < a.length; i += 4) total += Math.abs(a[i] - b[i]);
  return total / (a.length / 4);
}
"""
TOP_LEFT, BOTTOM_RIGHT = [0, 0, 0.4, 0.4], [0.6, 0.6, 1, 1]


def test_the_profile_previews_the_watermark_as_it_is_edited(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    register(tab, studio, "Yara Ochre")
    tab.goto(f"{studio.url}/profile")
    preview = tab.locator("#watermark-preview")
    tab.wait_for_function("() => document.getElementById('watermark-preview').dataset.drawn")
    assert preview.get_attribute("data-drawn") == "none"
    assert tab.evaluate(DIFFERENCE, BOTTOM_RIGHT) == 0
    tab.get_by_label("Mark my public images").check()
    tab.get_by_label("Watermark text").fill("© Yara Ochre 2026")
    tab.get_by_label("Opacity (%)").fill("90")
    tab.get_by_label("Opacity (%)").dispatch_event("input")
    corner = tab.evaluate(DIFFERENCE, BOTTOM_RIGHT)
    assert corner > 1 and tab.evaluate(DIFFERENCE, TOP_LEFT) == 0
    tab.get_by_label("Position").select_option("top-left")
    assert tab.evaluate(DIFFERENCE, TOP_LEFT) > 1 and tab.evaluate(DIFFERENCE, BOTTOM_RIGHT) == 0
    tab.get_by_label("Opacity (%)").fill("20")
    tab.get_by_label("Opacity (%)").dispatch_event("input")
    assert 0 < tab.evaluate(DIFFERENCE, TOP_LEFT) < corner, "a fainter mark changes less"
    assert "90" not in tab.locator("#watermark-caption").inner_text()
    tab.screenshot(path=str(artifacts / "studio-watermark-preview.png"), full_page=True)
    assert watch.errors == []
