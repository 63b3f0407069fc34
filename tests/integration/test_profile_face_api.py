"""An artist's face through the API: links, portrait and logo, on the real handler path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    """The API on a fresh local backend."""
    return create_app(build_services(ServiceSettings(data_dir=str(tmp_path)))).test_client()


@pytest.fixture
def auth(client: FlaskClient) -> dict[str, str]:
    """The bearer header of a newly registered artist, Ada."""
    body = {"email": "ada@example.com", "password": "correct horse battery", "display_name": "Ada"}
    token = client.post("/auth/register", json=body).json["token"]
    return {"Authorization": f"Bearer {token}"}


def public(client: FlaskClient) -> dict[str, Any]:
    """Return Ada's public profile."""
    return client.get("/artists/ada").json


def test_an_artist_saves_links_and_visitors_see_them_labelled(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    links = [{"label": "Shop", "url": "https://shop.example/ada"}, {"url": "https://ada.example"}]
    saved = client.patch("/me", json={"links": links}, headers=auth)
    assert saved.status_code == 200
    expected = [
        {"label": "Shop", "url": "https://shop.example/ada"},
        {"label": "ada.example", "url": "https://ada.example"},
    ]
    assert saved.json["links"] == expected
    assert public(client)["links"] == expected


@pytest.mark.parametrize(
    "links",
    [
        [{"url": "javascript:alert(1)"}],
        [{"url": "data:text/html,hi"}],
        [{"url": f"https://example.org/{n}"} for n in range(7)],
        [{"label": "x" * 41, "url": "https://example.org"}],
    ],
)
def test_unsafe_or_too_many_links_are_refused_with_a_message(
    client: FlaskClient, auth: dict[str, str], links: list[dict[str, str]]
) -> None:
    refused = client.patch("/me", json={"links": links}, headers=auth)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "invalid_field"
    assert client.get("/me", headers=auth).json["links"] == []


def photo_jpeg(width: int = 900, height: int = 600) -> bytes:
    """Return a photo-like JPEG."""
    from testkit.images import jpeg, photo

    return jpeg(photo(width, height, 7), gps=True)


def logo_png() -> bytes:
    """Return a PNG logo with transparency."""
    from testkit.images import alpha_png, photo

    return alpha_png(photo(400, 200, 3))


def put(client: FlaskClient, path: str, data: bytes, auth: dict[str, str], kind: str) -> Any:
    """PUT a raw body with a Content-Type."""
    return client.put(path, data=data, headers={**auth, "Content-Type": kind})


def test_a_portrait_upload_is_cropped_square_stored_and_shown_to_visitors(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    saved = put(client, "/me/portrait", photo_jpeg(), auth, "image/jpeg")
    assert saved.status_code == 200
    portrait = public(client)["portrait"]
    assert [(p["width"], p["height"], p["format"]) for p in portrait] == [
        (160, 160, "jpeg"),
        (480, 480, "jpeg"),
    ]
    for image in portrait:
        assert image["key"].startswith("renditions/profiles/")
        served = client.get("/media/" + image["key"])
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_a_new_portrait_replaces_the_old_files_and_delete_removes_it(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    first = put(client, "/me/portrait", photo_jpeg(), auth, "image/jpeg").json["portrait"]
    second = put(client, "/me/portrait", photo_jpeg(700, 700), auth, "image/jpeg").json
    assert second["portrait"] != first
    assert client.get("/media/" + first[0]["key"]).status_code == 404
    removed = client.delete("/me/portrait", headers=auth)
    assert removed.status_code == 200 and removed.json["portrait"] == []
    assert client.get("/media/" + second["portrait"][1]["key"]).status_code == 404


def test_a_body_over_four_mebibytes_is_a_413_with_a_plain_message(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    huge = photo_jpeg() + b"\0" * (4 * 1024 * 1024)
    refused = put(client, "/me/portrait", huge, auth, "image/jpeg")
    assert refused.status_code == 413
    assert "larger than 4 MiB" in refused.json["error"]["message"]


@pytest.mark.parametrize(
    ("body", "kind", "status"),
    [
        (b"%PDF-1.7\n" + b"0" * 500, "image/jpeg", 415),
        (b"not an image", "text/plain", 415),
        (None, "image/jpeg", 422),  # a damaged JPEG: half of one
    ],
)
def test_corrupt_or_unsupported_files_are_refused_with_the_pipelines_reason(
    client: FlaskClient, auth: dict[str, str], body: bytes | None, kind: str, status: int
) -> None:
    data = body if body is not None else photo_jpeg()[:6000]
    refused = put(client, "/me/portrait", data, auth, kind)
    assert refused.status_code == status
    assert refused.json["error"]["message"]
    assert "Traceback" not in refused.get_data(as_text=True)
    assert client.get("/me", headers=auth).json["portrait"] == []


def test_a_logo_is_stored_privately_and_read_back_by_its_owner(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    assert client.get("/me/logo", headers=auth).status_code == 404
    saved = put(client, "/me/logo", logo_png(), auth, "image/png")
    assert saved.status_code == 200 and saved.json["logo"] is True
    assert "logo" not in public(client)
    logo = client.get("/me/logo", headers=auth)
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.data.startswith(b"\x89PNG")


def test_the_logo_watermark_needs_a_logo_and_removing_the_logo_turns_it_off(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    mark = {"watermark": {"enabled": True, "kind": "logo"}}
    assert client.patch("/me", json=mark, headers=auth).status_code == 422
    put(client, "/me/logo", logo_png(), auth, "image/png")
    on = client.patch("/me", json=mark, headers=auth)
    assert on.status_code == 200 and on.json["watermark"]["kind"] == "logo"
    off = client.delete("/me/logo", headers=auth).json
    assert off["logo"] is False
    assert (off["watermark"]["enabled"], off["watermark"]["kind"]) == (False, "logo")


def test_a_portrait_travels_base64_through_the_lambda_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import json

    from handlers import content_api

    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path / "lambda"))
    content_api.app.cache_clear()
    try:
        register = json.loads(
            (Path(__file__).parent.parent / "events" / "apigw-v2-register.json").read_text()
        )
        answer = content_api.handler(register, LambdaContext())
        token = json.loads(answer["body"])["token"]
        event = json.loads(json.dumps(register))
        event["rawPath"] = "/me/portrait"
        event["requestContext"]["http"]["method"] = "PUT"
        event["requestContext"]["http"]["path"] = "/me/portrait"
        event["routeKey"] = "PUT /me/portrait"
        event["headers"] = {**event["headers"], "content-type": "image/jpeg"}
        event["headers"]["authorization"] = f"Bearer {token}"
        event["body"] = base64.b64encode(photo_jpeg()).decode()
        event["isBase64Encoded"] = True
        response = content_api.handler(event, LambdaContext())
        assert response["statusCode"] == 200, response.get("body")
        assert len(json.loads(response["body"])["portrait"]) == 2
    finally:
        content_api.app.cache_clear()


class LambdaContext:
    """The parts of the Lambda context the handler may read."""

    function_name = "copper-api"
    aws_request_id = "3f1c9d7e-0000-4000-8000-000000000002"
    memory_limit_in_mb = 1024
