"""Images in formats the gallery does not take are named, and the artist is told what to export."""

from __future__ import annotations

import gzip
import io
import struct
from collections.abc import Callable

import pytest
from PIL import Image

from pipeline import RejectedInput, sniff
from pipeline.process import process
from testkit import images

ACCEPTED = "JPEG, PNG, WebP, TIFF, GIF, HEIC/HEIF or AVIF"


def pillow(format: str, mode: str = "RGB", **options: object) -> Callable[[], bytes]:
    """Return a maker of a small gradient image written by Pillow in `format`."""

    def make() -> bytes:
        image = Image.linear_gradient("L").resize((16, 16)).convert(mode)
        buffer = io.BytesIO()
        image.save(buffer, format, **options)
        return buffer.getvalue()

    return make


def cursor() -> bytes:
    """Return a one-entry Windows cursor directory followed by a tiny DIB."""
    entry = struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 1, 40 + 16 * 16 * 4, 22)
    return struct.pack("<HHH", 0, 2, 1) + entry + struct.pack("<IiiHH", 40, 16, 32, 1, 32)


def dos_eps() -> bytes:
    """Return a DOS EPS binary header in front of a PostScript section."""
    body = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 16 16\n"
    return b"\xc5\xd0\xd3\xc6" + struct.pack("<IIIIIIH", 30, len(body), 0, 0, 0, 0, 0xFFFF) + body


XPM = b'/* XPM */\nstatic char *dot[] = {\n"1 1 1 1",\n"a c #b87333",\n"a"\n};\n'
PAM = b"P7\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n\xb8\x73\x33"

FOREIGN: dict[str, tuple[Callable[[], bytes], str]] = {
    "bmp": (pillow("BMP"), "BMP image"),
    "bmp with alpha": (pillow("BMP", "RGBA"), "BMP image"),
    "tga": (pillow("TGA"), "TGA image"),
    "tga compressed": (pillow("TGA", compression="tga_rle"), "TGA image"),
    "tga greyscale": (pillow("TGA", "L"), "TGA image"),
    "tga palette": (pillow("TGA", "P"), "TGA image"),
    "tga with alpha": (pillow("TGA", "RGBA"), "TGA image"),
    "dds": (pillow("DDS"), "DDS texture"),
    "jpeg 2000": (pillow("JPEG2000"), "JPEG 2000 image"),
    "jpeg 2000 codestream": (pillow("JPEG2000", no_jp2=True), "JPEG 2000 image"),
    "ico": (pillow("ICO", sizes=[(16, 16)]), "Windows icon (ICO)"),
    "cur": (cursor, "Windows cursor (CUR)"),
    "ppm": (pillow("PPM"), "PPM image"),
    "pgm": (pillow("PPM", "L"), "PGM image"),
    "pbm": (pillow("PPM", "1"), "PBM image"),
    "plain ppm": (lambda: b"P3\n# a dot\n1 1\n255\n184 115 51\n", "PPM image"),
    "plain pgm": (lambda: b"P2 1 1 255 128\n", "PGM image"),
    "plain pbm": (lambda: b"P1\n2 1\n0 1\n", "PBM image"),
    "pam": (lambda: PAM, "PAM image"),
    "pfm": (pillow("PPM", "F"), "PFM image"),
    "qoi": (pillow("QOI"), "QOI image"),
    "svgz": (lambda: gzip.compress(images.svg()), "compressed SVG drawing (SVGZ)"),
    "eps": (pillow("EPS"), "EPS file"),
    "dos eps": (dos_eps, "EPS file"),
    "postscript": (lambda: b"%!PS\n/Times-Roman findfont 12 scalefont setfont\n", "PostScript"),
    "xpm": (lambda: XPM, "XPM image"),
    "xbm": (pillow("XBM", "1"), "XBM image"),
    "jpeg xl": (lambda: b"\xff\x0a\xfa\x7f\x01\x90\x08", "JPEG XL image"),
    "openexr": (lambda: b"\x76\x2f\x31\x01\x02\x00\x00\x00channels\x00", "OpenEXR image"),
    "radiance hdr": (lambda: b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 1\n", "HDR image"),
    "gimp xcf": (lambda: b"gimp xcf v011\x00\x00\x00\x00\x10\x00\x00\x00\x10", "GIMP document"),
    "psd": (images.psd, "Photoshop document (PSD)"),
    "svg": (images.svg, "SVG drawing"),
    "fits": (images.fits, "FITS astronomy image"),
    "pcx": (pillow("PCX"), "PCX image"),
    "pcx greyscale": (pillow("PCX", "L"), "PCX image"),
    "pcx bilevel": (pillow("PCX", "1"), "PCX image"),
    "sgi": (pillow("SGI"), "SGI image"),
    "sun raster": (
        lambda: b"\x59\xa6\x6a\x95" + struct.pack(">7I", 1, 1, 24, 3, 1, 0, 0),
        "Sun raster",
    ),
}


@pytest.mark.parametrize("name", FOREIGN)
def test_an_image_in_a_format_the_gallery_does_not_take_is_named_and_refused(name: str) -> None:
    make, label = FOREIGN[name]
    kind = sniff.sniff(make()[: sniff.SNIFF_BYTES])
    assert not kind.allowed
    assert kind.family == "picture"
    assert label in kind.label


@pytest.mark.parametrize("name", FOREIGN)
def test_the_rejection_names_the_format_and_says_what_to_export_instead(name: str) -> None:
    make, label = FOREIGN[name]
    with pytest.raises(RejectedInput) as caught:
        process(make())
    assert caught.value.code == "unsupported_type"
    assert caught.value.message.startswith("This is a")
    assert label in caught.value.message
    assert f"Please export it as {ACCEPTED} and upload that." in caught.value.message


def test_a_bmp_rejection_reads_as_one_plain_sentence_and_an_instruction() -> None:
    with pytest.raises(RejectedInput) as caught:
        process(pillow("BMP")())
    assert caught.value.message == (
        "This is a BMP image (Windows bitmap), which the gallery does not accept. "
        f"Please export it as {ACCEPTED} and upload that."
    )


NOT_IMAGES: dict[str, tuple[bytes, str]] = {
    "gzip": (gzip.compress(images.csv()), "This is a gzip-compressed file, not an image."),
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(20) + b"a.jpg", "This is a ZIP archive"),
    "pdf": (images.pdf(), "This is a PDF document, not an image."),
    "html": (images.html(), "This is an HTML page, not an image."),
    "csv": (images.csv(), "This is a text file, not an image."),
    "unknown": (bytes(range(256))[::-1], "This file is not in an image format we recognise."),
}


@pytest.mark.parametrize("name", NOT_IMAGES)
def test_a_file_that_is_no_image_at_all_is_named_and_an_image_asked_for(name: str) -> None:
    data, opening = NOT_IMAGES[name]
    with pytest.raises(RejectedInput) as caught:
        process(data)
    assert caught.value.code == "unsupported_type"
    assert caught.value.message.startswith(opening)
    assert ACCEPTED in caught.value.message


def test_a_krita_document_is_told_apart_from_other_zip_archives() -> None:
    head = b"PK\x03\x04" + bytes(22) + b"\x08\x00\x00\x00mimetypeapplication/x-krita"
    assert sniff.sniff(head) is sniff.KRITA


def test_a_damaged_gzip_stream_is_still_named_gzip() -> None:
    assert sniff.sniff(b"\x1f\x8b\x08\x00" + bytes(6) + b"\xff" * 40) is sniff.GZIP


def test_only_a_few_kilobytes_of_a_gzip_stream_are_inflated() -> None:
    # GIVEN a gzip bomb whose first 512 bytes inflate to far more than the sniffer will look at
    bomb = gzip.compress(b"<svg " + b" " * 2_000_000)[: sniff.SNIFF_BYTES]
    # THEN the sniffer inflates no more than INFLATE_BYTES and still names the drawing inside
    assert len(sniff._inflate(bomb)) == sniff.INFLATE_BYTES
    assert sniff.sniff(bomb) is sniff.SVGZ


@pytest.mark.parametrize(
    "head",
    [
        b"BMW,3 Series,2019\nAudi,A4,2020\n",
        b"P1 is the first page\nP2 the second\n",
        b"P6 is a paper size, not a picture\n",
        b"#define MAX_width_of_a_frame\n",
    ],
)
def test_text_that_merely_starts_like_a_format_tag_is_still_text(head: bytes) -> None:
    assert sniff.sniff(head) is sniff.TEXT


def test_text_is_text_only_when_no_text_based_image_format_matches() -> None:
    assert sniff.sniff(b"name,width\nsunset,10\n") is sniff.TEXT
    assert sniff.sniff(XPM) is sniff.XPM
    assert sniff.sniff(b"#define dot_width 1\n#define dot_height 1\n") is sniff.XBM


@pytest.mark.parametrize("head", [bytes(18), bytes(range(18)), b"\x00\x01\x02" + bytes(15)])
def test_binary_that_does_not_hold_up_as_a_targa_header_stays_unknown(head: bytes) -> None:
    assert sniff.sniff(head) is sniff.UNKNOWN


def test_an_svg_after_a_leading_comment_is_still_an_svg() -> None:
    head = b"<!-- Generator: Adobe Illustrator 27.0 -->\n<svg version='1.1'>"
    assert sniff.sniff(head) is sniff.SVG
