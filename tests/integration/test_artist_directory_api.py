"""The artist directory and display names through the API, on the embedded backend."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient

from content.model import OriginalObject, Role, Status
from service.bootstrap import Services

PASSWORD = "correct horse battery"


def register(client: FlaskClient, name: str, email: str | None = None) -> Any:
    """Register an artist; return the response."""
    body = {"email": email or f"{name.split()[0].lower()}@example.com", "password": PASSWORD}
    return client.post("/auth/register", json=body | {"display_name": name})


def auth(response: Any) -> dict[str, str]:
    """Return the Authorization header of a registration's token."""
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def public_work(client: FlaskClient, services: Services, who: dict[str, str], title: str) -> str:
    """Create a work, publish it and mark it ready (as the processor would); return its id."""
    work = client.post("/me/artworks", json={"title": title}, headers=who).json
    client.post(f"/me/artworks/{work['id']}/publish", headers=who)
    stored = services.repository.get_artwork(work["id"])
    ready = replace(stored, status=Status.READY, original=OriginalObject("o/k", sequencer="1"))
    services.repository.save_artwork(ready, stored.version)
    return str(work["id"])


def test_registering_a_name_another_artist_uses_is_409_with_a_clear_message(
    client: FlaskClient,
) -> None:
    auth(register(client, "Ada Verdigris"))
    again = register(client, "ada  verdigris", email="other@example.com")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "name_taken"
    assert "ada  verdigris" in again.json["error"]["message"]
    assert "choose a different name" in again.json["error"]["message"]


def test_renaming_to_a_name_in_use_is_409_and_keeps_the_old_name(client: FlaskClient) -> None:
    auth(register(client, "Ada Verdigris"))
    rufus = auth(register(client, "Rufus Ochre"))
    renamed = client.patch("/me", json={"display_name": "Ada Verdigris"}, headers=rufus)
    assert (renamed.status_code, renamed.json["error"]["code"]) == (409, "name_taken")
    assert client.get("/me", headers=rufus).json["display_name"] == "Rufus Ochre"


def test_the_directory_lists_only_artists_with_a_published_work_each_with_a_cover(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    auth(register(client, "Nobody Yet"))
    admin = services.accounts.register("admin@example.com", PASSWORD, "Admin", Role.ADMIN)
    older = public_work(client, services, ada, "Older")
    newer = public_work(client, services, ada, "Newer")
    listed = client.get("/artists").json
    assert [a["display_name"] for a in listed["items"]] == ["Ada Verdigris"]
    assert listed["items"][0]["cover"]["id"] == newer
    assert admin.id not in {a["id"] for a in listed["items"]}
    chosen = client.patch("/me", json={"cover_artwork_id": older}, headers=ada)
    assert chosen.status_code == 200
    assert client.get("/artists").json["items"][0]["cover"]["id"] == older


def test_a_cover_must_be_one_of_the_artists_own_works(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    rufus = auth(register(client, "Rufus Ochre"))
    theirs = public_work(client, services, rufus, "Tide")
    refused = client.patch("/me", json={"cover_artwork_id": theirs}, headers=ada)
    assert (refused.status_code, refused.json["error"]["code"]) == (422, "invalid_field")


def test_the_directory_pages_by_slug_skipping_artists_without_works(
    client: FlaskClient, services: Services
) -> None:
    for n, name in enumerate(("Ann A", "Bea B", "Cal C", "Dee D", "Eve E")):
        who = auth(register(client, name))
        if n % 2 == 0:
            public_work(client, services, who, f"Work {n}")
    first = client.get("/artists?limit=2").json
    assert [a["display_name"] for a in first["items"]] == ["Ann A", "Cal C"]
    second = client.get(f"/artists?limit=2&cursor={first['next_cursor']}").json
    assert [a["display_name"] for a in second["items"]] == ["Eve E"]
    assert second["next_cursor"] is None


def test_a_work_carries_its_collector_facts_to_the_public(
    client: FlaskClient, services: Services
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    work_id = public_work(client, services, ada, "Harbour")
    facts = {
        "edition_size": "30",
        "edition_number": 12,
        "paper": "Hahnemühle cotton rag, 300 gsm",
        "signed": True,
        "availability": "available",
        "price": "450.5",
        "currency": "eur",
    }
    version = client.get(f"/me/artworks/{work_id}", headers=ada).json["version"]
    edited = client.patch(f"/me/artworks/{work_id}", json=facts | {"version": version}, headers=ada)
    assert edited.status_code == 200, edited.json
    public = client.get(f"/artworks/{work_id}").json
    assert {key: public[key] for key in facts} == facts | {
        "edition_size": 30,
        "price": "450.50",
        "currency": "EUR",
    }
    assert public["open_edition"] is False
    contact = client.patch("/me", json={"contact_email": "ada@studio.example"}, headers=ada)
    assert contact.status_code == 200
    assert client.get("/artists/ada-verdigris").json["contact_email"] == "ada@studio.example"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"edition_number": 31, "edition_size": 30}, "edition_number"),
        ({"edition_number": 3}, "edition_size"),
        ({"open_edition": True, "edition_size": 30}, "edition_size"),
        ({"availability": "maybe"}, "availability"),
        ({"price": "12.345", "currency": "EUR"}, "price"),
        ({"price": "120"}, "currency"),
        ({"currency": "euro"}, "currency"),
        ({"signed": "yes"}, "signed"),
    ],
)
def test_collector_facts_that_disagree_are_422_naming_what_to_fix(
    client: FlaskClient, fields: dict[str, Any], field: str
) -> None:
    ada = auth(register(client, "Ada Verdigris"))
    work = client.post("/me/artworks", json={"title": "Tide"}, headers=ada).json
    refused = client.patch(f"/me/artworks/{work['id']}", json=fields, headers=ada)
    assert (refused.status_code, refused.json["error"]["code"]) == (422, "invalid_field")
    assert refused.json["error"]["message"]


def test_public_works_name_their_artist_in_every_listing_and_single_view(
    client: FlaskClient, services: Services
) -> None:
    ada, ben = auth(register(client, "Ada Verdigris")), auth(register(client, "Ben Aquatint"))
    first = public_work(client, services, ada, "Harbour")
    public_work(client, services, ben, "Pines")
    credit = {
        "Harbour": {"slug": "ada-verdigris", "display_name": "Ada Verdigris"},
        "Pines": {"slug": "ben-aquatint", "display_name": "Ben Aquatint"},
    }
    services.artworks.give_slugs()  # marked ready here by hand, not by the processor
    slug = services.repository.get_artwork(first).slug
    assert slug == "harbour"
    pages = [
        client.get("/artworks").json["items"],
        client.get("/artists/ada-verdigris/artworks").json["items"],
        [client.get(f"/artworks/{first}").json],
        [client.get(f"/artists/ada-verdigris/artworks/{slug}").json],
    ]
    for items in pages:
        assert items
        for item in items:
            named = item["artist"]
            assert named["id"] == item["artist_id"]
            assert {k: named[k] for k in ("slug", "display_name")} == credit[item["title"]]
            assert set(named) == {"id", "slug", "display_name"}, "no e-mail, no bio in listings"


def test_shuffled_artists_are_one_page_the_seed_orders_with_published_artists_only(
    client: FlaskClient, services: Services
) -> None:
    names = ("Ada Verdigris", "Ben Aquatint", "Cy Mezzotint", "Di Drypoint", "Ed Etcher")
    for name in names:
        public_work(client, services, auth(register(client, name)), f"Work of {name}")
    auth(register(client, "Nell Nothing", email="nell@example.com"))  # nothing published

    def shuffled(seed: str, limit: int = 10) -> list[str]:
        response = client.get("/artists", query_string={"shuffle": seed, "limit": limit})
        assert response.status_code == 200
        assert response.json["next_cursor"] is None
        assert all(item["cover"]["artist_id"] == item["id"] for item in response.json["items"])
        return [item["display_name"] for item in response.json["items"]]

    day = shuffled("2026-12-06")
    assert sorted(day) == sorted(names), "everyone with a published work, nobody else"
    assert shuffled("2026-12-06") == day, "the same seed, the same order"
    assert shuffled("2026-12-06", limit=2) == day[:2]
    orders = {tuple(shuffled(f"2026-12-{d:02d}")) for d in range(1, 11)}
    assert len(orders) > 1, "other seeds, other orders"
    refused = client.get("/artists", query_string={"shuffle": "x", "cursor": "abc"})
    assert refused.status_code == 400
