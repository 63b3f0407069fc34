"""Registering, logging in and out, throttled log-ins and the session cookie."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.studio.fake_api import PASSWORD, FakeApi
from tests.unit.studio.support import log_in, make_app


def test_an_artist_registers_and_lands_on_the_upload_page(
    client: FlaskClient, fake: FakeApi
) -> None:
    form = {
        "display_name": "Cleo Print",
        "email": "cleo@example.com",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    response = client.post("/register", data=form)
    assert (response.status_code, response.location) == (302, "/upload")
    assert fake.last("POST", "/auth/register").json == {
        "email": "cleo@example.com",
        "display_name": "Cleo Print",
        "password": PASSWORD,
    }
    assert "Cleo Print" in client.get("/upload").get_data(as_text=True)


def test_registration_shows_the_apis_reason_and_keeps_the_form(client: FlaskClient) -> None:
    form = {"display_name": "Ada", "email": "ada@example.com", "password": PASSWORD}
    response = client.post("/register", data={**form, "confirm": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "An account with this e-mail address exists." in page
    assert 'value="ada@example.com"' in page


def test_registration_checks_the_passwords_match_before_calling_the_api(
    client: FlaskClient, fake: FakeApi
) -> None:
    form = {"display_name": "C", "email": "c@example.com", "password": PASSWORD}
    response = client.post("/register", data={**form, "confirm": "something else"})
    assert "do not match" in response.get_data(as_text=True)
    assert not fake.calls


def test_a_wrong_password_says_so_without_saying_which_half_was_wrong(
    client: FlaskClient,
) -> None:
    response = client.post("/login", data={"email": "ada@example.com", "password": "nope"})
    assert response.status_code == 401
    assert "The e-mail address or password is incorrect." in response.get_data(as_text=True)


def test_five_failed_log_ins_pause_that_address_and_email_with_a_clear_message(
    client: FlaskClient, fake: FakeApi
) -> None:
    wrong = {"email": "ada@example.com", "password": "wrong password"}
    for _ in range(5):
        assert client.post("/login", data=wrong).status_code == 401
    calls_before = len(fake.calls)
    paused = client.post("/login", data={"email": "ada@example.com", "password": PASSWORD})
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) > 0
    assert "Too many failed attempts" in paused.get_data(as_text=True)
    assert len(fake.calls) == calls_before, "a paused log-in never reaches the API"
    other_address = client.post(
        "/login",
        data={"email": "ada@example.com", "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": "192.0.2.77"},
    )
    assert other_address.status_code == 302


def test_log_in_returns_to_the_page_asked_for_but_never_to_another_site(
    client: FlaskClient,
) -> None:
    asked = client.get("/works?status=ready")
    assert asked.location == "/login?next=/works?status%3Dready"
    body = {"email": "ada@example.com", "password": PASSWORD}
    back = client.post("/login", data={**body, "next": "/works?status=ready"})
    assert back.location == "/works?status=ready"
    client.post("/logout")
    elsewhere = client.post("/login", data={**body, "next": "//evil.example/steal"})
    assert elsewhere.location == "/works"


def test_log_out_ends_the_session(ada: FlaskClient) -> None:
    assert ada.post("/logout").location == "/login"
    assert ada.get("/works").status_code == 302


def test_the_session_cookie_is_secure_http_only_and_same_site_lax(client: FlaskClient) -> None:
    cookie = log_in(client, "ada").headers["Set-Cookie"]
    assert "studio_session=" in cookie
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_secure_flag_can_be_turned_off_for_local_http(fake: FakeApi) -> None:
    client = make_app(fake, SESSION_COOKIE_SECURE=False).test_client()
    assert "Secure" not in log_in(client, "ada").headers["Set-Cookie"]


def test_scripts_without_a_session_get_401_json_not_a_redirect(client: FlaskClient) -> None:
    response = client.get(
        "/studio/works/status?ids=w1", headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_an_expired_api_token_sends_the_artist_back_to_log_in(
    ada: FlaskClient, fake: FakeApi
) -> None:
    fake.artists.pop("artist-ada")
    response = ada.get("/works")
    assert (response.status_code, response.location) == (302, "/login?next=/works")
    assert "session has ended" in ada.get("/login").get_data(as_text=True)
