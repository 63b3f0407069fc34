"""Animated PNG (APNG) and multi-picture JPEG (MPO) count their frames against the limits."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from pipeline import PipelineSettings, RejectedInput
from pipeline.frames import apng_frames, mpo_frames
from pipeline.process import process
from pipeline.settings import Limits
from testkit import images


def frames(count: int, width: int = 64, height: int = 48) -> list[Image.Image]:
    """Return `count` distinct RGB frames: a bar moving across a ramp."""
    ramp = np.tile(np.linspace(0, 255, width, dtype=np.uint8), (height, 1))
    pages = []
    for index in range(count):
        pixels = np.stack([ramp, np.roll(ramp, index * 3, axis=1), 255 - ramp], axis=-1)
        pixels[:, index % width] = (255, 255, 0)
        pages.append(Image.fromarray(pixels, mode="RGB"))
    return pages


def apng(count: int, **options: object) -> bytes:
    """Return an animated PNG of `count` frames, as Pillow writes it."""
    first, *rest = frames(count)
    buffer = io.BytesIO()
    first.save(buffer, format="PNG", save_all=True, append_images=rest, duration=80, **options)
    return buffer.getvalue()


def mpo(count: int) -> bytes:
    """Return a multi-picture JPEG of `count` images, as Pillow writes it."""
    first, *rest = frames(count)
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=rest, quality=90)
    return buffer.getvalue()


def rejection(data: bytes, limits: Limits) -> RejectedInput:
    """Return the rejection that processing `data` under `limits` raises."""
    with pytest.raises(RejectedInput) as caught:
        process(data, replace(PipelineSettings(), limits=limits))
    return caught.value


def chunk(kind: bytes, data: bytes) -> bytes:
    """Return one PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize(("make", "count"), [(apng, 7), (mpo, 3)], ids=["APNG", "MPO"])
def test_the_facts_count_every_frame_and_the_renditions_show_the_first(make, count: int) -> None:
    data = make(count)
    result = process(data)
    assert result.facts.frames == count
    assert {(r.width, r.height) for r in result.renditions if r.name != "thumb"} == {(64, 48)}


@pytest.mark.parametrize(("make", "count"), [(apng, 12), (mpo, 4)], ids=["APNG", "MPO"])
def test_a_file_over_the_frame_limit_is_rejected_like_an_animated_gif(make, count: int) -> None:
    limits = Limits(max_frames=count - 1)
    error = rejection(make(count), limits)
    gif_error = rejection(images.animated_gif(count, 64, 48), limits)
    assert (error.code, error.message) == (gif_error.code, gif_error.message)
    assert error.code == "too_many_frames"


@pytest.mark.parametrize(("make", "count"), [(apng, 10), (mpo, 3)], ids=["APNG", "MPO"])
def test_the_pixels_of_all_frames_are_bounded(make, count: int) -> None:
    limits = Limits(max_total_pixels=64 * 48 * (count - 1))
    error = rejection(make(count), limits)
    assert error.code == "too_many_pixels"
    assert error.message == rejection(images.animated_gif(count, 64, 48), limits).message


def test_a_still_png_and_a_plain_jpeg_are_one_frame() -> None:
    photo = images.photo(64, 48)
    assert process(photo.pngsave_buffer()).facts.frames == 1
    assert process(images.jpeg(photo)).facts.frames == 1
    assert process(apng(1)).facts.frames == 1


def test_an_apng_whose_default_image_is_not_a_frame_counts_it_too() -> None:
    # GIVEN an APNG whose IDAT image precedes the first fcTL (a still shown by plain viewers)
    data = apng(3, default_image=True)
    # THEN the still and the animation's frames are all counted
    assert process(data).facts.frames == 3


def test_an_actl_after_the_image_data_is_not_an_animation() -> None:
    still = images.photo(16, 16).pngsave_buffer()
    iend = still.rindex(b"IEND") - 4
    late = still[:iend] + chunk(b"acTL", struct.pack(">II", 500, 0)) + still[iend:]
    assert apng_frames(io.BytesIO(late)) is None


def test_a_truncated_png_head_declares_no_frames() -> None:
    assert apng_frames(io.BytesIO(apng(5)[:40])) in (None, 5)
    assert apng_frames(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00")) is None


def test_the_frame_counters_read_only_the_head_of_a_file() -> None:
    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size: int | None = -1) -> bytes:
            data = super().read(size)
            Counting.read_bytes += len(data)
            return data

    big = images.photo(1500, 1000)
    for counter, data in ((apng_frames, big.pngsave_buffer()), (mpo_frames, images.jpeg(big))):
        Counting.read_bytes = 0
        counter(Counting(data))
        assert Counting.read_bytes < 70_000


def test_an_mpf_segment_that_is_damaged_declares_no_frames() -> None:
    data = mpo(2)
    start = data.index(b"MPF\x00")
    damaged = data[: start + 4] + b"\xff" * 12 + data[start + 16 :]
    assert mpo_frames(io.BytesIO(damaged)) is None


@pytest.mark.parametrize("declared", [0, 2**31, 2**32 - 1])
def test_an_invalid_actl_count_makes_a_still_png(declared: int) -> None:
    still = images.photo(16, 16).pngsave_buffer()
    idat = still.index(b"IDAT") - 4
    data = still[:idat] + chunk(b"acTL", struct.pack(">II", declared, 0)) + still[idat:]
    assert apng_frames(io.BytesIO(data)) is None
    assert process(data).facts.frames == 1
