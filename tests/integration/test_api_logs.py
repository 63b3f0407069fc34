"""The API logs JSON lines carrying the caller's request id and the correlation id."""

from __future__ import annotations

import io
import json
import logging
import secrets
from pathlib import Path

from service.bootstrap import build_services
from service.http.app import create_app
from service.logs import ROOT, json_handler
from service.settings import ServiceSettings


def test_an_upload_form_request_is_logged_as_json_with_its_request_and_correlation_ids(
    tmp_path: Path,
) -> None:
    settings = ServiceSettings(data_dir=str(tmp_path), token_secret=secrets.token_urlsafe(40))
    client = create_app(build_services(settings)).test_client()
    stream = io.StringIO()
    handler = json_handler("copper-api", stream)
    logging.getLogger(ROOT).addHandler(handler)
    try:
        session = client.post(
            "/auth/register",
            json={"email": "ada@example.com", "password": "a long password", "display_name": "Ada"},
        ).get_json()
        headers = {"Authorization": f"Bearer {session['token']}", "X-Request-Id": "web-req-12345"}
        work = client.post("/me/artworks", json={"title": "Tide"}, headers=headers).get_json()
        response = client.post(
            f"/me/artworks/{work['id']}/upload", json={"content_type": "image/png"}, headers=headers
        )
    finally:
        logging.getLogger(ROOT).removeHandler(handler)
    assert response.headers["X-Request-Id"] == "web-req-12345"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [issued] = [line for line in lines if line["message"] == "upload form issued"]
    assert issued["request_id"] == "web-req-12345"
    assert issued["correlation_id"] == work["id"]
    assert issued["service"] == "copper-api" and issued["level"] == "INFO"
