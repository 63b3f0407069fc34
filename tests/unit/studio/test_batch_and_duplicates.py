"""Bulk edits and publishing, discarding, stand-in titles and duplicate notices (fake API)."""

from __future__ import annotations

from flask.testing import FlaskClient

from heroku_artist.config import DEFAULTS
from tests.unit.studio.fake_api import FakeApi

ADA, BOB = "token-artist-ada", "token-artist-bob"
THUMB = {"name": "thumb", "format": "jpeg", "width": 160, "height": 160, "key": "r/t.jpg"}


def test_the_status_poll_is_at_most_a_second_by_default() -> None:
    assert DEFAULTS["POLL_INTERVAL_MS"] <= 1000


def test_a_dropped_file_creates_a_work_whose_title_is_a_stand_in(
    ada: FlaskClient, fake: FakeApi
) -> None:
    body = {"name": "42_IndexError.jpg", "type": "image/jpeg", "size": 10}
    assert ada.post("/studio/works", json=body).status_code == 201
    created = [c for c in fake.calls if (c.method, c.path) == ("POST", "/me/artworks")]
    assert created[-1].json == {
        "title": "42_IndexError",
        "title_from_file": True,
    }


def test_bulk_edit_sets_fields_and_adds_tags_and_bulk_publish_leaves_refused_works_out(
    ada: FlaskClient, fake: FakeApi
) -> None:
    one = fake.add_work(ADA, "One", status="ready", tags=["ink"])
    two = fake.add_work(ADA, "Two", status="ready")
    bad = fake.add_work(ADA, "Bad", status="rejected")
    form = {
        "selected": [one["id"], two["id"]],
        "action": "edit",
        "tags": "series, ink",
        "description": "From the harbour series.",
    }
    page = ada.post("/works/bulk", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Updated 2 works." in page
    assert fake.works[one["id"]]["tags"] == ["ink", "series"]
    assert fake.works[two["id"]]["tags"] == ["series", "ink"]
    assert fake.works[two["id"]]["description"] == "From the harbour series."
    assert fake.works[one["id"]]["title"] == "One", "an empty field changes nothing"
    form = {"selected": [one["id"], bad["id"]], "action": "publish"}
    page = ada.post("/works/bulk", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Published 1 work." in page and "Left out 1 work" in page
    assert fake.works[one["id"]]["visibility"] == "published"
    assert fake.works[bad["id"]]["visibility"] == "draft"


def test_a_refused_work_can_be_discarded_from_the_upload_page(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "Bad", status="rejected")
    assert ada.post(f"/studio/works/{work['id']}/discard").status_code == 200
    assert fake.works[work["id"]]["status"] == "deleted"


def test_a_refused_work_offers_no_publish(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "Bad", status="rejected")
    page = ada.get(f"/works/{work['id']}").get_data(as_text=True)
    assert ">Publish<" not in page and "cannot be published" in page


def test_another_artists_public_work_is_named_with_its_artist_and_no_link_or_id(
    ada: FlaskClient, fake: FakeApi
) -> None:
    theirs = fake.add_work(
        BOB, "Salt marsh", status="ready", visibility="published", renditions=[THUMB]
    )
    mine = fake.add_work(ADA, "Mine", status="ready", possible_duplicate_of=theirs["id"])
    page = ada.get(f"/works/{mine['id']}").get_data(as_text=True)
    notice = page.split('id="duplicate-notice"')[1].split("</div>")[0]
    assert "resembles a published work by Bob, “Salt marsh”" in notice
    assert theirs["id"] not in page and "<a " not in notice
    assert 'src="http://api.test/media/r/t.jpg"' in notice


def test_another_artists_draft_is_not_named_and_an_own_work_is_linked(
    ada: FlaskClient, fake: FakeApi
) -> None:
    draft = fake.add_work(BOB, "Secret", status="ready")
    flagged = fake.add_work(ADA, "Mine", status="ready", possible_duplicate_of=draft["id"])
    page = ada.get(f"/works/{flagged['id']}").get_data(as_text=True)
    assert "resembles a work by another artist" in page and "Secret" not in page
    own = fake.add_work(ADA, "First", status="ready")
    second = fake.add_work(ADA, "Second", status="ready", possible_duplicate_of=own["id"])
    page = ada.get(f"/works/{second['id']}").get_data(as_text=True)
    assert f'href="/works/{own["id"]}">“First”</a>' in page
