"""The profile page: name, bio, copyright line and watermark, saved with PATCH /me."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.studio.fake_api import FakeApi

FORM = {
    "display_name": "Ada L.",
    "bio": "Etchings of harbours.",
    "copyright_line": "",
    "watermark_text": "",
    "position": "bottom-right",
    "opacity": "40",
    "version": "1",
}


def test_the_profile_form_shows_the_account(ada: FlaskClient) -> None:
    page = ada.get("/profile").get_data(as_text=True)
    assert 'value="Ada"' in page
    assert '<option value="tiled"' in page
    assert 'name="version" value="1"' in page


def test_saving_sends_the_fields_and_the_version(ada: FlaskClient, fake: FakeApi) -> None:
    response = ada.post("/profile", data=FORM)
    assert response.location == "/profile"
    sent = fake.last("PATCH", "/me").json
    assert sent["display_name"] == "Ada L." and sent["version"] == 1
    assert sent["watermark"] == {
        "enabled": False,
        "text": None,
        "position": "bottom-right",
        "opacity": 0.4,
    }
    page = ada.get("/profile").get_data(as_text=True)
    assert "Saved." in page and "being rendered again" not in page
    assert "Ada L." in page, "the header shows the new name"


def test_a_new_mark_tells_the_artist_their_works_are_rendered_again(
    ada: FlaskClient, fake: FakeApi
) -> None:
    form = {**FORM, "copyright_line": "© Ada", "watermark_enabled": "on", "watermark_text": "Ada"}
    ada.post("/profile", data=form)
    assert fake.artists["artist-ada"]["watermark"]["enabled"] is True
    assert "being rendered again" in ada.get("/profile").get_data(as_text=True)


def test_a_profile_changed_elsewhere_is_not_overwritten(ada: FlaskClient, fake: FakeApi) -> None:
    fake.artists["artist-ada"]["version"] = 4
    response = ada.post("/profile", data={**FORM, "bio": "Mine"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed elsewhere" in page and "Mine" in page
    assert 'name="version" value="4"' in page
