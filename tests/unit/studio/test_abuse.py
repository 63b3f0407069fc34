"""Hostile input to the studio: forwarded addresses, redirects, header splitting, deep JSON."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
import requests
from flask.testing import FlaskClient

from heroku_artist import create_app
from heroku_artist.api import ApiError, decode
from heroku_artist.auth import safe_next
from tests.unit.studio.fake_api import PASSWORD, FakeApi
from tests.unit.studio.support import make_app

WRONG = {"email": "ada@example.com", "password": "not the password"}
RIGHT = {"email": "ada@example.com", "password": PASSWORD}


def test_without_a_trusted_proxy_a_rotated_forwarded_header_does_not_escape_the_limit(
    client: FlaskClient,
) -> None:
    for n in range(5):
        client.post("/login", data=WRONG, headers={"X-Forwarded-For": f"203.0.113.{n}"})
    response = client.post("/login", data=RIGHT, headers={"X-Forwarded-For": "198.51.100.77"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_behind_one_trusted_proxy_the_last_forwarded_address_is_the_client(
    fake: FakeApi,
) -> None:
    client = make_app(fake, TRUSTED_PROXIES=1).test_client()
    for n in range(5):
        # A client may put anything first; the router appends the address it saw.
        spoofed = f"192.0.2.{n}, 203.0.113.9"
        client.post("/login", data=WRONG, headers={"X-Forwarded-For": spoofed})
    again = {"X-Forwarded-For": "192.0.2.200, 203.0.113.9"}
    assert client.post("/login", data=RIGHT, headers=again).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.10"}
    assert client.post("/login", data=RIGHT, headers=other).status_code == 302


def test_trusted_proxies_come_from_a_flask_variable_and_default_to_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    assert create_app().config["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("FLASK_TRUSTED_PROXIES", "1")
    assert create_app().config["TRUSTED_PROXIES"] == 1


def test_an_unusable_trusted_proxies_value_stops_the_app_at_start(fake: FakeApi) -> None:
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        make_app(fake, TRUSTED_PROXIES="one")


REFUSED_NEXT = [
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/%09/evil.example/x",
    "/\t/evil.example/x",
    "/%0d%0aSet-Cookie:%20a=1",
    "/%0aLocation:%20https://evil.example",
    "https://evil.example/x",
    "http:/evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example/x",
    "/%252F%252Fevil.example/x",
    "/%5Cevil.example",
    " /works",
    "/works ",
    "/wo rks",
    "/\u2215\u2215evil.example",  # division slashes
    "/\uff0f\uff0fevil.example",  # full-width solidus
    "/%EF%BC%8F%EF%BC%8Fevil.example",
    "/works\x00",
    "/works%00",
    "/works\x7f",
    "/works\u2028",
    "/%ff",
    "works",
    "",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", REFUSED_NEXT)
def test_log_in_never_redirects_to_another_site_or_splits_a_header(
    client: FlaskClient, target: str
) -> None:
    response = client.post("/login?next=" + quote(target, safe="/%:\\"), data=RIGHT)
    assert response.status_code == 302
    assert response.headers["Location"] == "/works"


@pytest.mark.parametrize("target", REFUSED_NEXT)
def test_the_next_field_of_the_form_is_held_to_the_same_rules(
    client: FlaskClient, target: str
) -> None:
    response = client.post("/login", data={**RIGHT, "next": target})
    assert (response.status_code, response.headers["Location"]) == (302, "/works")


@pytest.mark.parametrize(
    "target", ["/works", "/works/01HZX?tab=edit", "/upload", "/admin/dead-letters?page=2"]
)
def test_a_path_on_the_studio_is_where_log_in_goes_next(client: FlaskClient, target: str) -> None:
    response = client.post("/login?next=" + quote(target, safe="/?="), data=RIGHT)
    assert response.headers["Location"] == target


def test_safe_next_refuses_what_decodes_to_another_site(app: Any) -> None:
    with app.test_request_context():
        assert safe_next("/%2f/evil.example") == "/works"
        assert safe_next("/works%2F%2Fok") == "/works%2F%2Fok"  # still a path here


def test_the_log_in_page_does_not_carry_a_refused_next(client: FlaskClient) -> None:
    html = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html


JSON_ROUTES = [
    "/studio/works",
    "/studio/works/work-1/upload",
    "/works/work-1/focal-point",
]


@pytest.mark.parametrize("path", JSON_ROUTES)
def test_ten_thousand_open_brackets_are_a_plain_400_on_every_json_route(
    ada: FlaskClient, path: str
) -> None:
    response = ada.post(path, data="[" * 10_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"] == (
        "The request body is nested too deeply (more than 32 levels)."
    )


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"{", b"\xff\xfe", b"null"])
@pytest.mark.parametrize("path", JSON_ROUTES)
def test_json_that_is_not_an_object_is_a_plain_400(
    ada: FlaskClient, path: str, body: bytes
) -> None:
    response = ada.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["message"].endswith(".")


def test_an_api_answer_nested_beyond_reason_is_not_a_crash() -> None:
    answer = requests.Response()
    answer.status_code = 500
    answer._content = b"[" * 10_000
    with pytest.raises(ApiError):
        decode(answer)


def test_the_apis_429_at_log_in_is_passed_on_with_its_wait(
    client: FlaskClient, fake: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def paused(*_: Any, **__: Any) -> Any:
        raise ApiError(429, "too_many_attempts", "Too many failed attempts.", retry_after=600)

    monkeypatch.setattr(fake, "call", paused)
    response = client.post("/login", data=RIGHT)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "600"
    assert "Too many failed attempts" in response.get_data(as_text=True)
    register = {"email": "new@example.com", "display_name": "New"}
    register |= {"password": PASSWORD, "confirm": PASSWORD}
    refused = client.post("/register", data=register)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "600"


def test_crlf_in_any_query_parameter_or_path_never_answers_500(ada: FlaskClient, app: Any) -> None:
    crlf = "%0d%0aSet-Cookie:%20evil=1"
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", crlf).replace(f"<path:{argument}>", crlf)
        path = path.replace("<any(publish, unpublish):action>", "publish")
        query = "&".join(f"{name}={crlf}" for name in ("next", "ids", "cursor", "q", "page"))
        response = ada.get(f"{path}?{query}")
        assert response.status_code < 500, path
        assert "evil" not in response.headers.get("Set-Cookie", "")
        assert "\n" not in json.dumps(dict(response.headers))


@pytest.mark.parametrize(("declared", "status"), [("99999999999", 413), ("-5", 400), ("abc", 400)])
def test_a_declared_content_length_that_lies_is_refused(
    ada: FlaskClient, declared: str, status: int
) -> None:
    response = ada.post(
        "/studio/works",
        data=b"{}",
        content_type="application/json",
        environ_overrides={"CONTENT_LENGTH": declared},
    )
    assert response.status_code == status
