"""Every public rendition leaves without EXIF, GPS, XMP, IPTC or ICC; only the credit goes out."""

from __future__ import annotations

from dataclasses import replace

import pytest
import pyvips

from pipeline import PipelineSettings
from pipeline.model import ProcessResult
from pipeline.process import process
from testkit import icc, images

PRIVATE_FIELDS = ("exif-data", "iptc-data", "icc-profile-data", "orientation")


@pytest.fixture(scope="module")
def loaded_original() -> bytes:
    """A JPEG carrying EXIF with GPS, XMP, IPTC and an ICC profile."""
    tagged = images.tagged(images.photo(1200, 800, seed=2), icc.ADOBE_RGB)
    return images.jpeg(tagged, gps=True, xmp=True, iptc=True, camera=True, icc=icc.ADOBE_RGB)


def all_renditions(result: ProcessResult) -> list[tuple[str, bytes]]:
    """Return (label, bytes) for every rendition."""
    return [(f"{r.name}.{r.format}", r.data) for r in result.renditions]


def test_the_original_really_carries_every_marker(loaded_original: bytes) -> None:
    for marker in images.METADATA_MARKERS.values():
        assert marker in loaded_original


def test_no_private_metadata_survives_in_any_rendition(loaded_original: bytes) -> None:
    for label, data in all_renditions(process(loaded_original)):
        image = pyvips.Image.new_from_buffer(data, "")
        fields = set(image.get_fields())
        assert not fields & set(PRIVATE_FIELDS), label
        assert "xmp-data" not in fields, label
        assert not any(name.startswith("exif-") for name in fields), label
        for marker in images.METADATA_MARKERS.values():
            assert marker not in data, f"{marker!r} survived in {label}"


def test_the_copyright_and_credit_are_the_only_metadata_written(loaded_original: bytes) -> None:
    settings = replace(PipelineSettings(), copyright="© 2026 Ada Lovelace", credit="Ada Lovelace")
    for label, data in all_renditions(process(loaded_original, settings)):
        image = pyvips.Image.new_from_buffer(data, "")
        fields = set(image.get_fields())
        assert "xmp-data" in fields, label
        xmp = bytes(image.get("xmp-data")).decode()
        assert "© 2026 Ada Lovelace" in xmp and "<dc:creator>" in xmp, label
        assert not fields & set(PRIVATE_FIELDS), label
        for marker in images.METADATA_MARKERS.values():
            assert marker not in data, f"{marker!r} survived in {label}"
