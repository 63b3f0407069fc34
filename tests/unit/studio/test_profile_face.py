"""The profile page's links, cover chooser, contact e-mail and statement."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.studio.fake_api import FakeApi
from tests.unit.studio.test_profile import FORM


def test_the_form_offers_six_link_rows_a_statement_and_a_contact_address(ada: FlaskClient) -> None:
    page = ada.get("/profile").get_data(as_text=True)
    assert page.count('name="link_url_') == 6
    assert "Artist’s statement" in page
    assert 'name="contact_email"' in page
    assert 'id="cover_newest"' in page and "checked" in page


def test_filled_link_rows_are_sent_in_order_and_empty_rows_left_out(
    ada: FlaskClient, fake: FakeApi
) -> None:
    rows = {
        "link_label_0": "Shop",
        "link_url_0": " https://shop.example ",
        "link_label_1": "",
        "link_url_1": "",
        "link_label_2": "",
        "link_url_2": "https://ada.example",
        "contact_email": "ada@studio.example",
        "cover_artwork_id": "",
    }
    ada.post("/profile", data={**FORM, **rows})
    sent = fake.last("PATCH", "/me").json
    assert sent["links"] == [
        {"label": "Shop", "url": "https://shop.example"},
        {"label": "", "url": "https://ada.example"},
    ]
    assert sent["contact_email"] == "ada@studio.example"
    assert sent["cover_artwork_id"] is None


def test_the_cover_chooser_lists_published_works_with_thumbnails(
    ada: FlaskClient, fake: FakeApi
) -> None:
    shown = fake.add_work("token-artist-ada", "Harbour", status="ready", visibility="published")
    fake.add_work("token-artist-ada", "Draft", status="ready", visibility="draft")
    page = ada.get("/profile").get_data(as_text=True)
    assert f'value="{shown["id"]}"' in page and "Harbour" in page
    assert "Draft" not in page
    ada.post("/profile", data={**FORM, "cover_artwork_id": shown["id"]})
    assert fake.last("PATCH", "/me").json["cover_artwork_id"] == shown["id"]
