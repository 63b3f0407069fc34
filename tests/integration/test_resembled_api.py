"""What an artist learns of the work their upload resembles: never another artist's private
work, never another artist's id (the content API on the embedded backend)."""

from __future__ import annotations

from dataclasses import replace

from flask.testing import FlaskClient

from content.model import OriginalObject, Status, Visibility
from service.bootstrap import Services
from tests.integration.test_content_api import register

THUMB = {"name": "thumb", "format": "jpeg", "width": 120, "height": 120, "key": "k/thumb.jpg"}


def make_ready(services: Services, artwork_id: str, **changes: object) -> None:
    """Store the work as processed (ready, with a thumbnail), with `changes`."""
    stored = services.repository.get_artwork(artwork_id)
    ready = replace(
        stored,
        status=Status.READY,
        original=OriginalObject(f"originals/{artwork_id}", sequencer="1"),
        renditions=(THUMB,),
        **changes,  # type: ignore[arg-type]
    )
    services.repository.save_artwork(ready, stored.version)


def test_another_artists_public_work_is_named_by_title_and_artist_without_its_id(
    client: FlaskClient, services: Services
) -> None:
    ada, rufus = register(client, "ada"), register(client, "rufus")
    theirs = client.post("/me/artworks", json={"title": "Harbour"}, headers=ada).json["id"]
    mine = client.post("/me/artworks", json={"title": "Copy"}, headers=rufus).json["id"]
    make_ready(services, theirs, visibility=Visibility.PUBLISHED)
    make_ready(services, mine, possible_duplicate_of=theirs)
    answer = client.get(f"/me/artworks/{mine}/resembles", headers=rufus)
    assert answer.status_code == 200
    assert answer.json == {
        "own": False,
        "artwork_id": None,
        "title": "Harbour",
        "artist": "ada",
        "status": None,
        "renditions": [THUMB],
    }
    assert theirs not in answer.get_data(as_text=True)


def test_another_artists_draft_is_not_described_at_all(
    client: FlaskClient, services: Services
) -> None:
    ada, rufus = register(client, "ada"), register(client, "rufus")
    theirs = client.post("/me/artworks", json={"title": "Secret"}, headers=ada).json["id"]
    mine = client.post("/me/artworks", json={"title": "Copy"}, headers=rufus).json["id"]
    make_ready(services, theirs)
    make_ready(services, mine, possible_duplicate_of=theirs)
    answer = client.get(f"/me/artworks/{mine}/resembles", headers=rufus).json
    assert answer == {
        "own": False,
        "artwork_id": None,
        "title": None,
        "artist": None,
        "status": None,
        "renditions": [],
    }


def test_an_own_work_is_given_with_its_id_and_an_unflagged_work_is_404(
    client: FlaskClient, services: Services
) -> None:
    ada = register(client, "ada")
    first = client.post("/me/artworks", json={"title": "First"}, headers=ada).json["id"]
    second = client.post("/me/artworks", json={"title": "Second"}, headers=ada).json["id"]
    make_ready(services, first)
    make_ready(services, second, possible_duplicate_of=first)
    answer = client.get(f"/me/artworks/{second}/resembles", headers=ada).json
    assert (answer["own"], answer["artwork_id"], answer["title"]) == (True, first, "First")
    assert client.get(f"/me/artworks/{first}/resembles", headers=ada).status_code == 404


def test_a_new_work_may_say_its_title_is_the_files_name(client: FlaskClient) -> None:
    ada = register(client, "ada")
    body = {"title": "IMG_0042", "title_from_file": True}
    created = client.post("/me/artworks", json=body, headers=ada)
    assert created.status_code == 201
    refused = client.post("/me/artworks", json={"title": "x", "title_from_file": 1}, headers=ada)
    assert refused.status_code == 422
