"""Portrait and logo through the studio's forms and the real API: upload, preview, remove."""

from __future__ import annotations

import io

import requests

from testkit.images import alpha_png, jpeg, photo
from testkit.stack import LocalStack
from tests.integration.studio.conftest import Artist


def send(artist: Artist, url: str, field: str, data: bytes, name: str) -> str:
    """Post one file with the profile page's CSRF token; return the profile page shown after."""
    form = {"csrf_token": artist.token("/profile"), field: (io.BytesIO(data), name)}
    answer = artist.client.post(url, data=form, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return artist.client.get("/profile").get_data(as_text=True)


def test_a_portrait_is_uploaded_shown_and_served_publicly(
    artist: Artist, stack: LocalStack
) -> None:
    page = send(artist, "/profile/portrait", "portrait", jpeg(photo(900, 700, 4)), "me.jpg")
    assert "Your portrait is saved." in page
    src = page.split('id="portrait-image" src="', 1)[1].split('"', 1)[0]
    assert "/media/renditions/profiles/" in src and src.endswith("-480.jpg")
    assert requests.get(src, timeout=10).headers["Content-Type"] == "image/jpeg"
    removed = artist.post_form("/profile/portrait/remove", {}, page="/profile")
    assert removed.status_code == 302
    assert 'id="portrait-image"' not in artist.client.get("/profile").get_data(as_text=True)


def test_a_file_over_four_mebibytes_without_the_script_gets_the_limit_message(
    artist: Artist,
) -> None:
    page = send(artist, "/profile/portrait", "portrait", b"\xff\xd8" + b"\0" * 5_000_000, "a.jpg")
    assert "larger than 4 MiB" in page


def test_a_damaged_photo_shows_the_pipelines_reason(artist: Artist) -> None:
    data = jpeg(photo(900, 700, 5))
    page = send(artist, "/profile/portrait", "portrait", data[:5000], "broken.jpg")
    assert "The photo was refused" in page


def test_a_logo_is_previewed_through_the_studio_and_chosen_as_the_watermark(
    artist: Artist,
) -> None:
    page = send(artist, "/profile/logo", "logo", alpha_png(photo(400, 200, 2)), "logo.png")
    assert "Your logo is saved." in page and 'id="logo-image"' in page
    preview = artist.client.get("/profile/logo.png")
    assert preview.status_code == 200 and preview.data.startswith(b"\x89PNG")
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {
        "display_name": page.split(
            'id="display_name" name="display_name" required maxlength="80" value="', 1
        )[1].split('"', 1)[0],
        "version": version,
        "watermark_enabled": "on",
        "watermark_kind": "logo",
        "position": "center",
        "opacity": "60",
    }
    saved = artist.post_form("/profile", form, page="/profile")
    assert saved.status_code == 302, saved.get_data(as_text=True)
    after = artist.client.get("/profile").get_data(as_text=True)
    assert 'id="watermark_kind_logo" name="watermark_kind" value="logo" checked' in after
