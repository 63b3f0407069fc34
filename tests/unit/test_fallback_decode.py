"""Valid variants libvips cannot decode are decoded another way, or refused by name."""

from __future__ import annotations

import struct
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from pipeline import RejectedInput
from pipeline.fallback import identify_variant
from pipeline.intake import Original, decode, harden_libvips, read_header
from pipeline.process import process
from pipeline.settings import Limits
from pipeline.sniff import TIFF
from testkit import images

SHORT, LONG = 3, 4


def tiff(width: int, height: int, tags: dict[int, tuple[int, ...]], chunks: list[bytes]) -> bytes:
    """Write a little-endian TIFF: one IFD with `tags`, then the strip or tile `chunks`."""
    offsets_tag, counts_tag = (324, 325) if 322 in tags else (273, 279)
    fields = {256: (LONG, (width,)), 257: (LONG, (height,))}
    fields |= {tag: (SHORT, value) for tag, value in tags.items()}
    fields[offsets_tag] = (LONG, (0,) * len(chunks))  # sized now, filled in below
    fields[counts_tag] = (LONG, tuple(len(chunk) for chunk in chunks))
    arrays_at = 8 + 2 + 12 * len(fields) + 4
    arrays_size = sum(
        4 * len(v) for k, v in fields.values() if len(v) * (2 if k == SHORT else 4) > 4
    )
    at = arrays_at + arrays_size
    offsets = []
    for chunk in chunks:
        offsets.append(at)
        at += len(chunk)
    fields[offsets_tag] = (LONG, tuple(offsets))
    ifd, arrays = struct.pack("<H", len(fields)), b""
    for tag in sorted(fields):
        kind, value = fields[tag]
        packed = struct.pack(f"<{len(value)}{'H' if kind == SHORT else 'I'}", *value)
        if len(packed) <= 4:
            ifd += struct.pack("<HHI", tag, kind, len(value)) + packed.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, kind, len(value), arrays_at + len(arrays))
            arrays += packed.ljust(4 * len(value), b"\0")
    head = b"II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0" + arrays
    return head + b"".join(chunks)


def tiled_planar_rgb(pixels: np.ndarray, tile: int = 16) -> bytes:
    """Write an uncompressed RGB TIFF whose colours lie in separate planes of tiles."""
    height, width, _ = pixels.shape
    chunks = []
    for plane in range(3):
        for top in range(0, height, tile):
            for left in range(0, width, tile):
                block = np.zeros((tile, tile), np.uint8)
                part = pixels[top : top + tile, left : left + tile, plane]
                block[: part.shape[0], : part.shape[1]] = part
                chunks.append(block.tobytes())
    tags = {258: (8, 8, 8), 259: (1,), 262: (2,), 277: (3,), 284: (2,), 322: (tile,), 323: (tile,)}
    return tiff(width, height, tags, chunks)


def twelve_bit_grey(values: np.ndarray) -> bytes:
    """Write an uncompressed 12-bit greyscale TIFF (two samples packed in three bytes)."""
    height, width = values.shape
    flat = values.astype(np.uint32).reshape(-1, 2)
    packed = np.stack(
        [flat[:, 0] >> 4, ((flat[:, 0] & 15) << 4) | (flat[:, 1] >> 8), flat[:, 1] & 255], axis=1
    ).astype(np.uint8)
    tags = {258: (12,), 259: (1,), 262: (1,), 277: (1,), 278: (height,)}
    return tiff(width, height, tags, [packed.tobytes()])


def old_style_jpeg(width: int = 32, height: int = 32) -> bytes:
    """Write a TIFF that declares old-style JPEG compression (its data is only a stub)."""
    tags = {258: (8, 8, 8), 259: (6,), 262: (6,), 277: (3,), 278: (height,)}
    return tiff(width, height, tags, [b"\xff\xd8" + bytes(64)])


def decoded(data: bytes) -> np.ndarray:
    """Decode through the pipeline's intake at full size, returning the pixels."""
    harden_libvips()
    original = Original.of(data)
    header = read_header(original, Limits())
    image = decode(original, header, max(header.width, header.height))
    return np.asarray(image.numpy(), dtype=np.float64)


def libvips_refuses(data: bytes) -> bool:
    """Return whether the pipeline's libvips path alone fails on `data`."""
    import pyvips

    try:
        pyvips.Image.new_from_buffer(data, "").copy_memory()
    except pyvips.Error:
        return True
    return False


def test_a_tiled_planar_tiff_is_decoded_with_its_colours() -> None:
    pixels = images.photo(40, 24).numpy()[..., :3]
    data = tiled_planar_rgb(pixels)
    assert libvips_refuses(data)
    result = decoded(data)
    assert result.shape == pixels.shape
    assert np.abs(result - pixels).mean() < 1


def test_a_cielab_tiff_is_decoded_to_the_same_colours_in_srgb() -> None:
    # GIVEN a red of L* 45, a* 65, b* 30, as Pillow holds Lab (a* and b* offset by 128)
    lab = Image.merge("LAB", [Image.new("L", (24, 16), v) for v in (115, 193, 158)])
    buffer = BytesIO()
    lab.save(buffer, "TIFF")
    data = buffer.getvalue()
    assert libvips_refuses(data)
    red, green, blue = decoded(data)[8, 12]
    assert red > 150 and green < 90 and blue < 110


def test_a_twelve_bit_tiff_is_decoded_over_the_full_sixteen_bit_range() -> None:
    values = np.tile(np.linspace(0, 4095, 32).astype(np.uint16), (8, 1))
    data = twelve_bit_grey(values)
    assert libvips_refuses(data)
    result = decoded(data)
    assert result.shape[:2] == values.shape
    assert result.max() > 65000 and result.min() < 100


def test_an_animated_avif_is_processed_from_its_first_frame() -> None:
    frames = [Image.new("RGB", (48, 32), colour) for colour in ("red", "blue")]
    buffer = BytesIO()
    frames[0].save(buffer, "AVIF", save_all=True, append_images=frames[1:], duration=100)
    data = buffer.getvalue()
    assert libvips_refuses(data)
    red, green, blue = decoded(data)[16, 24][:3]
    assert red > 200 and green < 60 and blue < 60
    assert process(data).facts.width == 48


def test_an_old_style_jpeg_tiff_is_identified_from_its_tags() -> None:
    variant = identify_variant(Original.of(old_style_jpeg()), TIFF)
    assert variant is not None and variant.name == "old_style_jpeg"


def test_a_variant_no_decoder_reads_is_refused_by_name_with_what_to_export_instead() -> None:
    # GIVEN an old-style JPEG TIFF whose JPEG stream neither libvips nor Pillow can decode
    with pytest.raises(RejectedInput) as caught:
        process(old_style_jpeg())
    # THEN it is refused as an unsupported variant, not as damaged, and says what to export
    assert caught.value.code == "unsupported_variant"
    assert "old-style JPEG" in caught.value.message
    assert "damaged" not in caught.value.message
    assert "as a JPEG" in caught.value.message


def test_an_ordinary_tiff_has_no_variant() -> None:
    assert identify_variant(Original.of(images.tiff(images.photo(16, 16))), TIFF) is None


def test_a_truncated_ordinary_tiff_is_still_called_damaged() -> None:
    data = images.tiff(images.photo(64, 64), compression="none")
    with pytest.raises(RejectedInput) as caught:
        process(data[:2000])
    assert caught.value.code == "corrupt"
