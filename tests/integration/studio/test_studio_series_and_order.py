"""The studio's Series and Arrange pages, and a work's series, against the real API."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask

from copper.demo_art import artwork_jpeg
from testkit.stack import LocalStack
from tests.integration.studio.conftest import Artist


@pytest.fixture
def printer(studio: Flask, stack: LocalStack) -> tuple[Artist, str, list[str]]:
    """An artist with three published, ready works (oldest first), logged in to the studio."""
    seeded = stack.register(f"Printer {time.monotonic_ns()}")
    ids = []
    for n, title in enumerate(("Dawn", "Noon", "Dusk")):
        ids.append(stack.upload(seeded.token, artwork_jpeg(n + 20, 400), {"title": title}))
    for artwork_id in ids:
        stack.wait_for(artwork_id, seeded.token, ("ready",))
    session = Artist(studio.test_client())
    answer = session.post_form("/login", {"email": seeded.email, "password": seeded.password})
    assert answer.status_code == 302
    slug = stack.call("GET", "/me", seeded.token)["slug"]
    return session, slug, ids


def titles_in(html: str) -> list[str]:
    """Return the titles of the Arrange page's list, first to last."""
    return re.findall(r'class="arrange-title">([^<]+)<', html)


def public_titles(stack: LocalStack, slug: str, **params: str) -> list[str]:
    """Return the titles of the artist's public listing, in order."""
    listing = stack.call("GET", f"/artists/{slug}/artworks", params=params)
    return [work["title"] for work in listing["items"]]


def test_works_are_moved_without_a_script_and_saved_as_the_public_order(
    printer: tuple[Artist, str, list[str]], stack: LocalStack
) -> None:
    session, slug, ids = printer
    dawn, noon, dusk = ids
    page = session.client.get("/arrange").get_data(as_text=True)
    assert titles_in(page) == ["Dusk", "Noon", "Dawn"]
    assert 'href="/arrange" aria-current="page">Arrange</a>' in page

    token = session.token("/arrange")
    order = [dusk, noon, dawn]
    moved = session.client.post(
        "/arrange", data={"csrf_token": token, "order": order, "move": f"top:{dawn}"}
    )
    html = moved.get_data(as_text=True)
    assert moved.status_code == 200
    assert titles_in(html) == ["Dawn", "Dusk", "Noon"]
    assert "not saved yet" in html
    assert re.search(rf'value="top:{dawn}" data-move="top" autofocus', html)
    assert public_titles(stack, slug) == ["Dusk", "Noon", "Dawn"]  # nothing saved yet

    down = session.client.post(
        "/arrange",
        data={"csrf_token": token, "order": [dawn, dusk, noon], "move": f"down:{dusk}"},
    )
    assert titles_in(down.get_data(as_text=True)) == ["Dawn", "Noon", "Dusk"]
    saved = session.client.post(
        "/arrange", data={"csrf_token": token, "order": [dawn, noon, dusk], "action": "save"}
    )
    assert saved.status_code == 302
    assert public_titles(stack, slug) == ["Dawn", "Noon", "Dusk"]
    assert titles_in(session.client.get("/arrange").get_data(as_text=True)) == [
        "Dawn",
        "Noon",
        "Dusk",
    ]


def test_saving_the_order_needs_the_forms_csrf_token(
    printer: tuple[Artist, str, list[str]],
) -> None:
    session, _, ids = printer
    refused = session.client.post("/arrange", data={"order": ids, "action": "save"})
    assert refused.status_code == 400


def test_series_are_created_renamed_chosen_on_a_work_and_deleted(
    printer: tuple[Artist, str, list[str]], stack: LocalStack
) -> None:
    session, slug, ids = printer
    dawn, noon, _ = ids
    made = session.post_form(
        "/series", {"title": "Harbour studies", "description": "Boats."}, page="/series"
    )
    assert made.status_code == 302
    twice = session.post_form("/series", {"title": "harbour studies"}, page="/series")
    assert twice.status_code == 422
    assert "already have a series called" in twice.get_data(as_text=True)

    detail = session.client.get(f"/works/{dawn}").get_data(as_text=True)
    assert '<option value="harbour-studies">Harbour studies</option>' in detail
    work = stack.call("GET", f"/me/artworks/{dawn}", session_token(stack, slug))
    form = {"title": "Dawn", "series": "harbour-studies", "version": str(work["version"])}
    assert session.post_form(f"/works/{dawn}", form, page="/series").status_code == 302
    # a new series typed on the work's form is created and chosen
    other = stack.call("GET", f"/me/artworks/{noon}", session_token(stack, slug))
    form = {"title": "Noon", "series": "", "new_series": "Night walks"}
    form["version"] = str(other["version"])
    assert session.post_form(f"/works/{noon}", form, page="/series").status_code == 302

    assert public_titles(stack, slug, series="harbour-studies") == ["Dawn"]
    assert public_titles(stack, slug, series="night-walks") == ["Noon"]

    renamed = session.post_form(
        "/series/harbour-studies", {"title": "Harbours", "description": ""}, page="/series"
    )
    assert renamed.status_code == 302
    assert "Harbours" in session.client.get("/series").get_data(as_text=True)
    confirm = session.client.get("/series/harbour-studies/delete").get_data(as_text=True)
    assert "Its works are kept" in confirm
    gone = session.post_form("/series/harbour-studies/delete", {"confirm": "yes"}, page="/series")
    assert gone.status_code == 302
    assert stack.call("GET", f"/artworks/{dawn}")["series"] is None


def session_token(stack: LocalStack, slug: str) -> str:
    """Return an API token of the artist with this slug (issued by the content service)."""
    artist = stack.services.repository.find_artist_by_slug(slug)
    return str(stack.services.accounts.tokens.issue(artist))


def test_the_bulk_form_puts_chosen_works_in_a_series_and_takes_them_out(
    printer: tuple[Artist, str, list[str]], stack: LocalStack
) -> None:
    session, slug, ids = printer
    session.post_form("/series", {"title": "Night walks"}, page="/series")
    listing = session.client.get("/works").get_data(as_text=True)
    assert '<option value="night-walks">Night walks</option>' in listing

    form = {"selected": ids[:2], "action": "edit", "series": "night-walks"}
    assert session.post_form("/works/bulk", form, page="/works").status_code == 302
    assert public_titles(stack, slug, series="night-walks") == ["Noon", "Dawn"]

    form = {"selected": [ids[0]], "action": "edit", "series": "-"}
    assert session.post_form("/works/bulk", form, page="/works").status_code == 302
    assert public_titles(stack, slug, series="night-walks") == ["Noon"]
