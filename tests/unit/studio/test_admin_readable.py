"""Admin pages read plainly: admins land on them, times read as people say them, an empty
dead-letter queue cannot be purged, and a message that is not an upload event says so."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from heroku_artist.letters import ago, first_bytes
from tests.unit.studio.fake_api import FakeApi
from tests.unit.studio.support import log_in

SENT = 1796558673.2785265  # 6 Dec 2026, 12:04:33 UTC, as the API sends it (epoch seconds)
UNREADABLE = "Unreadable message (not an upload event)"
MALFORMED = {
    "id": "m-bad",
    "sent_at": SENT,
    "age_seconds": 185,
    "receive_count": 3,
    "error_class": "MalformedMessage",
    "error_message": "the message body is not JSON",
    "artist_id": None,
    "artist_name": None,
    "artist_slug": None,
    "artwork_id": None,
    "artwork_title": None,
    "key": None,
    "body": "this is not JSON\x00\x01 and it goes on and on for much longer than a preview shows",
}
READABLE = {
    "id": "m-ok",
    "sent_at": SENT - 7200,
    "age_seconds": 7385,
    "receive_count": 5,
    "error_class": "SearchUnavailable",
    "error_message": "the index did not answer",
    "artist_id": "artist-ada",
    "artist_name": "Ada Verdigris",
    "artist_slug": "ada",
    "artwork_id": "w001",
    "artwork_title": "Quiet harbour",
    "key": "originals/artist-ada/w001/original",
    "body": "{}",
}


@pytest.fixture
def letters(fake: FakeApi) -> FakeApi:
    """The fake with a malformed and a readable dead letter."""
    fake.dead_letters = [dict(MALFORMED), dict(READABLE)]
    return fake


def body_of(page: str) -> str:
    """Return the page's main content, without the navigation."""
    return page.split("<main", 1)[1]


def test_an_admin_lands_on_the_admin_pages_after_logging_in(client: FlaskClient) -> None:
    assert log_in(client, "root").location == "/admin/"
    assert client.get("/").location == "/admin/"


def test_an_artist_still_lands_on_their_works(client: FlaskClient) -> None:
    assert log_in(client, "ada").location == "/works"
    assert client.get("/").location == "/works"


def test_a_next_page_still_wins_over_the_admins_landing(client: FlaskClient) -> None:
    body = {"email": "root@example.com", "password": "correct horse battery", "next": "/works"}
    assert client.post("/login", data=body).location == "/works"


def test_a_message_shows_when_it_was_sent_as_people_say_it_with_the_exact_time(
    root: FlaskClient, letters: FakeApi
) -> None:
    page = root.get("/admin/dlq/m-bad").get_data(as_text=True)
    assert str(SENT) not in page and "1796558673" not in page
    assert '<time datetime="2026-12-06T12:04:33Z" title="6 Dec 2026, 12:04:33 UTC">' in page
    assert "3 minutes ago</time>" in page


def test_the_dead_letter_list_shows_ages_as_times_ago(root: FlaskClient, letters: FakeApi) -> None:
    page = root.get("/admin/dlq").get_data(as_text=True)
    row = page.split('value="m-ok"')[1].split("</tr>")[0]
    assert '<time datetime="2026-12-06T10:04:33Z"' in row and "2 hours ago</time>" in row


def test_a_time_sent_as_iso_text_reads_the_same(root: FlaskClient, letters: FakeApi) -> None:
    letters.dead_letters[0]["sent_at"] = "2026-12-06T12:04:33Z"
    page = root.get("/admin/dlq/m-bad").get_data(as_text=True)
    assert '<time datetime="2026-12-06T12:04:33Z"' in page and "3 minutes ago" in page


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "just now"),
        (40, "40 seconds ago"),
        (60, "1 minute ago"),
        (185, "3 minutes ago"),
        (3600, "1 hour ago"),
        (7385, "2 hours ago"),
        (86_400 * 3 + 5, "3 days ago"),
        (None, "—"),
    ],
)
def test_ages_read_as_people_say_them(seconds: int | None, text: str) -> None:
    assert ago(seconds) == text


def test_purge_is_disabled_and_says_so_when_the_queue_is_empty(
    root: FlaskClient, fake: FakeApi
) -> None:
    page = body_of(root.get("/admin/dlq/purge").get_data(as_text=True))
    assert "Purge 0 messages" not in page and "Delete all 0" not in page
    assert "nothing to purge" in page.lower()
    assert "disabled" in page.split("button-danger")[1].split(">")[0]
    done = root.post("/admin/dlq/purge", data={"confirm": "yes"}, follow_redirects=True)
    assert not [call for call in fake.calls if call.path == "/admin/dlq/purge"]
    assert "nothing to purge" in done.get_data(as_text=True).lower()


def test_purge_still_asks_for_the_messages_there_are(root: FlaskClient, letters: FakeApi) -> None:
    page = root.get("/admin/dlq/purge").get_data(as_text=True)
    assert "Purge 2 messages" in page and "disabled" not in page.split("button-danger")[1][:40]


def test_a_replay_preview_names_an_unreadable_message_and_its_first_bytes(
    root: FlaskClient, letters: FakeApi
) -> None:
    page = root.post("/admin/dlq/replay", data={}).get_data(as_text=True)
    assert "MalformedMessage · — by —" not in page and " — by — " not in page
    item = page.split('data-message="m-bad"')[1].split("</li>")[0]
    assert UNREADABLE in item and "this is not JSON" in item
    assert "much longer than a preview shows" not in item, "only the first bytes"
    readable = page.split('data-message="m-ok"')[1].split("</li>")[0]
    assert "&ldquo;Quiet harbour&rdquo; by Ada Verdigris" in readable


def test_the_dead_letter_list_and_message_page_name_an_unreadable_message(
    root: FlaskClient, letters: FakeApi
) -> None:
    listed = root.get("/admin/dlq").get_data(as_text=True)
    assert UNREADABLE in listed.split('value="m-bad"')[1].split("</tr>")[0]
    shown = root.get("/admin/dlq/m-bad").get_data(as_text=True)
    assert UNREADABLE in shown


def test_first_bytes_are_short_and_printable() -> None:
    assert first_bytes("this is not JSON\x00\x01 and more", 20) == "this is not JSON␀␁ a…"
    assert first_bytes("", 20) == "(empty)"
    assert first_bytes(None, 20) == ""
