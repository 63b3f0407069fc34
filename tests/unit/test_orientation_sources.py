"""Orientation written outside EXIF (XMP, PNG raw-EXIF text chunks) is honoured like EXIF's."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
import pyvips
from PIL import Image, PngImagePlugin, TiffImagePlugin

from pipeline import PipelineSettings
from pipeline.model import ProcessResult
from pipeline.orientation import exif_orientation, raw_profile, xmp_orientation
from pipeline.process import process
from testkit import images
from testkit.similarity import to_array

JPEG_ONLY = replace(PipelineSettings(), formats=("jpeg",))
TIFF_NS = "http://ns.adobe.com/tiff/1.0/"
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def marked_landscape() -> pyvips.Image:
    """A 300×200 grey picture with a red 60×40 marker in its top-left corner."""
    canvas = (pyvips.Image.black(300, 200) + [128, 128, 128]).cast("uchar")
    red = (pyvips.Image.black(60, 40) + [230, 20, 20]).cast("uchar")
    return canvas.insert(red, 0, 0).copy(interpretation="srgb")


def as_exif_would_show(stored: pyvips.Image, orientation: int) -> pyvips.Image:
    """Return what libvips displays for `stored` tagged with an EXIF orientation."""
    tagged = stored.copy()
    tagged.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    return tagged.autorot()


def red_corner(image: pyvips.Image) -> str:
    """Name the corner of the image that holds the red marker."""
    pixels = to_array(image).astype(float)
    h, w = pixels.shape[0] // 6, pixels.shape[1] // 6
    patches = (pixels[:h, :w], pixels[:h, -w:], pixels[-h:, :w], pixels[-h:, -w:])
    redness = [float((p[..., 0] - p[..., 1]).mean()) for p in patches]
    return CORNERS[int(np.argmax(redness))]


def xmp_packet(orientation: int, *, element: bool = False, prefix: str = "tiff") -> bytes:
    """Return an XMP packet holding tiff:Orientation as an attribute or an element."""
    value = (
        f"><{prefix}:Orientation>{orientation}</{prefix}:Orientation></rdf:Description>"
        if element
        else f' {prefix}:Orientation="{orientation}"/>'
    )
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:{prefix}="{TIFF_NS}"'
        f"{value}</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def jpeg_with_xmp(image: pyvips.Image, xmp: bytes, exif: int | None = None) -> bytes:
    """Return a JPEG carrying an XMP packet and, if asked, an EXIF orientation."""
    tagged = image.copy()
    tagged.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    if exif is not None:
        tagged.set_type(pyvips.GValue.gint_type, "orientation", exif)
    return bytes(tagged.jpegsave_buffer(Q=95, keep="xmp,exif" if exif else "xmp"))


def pillow_exif(orientation: int) -> bytes:
    """Return EXIF bytes ('Exif\\0\\0' + TIFF) holding only an Orientation tag, made by Pillow."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = exif.tobytes()
    return data if data.startswith(b"Exif\0\0") else b"Exif\0\0" + data


def imagemagick_profile(name: str, data: bytes) -> str:
    """Encode bytes as ImageMagick's raw profile text: name, length, then hex lines."""
    digits = data.hex()
    lines = "\n".join(digits[i : i + 72] for i in range(0, len(digits), 72))
    return f"\n{name}\n{len(data):8d}\n{lines}\n"


def png_with_text(image: pyvips.Image, key: str, text: str, *, zip: bool = True) -> bytes:
    """Return a PNG carrying one tEXt (or zTXt) chunk, written by Pillow."""
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text, zip=zip)
    out = io.BytesIO()
    Image.fromarray(to_array(image)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_with_exif_chunk(image: pyvips.Image, orientation: int) -> bytes:
    """Return a PNG carrying a standard eXIf chunk."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    Image.fromarray(to_array(image)).save(out, "PNG", exif=exif)
    return out.getvalue()


def assert_oriented(result: ProcessResult, orientation: int) -> None:
    """Assert the renditions and facts show the picture as EXIF `orientation` would."""
    expected = as_exif_would_show(marked_landscape(), orientation)
    assert (result.facts.width, result.facts.height) == (expected.width, expected.height)
    assert result.facts.orientation == ("portrait" if orientation >= 5 else "landscape")
    rendition = next(r for r in result.renditions if r.name == "300px")
    shown = pyvips.Image.new_from_buffer(rendition.data, "")
    assert (shown.width, shown.height) == (expected.width, expected.height)
    assert red_corner(shown) == red_corner(expected)
    assert "orientation" not in shown.get_fields()
    assert "exif-data" not in shown.get_fields()
    assert "xmp-data" not in shown.get_fields()
    assert not [name for name in shown.get_fields() if name.startswith("png-comment")]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_xmp_orientation_attribute_is_applied_like_exif(orientation: int) -> None:
    data = jpeg_with_xmp(marked_landscape(), xmp_packet(orientation))
    assert_oriented(process(data, JPEG_ONLY), orientation)


@pytest.mark.parametrize("orientation", [3, 6, 7])
def test_xmp_orientation_element_is_applied_like_exif(orientation: int) -> None:
    data = jpeg_with_xmp(marked_landscape(), xmp_packet(orientation, element=True))
    assert_oriented(process(data, JPEG_ONLY), orientation)


def test_xmp_orientation_in_a_png_is_applied() -> None:
    image = marked_landscape().copy()
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp_packet(6, prefix="tf"))
    assert_oriented(process(bytes(image.pngsave_buffer(keep="xmp")), JPEG_ONLY), 6)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_imagemagick_raw_exif_text_chunk_is_applied_like_exif(orientation: int) -> None:
    text = imagemagick_profile("exif", pillow_exif(orientation))
    data = png_with_text(marked_landscape(), "Raw profile type exif", text)
    assert_oriented(process(data, JPEG_ONLY), orientation)


def test_raw_app1_text_chunk_without_the_exif_prefix_is_applied() -> None:
    text = imagemagick_profile("APP1", pillow_exif(8)[6:])
    data = png_with_text(marked_landscape(), "Raw profile type APP1", text, zip=False)
    assert_oriented(process(data, JPEG_ONLY), 8)


@pytest.mark.parametrize("orientation", [2, 6, 8])
def test_png_exif_chunk_is_applied(orientation: int) -> None:
    data = png_with_exif_chunk(marked_landscape(), orientation)
    assert_oriented(process(data, JPEG_ONLY), orientation)


@pytest.mark.parametrize("exif", [1, 3])
def test_an_exif_orientation_tag_wins_over_xmp_even_when_upright(exif: int) -> None:
    # GIVEN a picture turned upright by a tool that reset EXIF and left XMP stale
    data = jpeg_with_xmp(marked_landscape(), xmp_packet(6), exif=exif)
    # THEN EXIF is obeyed, as Pillow does
    assert_oriented(process(data, JPEG_ONLY), exif)


def test_xmp_orientation_in_a_tiff_without_an_orientation_tag_is_applied() -> None:
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[700] = xmp_packet(6)  # XMLPacket
    tags.tagtype[700] = 1  # BYTE
    out = io.BytesIO()
    Image.fromarray(to_array(marked_landscape())).save(out, "TIFF", tiffinfo=tags)
    assert_oriented(process(out.getvalue(), JPEG_ONLY), 6)


def test_xmp_orientation_in_a_webp_is_applied() -> None:
    image = marked_landscape().copy()
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp_packet(8))
    assert_oriented(process(bytes(image.webpsave_buffer(lossless=True, keep="xmp")), JPEG_ONLY), 8)


def test_xmp_orientation_in_a_cmyk_jpeg_is_applied() -> None:
    cmyk = marked_landscape().icc_transform("cmyk", input_profile="srgb", embedded=True)
    cmyk.set_type(pyvips.GValue.blob_type, "xmp-data", xmp_packet(6))
    assert_oriented(process(bytes(cmyk.jpegsave_buffer(Q=95, keep="icc,xmp")), JPEG_ONLY), 6)


def test_the_raw_exif_chunk_wins_over_xmp_in_a_png() -> None:
    image = marked_landscape().copy()
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp_packet(6))
    png = Image.open(io.BytesIO(bytes(image.pngsave_buffer(keep="xmp"))))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp_packet(6).decode())
    info.add_text("Raw profile type exif", imagemagick_profile("exif", pillow_exif(3)), zip=True)
    out = io.BytesIO()
    png.save(out, "PNG", pnginfo=info)
    assert_oriented(process(out.getvalue(), JPEG_ONLY), 3)


def test_a_large_picture_is_shrunk_on_its_long_edge_before_turning() -> None:
    stored = images.photo(3000, 1000, seed=2)
    result = process(jpeg_with_xmp(stored, xmp_packet(6)), JPEG_ONLY)
    assert (result.facts.width, result.facts.height) == (1000, 3000)
    top = next(r for r in result.renditions if r.name == "2400px")
    assert (top.width, top.height) == (800, 2400)


@pytest.mark.parametrize(
    "xmp",
    [
        b"",
        b"not xml at all",
        xmp_packet(9),
        xmp_packet(0),
        xmp_packet(6, prefix="exif").replace(TIFF_NS.encode(), b"http://ns.adobe.com/exif/1.0/"),
        b'<!DOCTYPE x [<!ENTITY six "6">]><x tiff:Orientation="&six;"/>',
    ],
)
def test_xmp_without_a_valid_tiff_orientation_means_upright(xmp: bytes) -> None:
    assert xmp_orientation(xmp) == 1


@pytest.mark.parametrize(
    ("xmp", "expected"),
    [
        (xmp_packet(5), 5),
        (xmp_packet(7, element=True), 7),
        (xmp_packet(2, prefix="t"), 2),
        (b"<rdf:Description tiff:Orientation = '8' />", 8),
        (b"<tiff:Orientation>\n  4\n</tiff:Orientation>", 4),
    ],
)
def test_xmp_orientation_is_read_from_attributes_and_elements(xmp: bytes, expected: int) -> None:
    assert xmp_orientation(xmp) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\nexif\n",
        "\nexif\n  nope\n4578",
        "\nexif\n      10\nzz78696600004d4d",
        imagemagick_profile("exif", b"Exif\0\0MM\0*\0\0\xff\xff"),
        imagemagick_profile("exif", pillow_exif(6)[:18]),
    ],
)
def test_damaged_raw_profiles_mean_upright(text: str) -> None:
    assert exif_orientation(raw_profile(text) or b"") == 1


def test_a_damaged_raw_profile_does_not_stop_processing() -> None:
    data = png_with_text(marked_landscape(), "Raw profile type exif", "\nexif\n 99999\nzz")
    assert_oriented(process(data, JPEG_ONLY), 1)


def test_exif_orientation_is_read_in_both_byte_orders() -> None:
    big_endian = pillow_exif(6)
    little_endian = images.exif_block(orientation=7)
    assert exif_orientation(big_endian) == 6
    assert exif_orientation(little_endian[6:]) == 7
    assert exif_orientation(raw_profile(imagemagick_profile("exif", big_endian)) or b"") == 6
