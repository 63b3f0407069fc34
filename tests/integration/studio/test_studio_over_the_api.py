"""The studio against the real API and worker: uploads become ready or rejected, edits stick."""

from __future__ import annotations

import requests
from flask import Flask

from copper.demo_art import artwork_jpeg
from heroku_artist import create_app
from service.settings import ServiceSettings
from testkit.images import truncated_jpeg
from testkit.stack import LocalStack
from tests.integration.studio.conftest import PASSWORD, STUDIO_ORIGIN, XHR, Artist


def test_three_dropped_files_become_two_ready_works_and_one_rejected(artist: Artist) -> None:
    ids = [
        artist.drop("Harbour.jpg", artwork_jpeg(1, 800)),
        artist.drop("Orchard.jpg", artwork_jpeg(2, 800)),
        artist.drop("Broken.jpg", truncated_jpeg()),
    ]
    cards = artist.wait(ids)
    ready, also_ready, broken = (cards[i] for i in ids)
    assert (ready["status"], also_ready["status"], broken["status"]) == (
        "ready",
        "ready",
        "rejected",
    )
    assert ready["title"] == "Harbour"
    thumbnail = requests.get(ready["thumbnail"], timeout=10)
    assert thumbnail.status_code == 200
    assert thumbnail.headers["Content-Type"].startswith("image/")
    assert broken["rejection_reason"]
    assert broken["thumbnail"] is None
    listing = artist.client.get("/works").get_data(as_text=True)
    assert "Harbour" in listing and broken["rejection_reason"] in listing


def test_a_ready_work_is_edited_framed_and_published(artist: Artist) -> None:
    work_id = artist.drop("Tide.jpg", artwork_jpeg(3, 800))
    artist.wait([work_id])
    page = artist.client.get(f"/works/{work_id}").get_data(as_text=True)
    assert "Largest print sizes" in page and 'id="focal-stage"' in page
    form = {
        "title": "Tide at dusk",
        "description": "Low water.",
        "tags": "sea, dusk",
        "medium": "Giclée print",
        "year": "2025",
        "physical_size": "40 × 30 cm",
        "version": "999",
    }
    stale = artist.post_form(f"/works/{work_id}", form, page=f"/works/{work_id}")
    assert stale.status_code == 409
    version = stale.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
    saved = artist.post_form(f"/works/{work_id}", {**form, "version": version}, page="/upload")
    assert saved.status_code == 302
    framed = artist.xhr("POST", f"/works/{work_id}/focal-point", {"x": 0.3, "y": 0.6})
    assert framed.json["focal_point"] == [0.3, 0.6]
    published = artist.post_form(f"/works/{work_id}/publish", {}, page="/upload")
    assert published.status_code == 302
    detail = artist.client.get(f"/works/{work_id}").get_data(as_text=True)
    assert 'value="Tide at dusk"' in detail and "sea, dusk" in detail
    assert "Unpublish" in detail
    assert 'value="0.3"' in detail and 'value="0.6"' in detail


def test_a_fresh_studio_checks_sizes_with_the_apis_default_limit_from_the_first_page(
    studio: Flask, stack: LocalStack
) -> None:
    keys = ("TESTING", "SECRET_KEY", "API_URL", "SESSION_COOKIE_SECURE", "API_RETRIES")
    fresh = create_app({key: studio.config[key] for key in keys})
    artist = Artist(fresh.test_client())
    artist.register("Nell")
    limit = ServiceSettings().upload_max_bytes
    assert f'data-max-bytes="{limit}"' in artist.client.get("/upload").get_data(as_text=True)
    artist.drop("First.jpg", artwork_jpeg(6, 200))
    served = stack.settings.upload_max_bytes
    assert f'data-max-bytes="{served}"' in artist.client.get("/upload").get_data(as_text=True)


def test_another_artists_work_is_404_in_the_studio(studio: Flask, artist: Artist) -> None:
    work_id = artist.drop("Mine.jpg", artwork_jpeg(4, 400))
    intruder = Artist(studio.test_client())
    intruder.register("Bob")
    assert intruder.client.get(f"/works/{work_id}").status_code == 404
    deleted = intruder.post_form(f"/works/{work_id}/delete", {"confirm": "yes"}, page="/upload")
    assert deleted.status_code == 404
    assert artist.client.get(f"/works/{work_id}").status_code == 200


def test_a_post_without_its_csrf_token_is_refused(artist: Artist) -> None:
    body = {"name": "a.jpg", "type": "image/jpeg", "size": 10}
    assert artist.client.post("/studio/works", json=body, headers=XHR).status_code == 400
    assert artist.client.post("/logout").status_code == 400
    assert artist.client.get("/works").status_code == 200, "still logged in"


def test_a_new_copyright_line_sends_ready_works_through_the_pipeline_again(
    artist: Artist, stack: LocalStack
) -> None:
    work_id = artist.drop("Lantern.jpg", artwork_jpeg(5, 400))
    artist.wait([work_id])
    page = artist.client.get("/profile").get_data(as_text=True)
    version = page.split('name="version" value="')[1].split('"')[0]
    form = {
        "display_name": "Ada V.",
        "bio": "Prints of light.",
        "copyright_line": "© 2026 Ada V.",
        "watermark_text": "",
        "position": "bottom-right",
        "opacity": "40",
        "version": version,
    }
    saved = artist.post_form("/profile", form, page="/profile")
    assert saved.status_code == 302
    assert "being rendered again" in artist.client.get("/profile").get_data(as_text=True)
    cards = artist.wait([work_id])
    assert cards[work_id]["status"] == "ready"


def test_the_upload_endpoint_answers_the_studios_cors_preflight(stack: LocalStack) -> None:
    preflight = requests.options(
        f"{stack.api_url}/uploads",
        headers={"Origin": STUDIO_ORIGIN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == STUDIO_ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_log_in_over_the_real_api_and_a_wrong_password(studio: Flask, stack: LocalStack) -> None:
    stack.services.accounts.register("eve@example.com", PASSWORD, "Eve")
    browser = Artist(studio.test_client())
    wrong = browser.post_form("/login", {"email": "eve@example.com", "password": "nope nope"})
    assert wrong.status_code == 401
    right = browser.post_form("/login", {"email": "eve@example.com", "password": PASSWORD})
    assert (right.status_code, right.location) == (302, "/works")
