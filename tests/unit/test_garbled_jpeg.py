"""JPEGs whose entropy-coded data is garbled are refused, even when libjpeg never warns."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline import PipelineSettings, RejectedInput
from pipeline.intake import Original, harden_libvips, read_header
from pipeline.jpegscan import scan_end
from pipeline.process import process, trusted_decode
from testkit import images

SEEDS = range(8)


def photo_jpeg(seed: int, **options: object) -> bytes:
    """Return a 1024 × 768 generated photo saved by libvips at quality 90."""
    image = images.photo(1024, 768, seed=seed)
    return image.jpegsave_buffer(Q=90, keep="none", **options)  # type: ignore[arg-type]


def entropy_start(data: bytes) -> int:
    """Return where the first scan's entropy-coded data starts."""
    sos = data.index(b"\xff\xda")
    return sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")


def garbled(data: bytes, seed: int, every: int = 1024) -> bytes:
    """Return the JPEG with one bit changed every `every` bytes of its entropy-coded data."""
    rng = random.Random(seed)
    out = bytearray(data)
    for at in range(entropy_start(data) + rng.randrange(every), len(data) - 2, every):
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def verdict(data: bytes) -> str:
    """Return "ready", or the code the file is refused with."""
    try:
        process(data)
    except RejectedInput as error:
        return error.code
    return "ready"


def decode_verdict(data: bytes) -> str:
    """Return "ready" if the decode for the 2400 px rendition is trusted, else the code."""
    harden_libvips()
    original = Original.of(data)
    try:
        trusted_decode(original, read_header(original, PipelineSettings().limits), 2400)
    except RejectedInput as error:
        return error.code
    return "ready"


def test_garbled_jpegs_that_libjpeg_never_warns_about_are_refused_as_corrupt() -> None:
    # GIVEN photos whose entropy data has a bit changed every kilobyte (libjpeg resynchronises
    # on wrong block boundaries, draws streaks, and warns about only some of them)
    verdicts = [verdict(garbled(photo_jpeg(seed), seed)) for seed in SEEDS]
    # THEN every one is refused as damaged
    assert verdicts == ["corrupt"] * len(SEEDS)


def test_a_scan_followed_by_bytes_the_decoder_never_reads_is_refused_as_corrupt() -> None:
    # GIVEN a healthy JPEG with 200 bytes of junk between its entropy data and its end marker
    data = photo_jpeg(1)
    end = scan_end(data)
    assert end == len(data) - 2
    with pytest.raises(RejectedInput) as caught:
        process(data[:end] + bytes(200) + data[end:])
    assert caught.value.code == "corrupt"
    assert "JPEG" in caught.value.message


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"interlace": True},  # progressive: several scans
        {"restart_interval": 4},
        {"subsample_mode": "off"},
        {"optimize_coding": True},
    ],
    ids=["baseline", "progressive", "restart-markers", "4:4:4", "optimised-huffman"],
)
def test_healthy_jpegs_of_every_kind_are_accepted(options: dict[str, object]) -> None:
    assert verdict(photo_jpeg(2, **options)) == "ready"


def test_a_healthy_grey_jpeg_is_accepted() -> None:
    grey = images.photo(640, 480, seed=3).colourspace("b-w")
    assert verdict(grey.jpegsave_buffer(Q=90)) == "ready"


def test_fill_bytes_before_the_end_marker_and_data_after_it_are_healthy() -> None:
    # GIVEN legal 0xFF fill bytes before the end marker, and a second picture after it (as MPO)
    data = photo_jpeg(4)
    end = len(data) - 2
    filled = data[:end] + b"\xff" * 6 + data[end:]
    assert scan_end(filled) == end  # the scan ends where the fill bytes begin
    assert verdict(filled + photo_jpeg(5)) == "ready"


def test_a_large_photo_shrunk_on_load_is_still_checked_to_the_end_of_its_scan() -> None:
    # GIVEN a 4000 px photo (decoded at 1/2 scale for the 2400 px rendition) padded with junk
    data = images.jpeg(images.photo(4000, 2000, seed=6), quality=90)
    end = scan_end(data)
    assert end is not None
    assert decode_verdict(data) == "ready"
    assert decode_verdict(data[:end] + bytes(64) + data[end:]) == "corrupt"


def test_a_jpeg_file_on_disk_is_checked_like_one_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "art.jpg"
    data = photo_jpeg(7)
    end = len(data) - 2
    path.write_bytes(data[:end] + bytes(100) + data[end:])
    with pytest.raises(RejectedInput) as caught:
        process(path)
    assert caught.value.code == "corrupt"


def restart_interval_damaged(seed: int) -> bytes:
    """Return a JPEG with restart markers, a few bits changed between two of them."""
    data = bytearray(images.photo(640, 480, seed=3).jpegsave_buffer(Q=90, restart_interval=8))
    start = entropy_start(bytes(data))
    restarts = [
        i for i in range(start, len(data) - 1) if data[i] == 0xFF and 0xD0 <= data[i + 1] <= 0xD7
    ]
    rng = random.Random(seed)
    k = rng.randrange(2, len(restarts) - 2)
    low, high = restarts[k] + 2, restarts[k + 1]
    for _ in range(3):
        at = rng.randrange(low, high)
        if data[at] != 0xFF and data[at - 1] != 0xFF:
            data[at] ^= 1 << rng.randrange(8)
            data[at] ^= 1 if data[at] == 0xFF else 0
    return bytes(data)


@pytest.mark.parametrize(
    ("message", "damage"),
    [
        ("Corrupt JPEG data: 1214 extraneous bytes before marker 0xd0", True),
        ("Corrupt JPEG data: 15 extraneous bytes before marker 0xd6", True),
        ("Corrupt JPEG data: 3 extraneous bytes before marker 0xd9", False),
        ("Corrupt JPEG data: 40 extraneous bytes before marker 0xdb", False),
        ("Corrupt JPEG data: premature end of data segment", True),
    ],
)
def test_leftover_bytes_are_damage_only_before_a_restart_marker(message: str, damage: bool) -> None:
    from pipeline.integrity import is_damage

    assert is_damage(message) is damage


@pytest.mark.parametrize("seed", [3, 11])
def test_a_damaged_restart_interval_that_leaves_bytes_over_is_corrupt(seed: int) -> None:
    with pytest.raises(RejectedInput) as refused:
        process(restart_interval_damaged(seed), PipelineSettings())
    assert refused.value.code == "corrupt"
