"""Uploads on the embedded backend: the API issues a signed form, /uploads enforces it."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from content.model import Status
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings
from testkit import images

PASSWORD = "correct horse battery"


@pytest.fixture
def services(tmp_path: Path) -> Services:
    """Services on a fresh local backend with a 1 MB upload limit."""
    return build_services(ServiceSettings(data_dir=str(tmp_path), upload_max_bytes=1_000_000))


@pytest.fixture
def client(services: Services) -> FlaskClient:
    """A test client of the API app."""
    return create_app(services).test_client()


def register(client: FlaskClient, name: str) -> dict[str, str]:
    """Register an artist; return their Authorization header."""
    body = {"email": f"{name}@example.com", "password": PASSWORD, "display_name": name}
    return {"Authorization": f"Bearer {client.post('/auth/register', json=body).json['token']}"}


def new_work(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    """Create a draft work awaiting its upload."""
    return client.post("/me/artworks", json={"title": "Dawn"}, headers=headers).json


def post_file(client: FlaskClient, fields: dict[str, str], data: bytes) -> Any:
    """Post a file with the form's fields (the file last), as a browser does."""
    form: dict[str, Any] = dict(fields)
    form["file"] = (io.BytesIO(data), "dawn.jpg", fields["Content-Type"])
    return client.post("/uploads", data=form, content_type="multipart/form-data")


def test_an_artist_gets_a_one_shot_form_for_a_fresh_key_of_their_work(
    client: FlaskClient, services: Services
) -> None:
    ada = register(client, "ada")
    work = new_work(client, ada)
    response = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/jpeg"}, headers=ada
    )
    assert response.status_code == 200
    form = response.json
    assert form["url"] == "http://127.0.0.1:8000/uploads"
    prefix = f"originals/{work['artist_id']}/{work['id']}/"
    assert form["fields"]["key"].startswith(prefix)
    upload_id = form["fields"]["key"].removeprefix(prefix)
    assert services.repository.get_artwork(work["id"]).upload_id == upload_id
    again = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/jpeg"}, headers=ada
    ).json
    assert again["fields"]["key"] != form["fields"]["key"]  # each form names a fresh upload id
    assert form["fields"]["Content-Type"] == "image/jpeg"
    assert form["max_bytes"] == 1_000_000


def test_the_uploaded_file_is_stored_under_the_granted_key(
    client: FlaskClient, services: Services
) -> None:
    ada = register(client, "ada")
    work = new_work(client, ada)
    form = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/jpeg"}, headers=ada
    ).json
    data = images.jpeg(images.photo(200, 150))
    assert post_file(client, form["fields"], data).status_code == 204
    assert services.blobs.get(form["fields"]["key"]) == data


def test_a_form_cannot_be_bent_to_another_key_or_type_or_size(client: FlaskClient) -> None:
    ada = register(client, "ada")
    work = new_work(client, ada)
    form = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/png"}, headers=ada
    ).json
    other_key = dict(form["fields"], key="originals/someone/else/original")
    assert post_file(client, other_key, b"\x89PNG....").status_code == 403
    other_type = dict(form["fields"], **{"Content-Type": "image/jpeg"})
    assert post_file(client, other_type, b"\x89PNG....").status_code == 403
    too_large = post_file(client, form["fields"], b"x" * 1_000_001)
    assert (too_large.status_code, too_large.json["error"]["code"]) == (413, "too_large")


@pytest.mark.parametrize("content_type", ["image/svg+xml", "text/html", "application/pdf"])
def test_non_image_types_get_no_form(client: FlaskClient, content_type: str) -> None:
    ada = register(client, "ada")
    work = new_work(client, ada)
    response = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": content_type}, headers=ada
    )
    assert (response.status_code, response.json["error"]["code"]) == (422, "upload_refused")


def test_no_form_for_another_artists_work_or_one_being_processed(
    client: FlaskClient, services: Services
) -> None:
    ada, bob = register(client, "ada"), register(client, "bob")
    work = new_work(client, ada)
    path = f"/me/artworks/{work['id']}/upload"
    stolen = client.post(path, json={"content_type": "image/jpeg"}, headers=bob)
    assert (stolen.status_code, stolen.json["error"]["code"]) == (404, "not_found")
    stored = services.repository.get_artwork(work["id"])
    services.repository.save_artwork(replace(stored, status=Status.PROCESSING), stored.version)
    busy = client.post(path, json={"content_type": "image/jpeg"}, headers=ada)
    assert (busy.status_code, busy.json["error"]["code"]) == (409, "not_allowed")


def test_deleting_a_work_removes_its_original(client: FlaskClient, services: Services) -> None:
    ada = register(client, "ada")
    work = new_work(client, ada)
    form = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/jpeg"}, headers=ada
    ).json
    assert post_file(client, form["fields"], images.jpeg(images.photo(64, 48))).status_code == 204
    assert services.blobs.exists(form["fields"]["key"])
    assert client.delete(f"/me/artworks/{work['id']}", headers=ada).status_code == 204
    assert not services.blobs.exists(form["fields"]["key"])
