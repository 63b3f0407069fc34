"""Admin pages against the real admin API: a message that failed in an index outage is replayed."""

from __future__ import annotations

import time

from copper.demo_art import artwork_jpeg
from tests.integration.studio.conftest import Artist
from tests.support.stack import LocalStack


def wait_for_dead_letter(admin: Artist, artwork_id: str, timeout: float = 60) -> None:
    """Wait until the work's message shows in the studio's dead-letter list."""
    deadline = time.monotonic() + timeout
    while artwork_id not in admin.client.get("/admin/dlq").get_data(as_text=True):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{artwork_id} never reached the dead-letter queue")
        time.sleep(0.3)


def test_an_artist_gets_404_for_the_admin_pages(artist: Artist) -> None:
    for page in ("/admin/", "/admin/dlq", "/admin/reindex"):
        assert artist.client.get(page).status_code == 404


def test_a_message_dead_lettered_by_an_index_outage_is_replayed_and_the_work_becomes_ready(
    artist: Artist, admin: Artist, stack: LocalStack
) -> None:
    stack.index_down = True
    try:
        work_id = artist.drop("Signal.jpg", artwork_jpeg(7, 400))
        wait_for_dead_letter(admin, work_id)
    finally:
        stack.index_down = False
    listing = admin.client.get("/admin/dlq").get_data(as_text=True)
    assert "SearchUnavailable" in listing
    message_id = listing.split('name="ids" value="')[1].split('"')[0]
    inspected = admin.client.get(f"/admin/dlq/{message_id}").get_data(as_text=True)
    assert work_id in inspected

    preview = admin.post_form("/admin/dlq/replay", {"ids": message_id}, page="/admin/dlq")
    assert "1 message(s) would go back onto the queue" in preview.get_data(as_text=True)
    assert work_id in admin.client.get("/admin/dlq").get_data(as_text=True), "dry run moved nothing"
    done = admin.post_form(
        "/admin/dlq/replay", {"ids": message_id, "confirm": "yes"}, page="/admin/dlq"
    )
    assert done.status_code == 302
    assert artist.wait([work_id], until=("ready",))[work_id]["status"] == "ready"
    audit = admin.client.get("/admin/").get_data(as_text=True)
    assert "Audit" in audit


def test_reprocess_preview_and_reindex_through_the_admin_pages(
    artist: Artist, admin: Artist
) -> None:
    work_id = artist.drop("Meadow.jpg", artwork_jpeg(8, 400))
    artist.wait([work_id])
    preview = admin.post_form("/admin/reprocess", {"status": "ready"}, page="/admin/reprocess")
    assert "work(s) match" in preview.get_data(as_text=True)
    started = admin.xhr("POST", "/admin/reindex")
    deadline = time.monotonic() + 30
    while (task := admin.xhr("GET", started.json["poll"]).json["task"])["state"] == "running":
        assert time.monotonic() < deadline, "the rebuild never finished"
        time.sleep(0.1)
    assert task["state"] == "done" and task["done"] >= 1
