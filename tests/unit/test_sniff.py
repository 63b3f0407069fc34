"""Type sniffing reads magic bytes, never names or declared types."""

import pytest

from pipeline import sniff

ALLOWED = {
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "tiff": b"II*\x00\x08\x00\x00\x00",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "heif": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "avif": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
}


@pytest.mark.parametrize(("name", "head"), ALLOWED.items())
def test_every_allowlisted_format_is_recognised_and_allowed(name: str, head: bytes) -> None:
    kind = sniff.sniff(head)
    assert kind.name == name
    assert kind.allowed


def test_a_heif_file_whose_major_brand_is_mif1_but_lists_avif_is_avif() -> None:
    head = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf"
    assert sniff.sniff(head).name == "avif"


IMPOSTORS = {
    "svg": b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
    "psd": b"8BPS\x00\x01\x00\x00\x00\x00\x00\x00",
    "fits": b"SIMPLE  =                    T / conforms to FITS standard",
    "html": b"<!DOCTYPE html><html><body>hi</body></html>",
    "text": b"name,width,height\nsunset,10,20\n",
}


@pytest.mark.parametrize(("name", "head"), IMPOSTORS.items())
def test_files_posing_as_images_are_recognised_and_refused(name: str, head: bytes) -> None:
    kind = sniff.sniff(head)
    assert kind.name == name
    assert not kind.allowed


def test_an_svg_behind_a_byte_order_mark_and_doctype_is_still_an_svg() -> None:
    head = b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN">'
    assert sniff.sniff(head).name == "svg"


def test_random_binary_is_unknown() -> None:
    assert sniff.sniff(bytes(range(256))[::-1]).name == "unknown"


def test_every_allowlisted_format_has_a_mime_type_and_the_labels_name_them_all() -> None:
    assert set(sniff.MIME_TYPES) == set(ALLOWED)
    assert all(sniff.MIME_TYPES.values())
    assert sniff.ALLOWED_LABELS == "JPEG, PNG, WebP, TIFF, GIF, HEIC/HEIF or AVIF"


def test_an_upload_form_accepts_exactly_the_mime_types_of_the_allowlist() -> None:
    from storage.blobstore import IMAGE_TYPES

    assert set(IMAGE_TYPES) == {mime for mimes in sniff.MIME_TYPES.values() for mime in mimes}
    assert "image/heic" in IMAGE_TYPES and "image/svg+xml" not in IMAGE_TYPES
