"""A large work's tile pyramid is stored with its renditions, and removed with them."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import pyvips
import requests
import yaml

from pipeline.settings import DeepZoom, PipelineSettings
from testkit import images
from testkit.stack import LocalStack

DOCUMENT = Path(__file__).parents[2] / "openapi.yaml"
DZI = "{http://schemas.microsoft.com/deepzoom/2008}"
# a small ladder and small tiles keep the images small; 900 px exceeds the 640 px threshold
PIPELINE = PipelineSettings(
    ladder=(320, 640), deep_zoom=DeepZoom(min_edge=640, tile_size=254, overlap=1)
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Run the API and a worker on the local backend."""
    with LocalStack(tmp_path_factory.mktemp("deep-zoom"), pipeline=PIPELINE) as running:
        yield running


def pyramid_entry(artwork: dict[str, Any]) -> dict[str, Any] | None:
    """Return the work's deep-zoom entry, if any."""
    return next((r for r in artwork["renditions"] if r["format"] == "dzi"), None)


def media_keys(stack: LocalStack, artwork: dict[str, Any]) -> list[str]:
    """Return every key stored for the work in the media store."""
    prefix = f"renditions/{artwork['artist_id']}/{artwork['id']}/"
    return list(stack.services.media.list(prefix))


def settled(stack: LocalStack, artwork_id: str, token: str) -> dict[str, Any]:
    """Wait until the render is over and its message handled (cleanup included)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        counts = stack.services.queue.counts()
        artwork = stack.artwork(artwork_id, token)
        if not artwork["reprocessing"] and counts["visible"] + counts["in_flight"] == 0:
            return artwork
        time.sleep(0.1)
    raise TimeoutError(f"{artwork_id} was still being rendered")


def test_a_large_work_gets_a_readable_pyramid_that_the_public_document_names(
    stack: LocalStack,
) -> None:
    # GIVEN a 900 × 600 original, larger than the largest rendition (640 px)
    artist = stack.register("Iris Mezzotint")
    original = images.jpeg(images.photo(900, 600, seed=7))
    artwork_id = stack.upload(artist.token, original, {"title": "Harbour at dusk"})
    stack.wait_for(artwork_id, artist.token, {"ready"})
    # WHEN a visitor's client reads the public document
    public = stack.call("GET", f"/artworks/{artwork_id}")
    # THEN it names the pyramid, as openapi.yaml describes a rendition
    entry = pyramid_entry(public)
    assert entry is not None
    schema = yaml.safe_load(DOCUMENT.read_text())["components"]["schemas"]["Rendition"]
    jsonschema.validate(entry, schema)
    assert (entry["width"], entry["height"], entry["tile_size"], entry["overlap"]) == (
        900,
        600,
        254,
        1,
    )
    assert entry["levels"] == 11 and entry["tile_format"] == "jpeg"
    assert entry["key"].endswith("/tiles/image.dzi")
    # AND the descriptor is served by the media URL and reads as Deep Zoom
    answer = requests.get(entry["url"], timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/xml")
    size = ET.fromstring(answer.content).find(f"{DZI}Size")
    assert size is not None and (size.get("Width"), size.get("Height")) == ("900", "600")
    # AND every tile of the top level is there, a JPEG of at most 256 px
    tiles_url = entry["url"].removesuffix(".dzi") + "_files"
    for column, row in ((0, 0), (3, 2)):
        tile = requests.get(f"{tiles_url}/10/{column}_{row}.jpg", timeout=10)
        assert tile.status_code == 200
        image = pyvips.Image.new_from_buffer(tile.content, "")
        assert max(image.width, image.height) <= 256
    keys = media_keys(stack, public)
    assert sum("/tiles/image_files/" in key for key in keys) == entry["tiles"]


def test_a_work_no_larger_than_the_largest_rendition_has_no_pyramid(stack: LocalStack) -> None:
    artist = stack.register("Otto Drypoint")
    original = images.jpeg(images.photo(600, 400, seed=8))
    artwork_id = stack.upload(artist.token, original, {"title": "Small plate"})
    artwork = stack.wait_for(artwork_id, artist.token, {"ready"})
    assert pyramid_entry(artwork) is None
    assert not any("/tiles/" in key for key in media_keys(stack, artwork))


def test_rendering_again_replaces_the_old_pyramid_and_the_audit_finds_nothing_amiss(
    stack: LocalStack,
) -> None:
    # GIVEN a ready large work
    artist = stack.register("Vera Aquatint")
    original = images.jpeg(images.photo(900, 600, seed=9))
    artwork_id = stack.upload(artist.token, original, {"title": "Salt marsh"})
    before = stack.wait_for(artwork_id, artist.token, {"ready"})
    old_folder = pyramid_entry(before)["key"].removesuffix("image.dzi")  # type: ignore[index]
    # WHEN the artist has it rendered again (a new rendition set, a new stamp)
    stack.call("POST", f"/me/artworks/{artwork_id}/reprocess", artist.token)
    after = settled(stack, artwork_id, artist.token)
    new_entry = pyramid_entry(after)
    assert new_entry is not None and not new_entry["key"].startswith(old_folder)
    # THEN the old set's tiles are gone with its renditions, and only the new set is stored
    keys = media_keys(stack, after)
    assert not [key for key in keys if key.startswith(old_folder)]
    named = {r["key"] for r in after["renditions"]}
    new_folder = new_entry["key"].removesuffix("image.dzi")
    assert all(key in named or key.startswith(new_folder) for key in keys)
    # AND the audit counts the pyramid's tiles as named by the record, not as orphans
    auditor = replace(stack.services.auditor(), grace=-1.0)
    report = auditor.audit()
    orphans = [f for f in report.findings if f.kind == "orphan_rendition"]
    assert orphans == []
