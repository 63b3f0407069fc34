"""The upload page's endpoints: create a work with its signed form, re-issue, poll its status."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from heroku_artist import create_app
from heroku_artist.config import DEFAULTS
from tests.unit.studio.fake_api import FakeApi
from tests.unit.studio.support import log_in, make_app

XHR = {"X-Requested-With": "XMLHttpRequest"}


def test_the_upload_page_offers_a_labelled_drop_zone_and_live_region(ada: FlaskClient) -> None:
    page = ada.get("/upload").get_data(as_text=True)
    assert '<input type="file" id="files" name="files" multiple' in page
    assert '<label for="files"' in page
    assert 'aria-live="polite"' in page
    assert "image/heic" in page and ".avif" in page
    assert "/static/upload.js" in page


def test_a_dropped_file_becomes_a_work_titled_after_it_with_a_signed_form(
    ada: FlaskClient, fake: FakeApi
) -> None:
    body = {"name": "Harbour at night.jpg", "type": "image/jpeg", "size": 2_000_000}
    response = ada.post("/studio/works", json=body, headers=XHR)
    assert response.status_code == 201
    work, form = response.json["work"], response.json["upload"]
    assert (work["title"], work["status"]) == ("Harbour at night", "awaiting_upload")
    assert form["url"] == "http://api.test/uploads"
    assert form["fields"]["Content-Type"] == "image/jpeg"
    assert form["max_bytes"] == fake.max_bytes
    assert [(c.method, c.path) for c in fake.calls[-2:]] == [
        ("POST", "/me/artworks"),
        ("POST", f"/me/artworks/{work['id']}/upload"),
    ]
    assert fake.last("POST", "/me/artworks/").json == {"content_type": "image/jpeg"}


def test_a_heic_file_the_browser_cannot_type_is_typed_by_its_extension(
    ada: FlaskClient,
) -> None:
    body = {"name": "phone.HEIC", "type": "", "size": 10}
    response = ada.post("/studio/works", json=body, headers=XHR)
    assert (response.status_code, response.json["content_type"]) == (201, "image/heic")


def test_an_unsupported_file_is_refused_before_any_work_is_created(
    ada: FlaskClient, fake: FakeApi
) -> None:
    calls = len(fake.calls)
    body = {"name": "notes.pdf", "type": "application/pdf", "size": 10}
    response = ada.post("/studio/works", json=body, headers=XHR)
    assert (response.status_code, response.json["error"]["code"]) == (415, "unsupported_type")
    assert len(fake.calls) == calls


def test_a_file_over_the_apis_limit_leaves_no_draft_behind(ada: FlaskClient, fake: FakeApi) -> None:
    body = {"name": "huge.tif", "type": "image/tiff", "size": fake.max_bytes + 1}
    first = ada.post("/studio/works", json=body, headers=XHR)
    assert first.status_code == 413
    assert fake.last("DELETE").path.startswith("/me/artworks/")
    assert all(w["status"] == "deleted" for w in fake.works.values())
    calls = len(fake.calls)
    second = ada.post("/studio/works", json=body, headers=XHR)
    assert second.status_code == 413
    assert len(fake.calls) == calls, "once the limit is known it is checked before the API"
    assert f'data-max-bytes="{fake.max_bytes}"' in ada.get("/upload").get_data(as_text=True)


def test_a_form_the_api_refuses_removes_the_new_draft(ada: FlaskClient, fake: FakeApi) -> None:
    body = {"name": "a.gif", "type": "image/gif", "size": 10}
    response = ada.post("/studio/works", json=body, headers=XHR)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "upload_refused"
    assert all(w["status"] == "deleted" for w in fake.works.values())


def test_the_status_endpoint_reports_each_card_with_thumbnail_or_reason(
    ada: FlaskClient, fake: FakeApi
) -> None:
    token = "token-artist-ada"
    thumb = {"name": "thumb", "format": "jpeg", "width": 400, "height": 400, "key": "r/w/thumb.jpg"}
    ready = fake.add_work(token, "Ready", status="ready", renditions=[thumb])
    rejected = fake.add_work(
        token, "Bad", status="rejected", rejection_reason="The file is damaged or truncated."
    )
    processing = fake.add_work(token, "Busy", status="processing")
    other = fake.add_work("token-artist-bob", "Bob's", status="ready")
    ids = ",".join(w["id"] for w in (ready, rejected, processing, other))
    works = {
        c["id"]: c for c in ada.get(f"/studio/works/status?ids={ids}", headers=XHR).json["works"]
    }
    assert works[ready["id"]]["thumbnail"] == "http://api.test/media/r/w/thumb.jpg"
    assert works[rejected["id"]]["rejection_reason"] == "The file is damaged or truncated."
    assert works[processing["id"]]["status"] == "processing"
    assert works[other["id"]]["status"] == "deleted", "another artist's work is never shown"


def test_a_rendition_url_from_the_api_wins_over_the_media_base(
    ada: FlaskClient, fake: FakeApi
) -> None:
    thumb = {"name": "thumb", "format": "jpeg", "key": "k", "url": "https://cdn.example/k"}
    work = fake.add_work("token-artist-ada", "Ready", status="ready", renditions=[thumb])
    answer = ada.get(f"/studio/works/status?ids={work['id']}", headers=XHR).json
    assert answer["works"][0]["thumbnail"] == "https://cdn.example/k"


def test_a_failed_upload_gets_a_fresh_form_and_a_failed_work_is_reprocessed(
    ada: FlaskClient, fake: FakeApi
) -> None:
    waiting = fake.add_work("token-artist-ada", "Waiting")
    failed = fake.add_work("token-artist-ada", "Failed", status="failed")
    again = ada.post(
        f"/studio/works/{waiting['id']}/upload",
        json={"name": "a.png", "type": "image/png"},
        headers=XHR,
    )
    assert (again.status_code, again.json["content_type"]) == (200, "image/png")
    retried = ada.post(f"/studio/works/{failed['id']}/reprocess", headers=XHR)
    assert retried.json["work"]["status"] == "processing"
    refused = ada.post(f"/studio/works/{waiting['id']}/reprocess", headers=XHR)
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "not_allowed")


def test_a_fresh_studio_gives_the_page_its_configured_limit_before_any_form(
    ada: FlaskClient, fake: FakeApi
) -> None:
    page = ada.get("/upload").get_data(as_text=True)
    assert f'data-max-bytes="{DEFAULTS["UPLOAD_MAX_BYTES"]}"' in page
    assert "up to 250 MiB each" in page
    assert not [c for c in fake.calls if c.path.endswith("/upload")], "no form was issued"


def test_a_file_over_the_configured_limit_is_refused_before_the_api_is_asked(
    fake: FakeApi,
) -> None:
    client = make_app(fake, UPLOAD_MAX_BYTES=5_000_000).test_client()
    log_in(client, "ada")
    assert 'data-max-bytes="5000000"' in client.get("/upload").get_data(as_text=True)
    calls = len(fake.calls)
    body = {"name": "big.jpg", "type": "image/jpeg", "size": 5_000_001}
    response = client.post("/studio/works", json=body, headers=XHR)
    assert (response.status_code, response.json["error"]["code"]) == (413, "too_large")
    assert "the largest upload is 4.8 MiB" in response.json["error"]["message"]
    assert len(fake.calls) == calls


def test_the_limit_of_the_apis_form_overrides_the_configured_one(
    ada: FlaskClient, fake: FakeApi
) -> None:
    fake.max_bytes = 3_000_000
    body = {"name": "Harbour.jpg", "type": "image/jpeg", "size": 1_000}
    assert ada.post("/studio/works", json=body, headers=XHR).status_code == 201
    page = ada.get("/upload").get_data(as_text=True)
    assert 'data-max-bytes="3000000"' in page and "up to 2.9 MiB each" in page


def test_the_upload_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FLASK_UPLOAD_MAX_BYTES", "52428800")
    assert create_app().config["UPLOAD_MAX_BYTES"] == 52_428_800


@pytest.mark.parametrize("limit", [0, -1, "lots", True])
def test_the_studio_refuses_to_start_with_an_unusable_upload_limit(limit: object) -> None:
    with pytest.raises(RuntimeError, match="FLASK_UPLOAD_MAX_BYTES"):
        make_app(FakeApi(), UPLOAD_MAX_BYTES=limit)


def test_each_upload_card_carries_a_thumbnail_placeholder(ada: FlaskClient) -> None:
    page = ada.get("/upload").get_data(as_text=True)
    template = page.split('<template id="card-template">')[1].split("</template>")[0]
    assert 'class="thumb-placeholder"' in template and 'class="thumb-text"' in template


def test_each_upload_attempt_gets_a_fresh_one_shot_form_and_the_works_version_after_it(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work("token-artist-ada", "Harbour", status="ready")
    body = {"name": "new.jpg", "type": "image/jpeg"}
    first = ada.post(f"/studio/works/{work['id']}/upload", json=body, headers=XHR).json
    second = ada.post(f"/studio/works/{work['id']}/upload", json=body, headers=XHR).json
    assert first["upload"]["fields"]["key"] != second["upload"]["fields"]["key"]
    assert second["work"]["version"] == fake.works[work["id"]]["version"]
    assert second["work"]["status"] == "ready", "a ready work stays ready while it is replaced"


def test_a_processing_work_gets_no_upload_form_and_the_script_is_told_why(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work("token-artist-ada", "Busy", status="processing")
    body = {"name": "new.jpg", "type": "image/jpeg"}
    answer = ada.post(f"/studio/works/{work['id']}/upload", json=body, headers=XHR)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "not_allowed")
    assert "being processed" in answer.json["error"]["message"]


def test_the_status_of_a_ready_work_with_a_new_file_in_processing_is_pending(
    ada: FlaskClient, fake: FakeApi
) -> None:
    waiting = fake.add_work("token-artist-ada", "W", status="ready", deadline="2026-01-01T01:00Z")
    settled = fake.add_work("token-artist-ada", "S", status="ready", version=4)
    ids = f"{waiting['id']},{settled['id']}"
    works = ada.get(f"/studio/works/status?ids={ids}", headers=XHR).json["works"]
    assert [(w["pending"], w["version"]) for w in works] == [(True, 1), (False, 4)]
