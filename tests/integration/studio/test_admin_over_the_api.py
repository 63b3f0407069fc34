"""Admin pages against the real admin API: a message that failed in a storage outage is replayed."""

from __future__ import annotations

import re
import time

from copper.demo_art import artwork_jpeg
from testkit.stack import LocalStack
from tests.integration.studio.conftest import Artist


def wait_for_dead_letter(stack: LocalStack, artwork_id: str, timeout: float = 60) -> None:
    """Wait until the work's message is in the dead-letter queue."""
    deadline = time.monotonic() + timeout
    while not any(
        letter.artwork_id == artwork_id for letter in stack.services.maintenance().dead_letters()
    ):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{artwork_id} never reached the dead-letter queue")
        time.sleep(0.3)


def test_an_artist_gets_404_for_the_admin_pages(artist: Artist) -> None:
    for page in ("/admin/", "/admin/dlq", "/admin/reindex"):
        assert artist.client.get(page).status_code == 404


def test_a_message_dead_lettered_by_a_storage_outage_is_replayed_and_the_work_becomes_ready(
    artist: Artist, admin: Artist, stack: LocalStack
) -> None:
    stack.uploads_down = True
    try:
        work_id = artist.drop("Signal.jpg", artwork_jpeg(7, 400))
        wait_for_dead_letter(stack, work_id)
    finally:
        stack.uploads_down = False
    listing = admin.client.get("/admin/dlq").get_data(as_text=True)
    assert "StorageUnavailable" in listing
    assert "Ada" in listing and "&ldquo;Signal&rdquo;" in listing, "names, not ids"
    message_id = listing.split('name="ids" value="')[1].split('"')[0]
    inspected = admin.client.get(f"/admin/dlq/{message_id}").get_data(as_text=True)
    assert work_id in inspected

    preview = admin.post_form("/admin/dlq/replay", {"ids": message_id}, page="/admin/dlq")
    assert "1 message would go back onto the queue" in preview.get_data(as_text=True)
    assert "Signal" in admin.client.get("/admin/dlq").get_data(as_text=True), (
        "dry run moved nothing"
    )
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
    assert re.search(r"\b(1 work matches|\d+ works match)\b", preview.get_data(as_text=True))
    started = admin.xhr("POST", "/admin/reindex")
    deadline = time.monotonic() + 30
    while (task := admin.xhr("GET", started.json["poll"]).json["task"])["state"] == "running":
        assert time.monotonic() < deadline, "the rebuild never finished"
        time.sleep(0.1)
    assert task["state"] == "done" and task["done"] >= 1


def test_a_whole_queue_replay_shows_its_move_task(admin: Artist, stack: LocalStack) -> None:
    stack.services.queue.send("not json")
    deadline = time.monotonic() + 60
    while "not json" not in str([m.body for m in stack.services.queue.dead_letters()]):
        assert time.monotonic() < deadline, "the message never reached the dead-letter queue"
        time.sleep(0.2)
    done = admin.post_form("/admin/dlq/replay", {"confirm": "yes"}, page="/admin/dlq")
    assert done.location.startswith("/admin/dlq/moves/")
    page = admin.client.get(done.location).get_data(as_text=True)
    assert "onto the queue." in page and 'data-state="COMPLETED"' in page
    assert "Completed" in page and "Cancel the replay" not in page
    assert admin.client.get("/admin/dlq/moves/no-such-move").status_code == 404
