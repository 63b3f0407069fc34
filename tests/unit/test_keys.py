"""One module says where originals, renditions and manifests live in the stores."""

from __future__ import annotations

import pytest

from kernel.keys import (
    ORIGINALS_PREFIX,
    RENDITIONS_PREFIX,
    OriginalKey,
    manifest_key,
    original_key,
    parse_original_key,
    rendition_artwork,
    rendition_key,
    renditions_prefix,
)


def test_an_original_key_names_artist_artwork_and_upload_form_and_parses_back() -> None:
    key = original_key("a1", "w1", "u1")
    assert key == "originals/a1/w1/u1"
    assert parse_original_key(key) == OriginalKey("a1", "w1", "u1")


@pytest.mark.parametrize(
    "key",
    ["renditions/a/w/x/320px.webp", "originals/a/w/u/extra", "originals/a/original", "originals/"],
)
def test_anything_but_an_originals_key_parses_to_none(key: str) -> None:
    assert parse_original_key(key) is None


def test_renditions_and_their_manifest_live_under_the_work_outside_the_originals() -> None:
    prefix = renditions_prefix("a1", "w1")
    assert prefix == "renditions/a1/w1/"
    assert rendition_key("a1", "w1", "s1", "320px.webp") == "renditions/a1/w1/s1/320px.webp"
    assert manifest_key("a1", "w1", "s1") == "renditions/a1/w1/s1/manifest.json"
    assert prefix.startswith(RENDITIONS_PREFIX) and not prefix.startswith(ORIGINALS_PREFIX)


@pytest.mark.parametrize(
    ("key", "artwork"),
    [
        ("renditions/a1/w1/s1/320px.webp", "w1"),
        ("renditions/a1/w1/s1/manifest.json", "w1"),
        ("renditions/a1/w1", None),
        ("originals/a1/w1/u1", None),
    ],
)
def test_a_rendition_key_names_its_artwork(key: str, artwork: str | None) -> None:
    assert rendition_artwork(key) == artwork


def test_a_portrait_is_public_under_renditions_but_names_no_artwork() -> None:
    from kernel import keys

    key = keys.portrait_key("01ARTIST", "abc123", 480)
    assert key == "renditions/profiles/01ARTIST/portrait-abc123-480.jpg"
    assert keys.rendition_artwork(key) is None  # the audit never takes it for an orphan
    assert keys.logo_key("01ARTIST", "abc123") == "logos/01ARTIST/logo-abc123.png"
