"""A file's own title, description and keywords fill what its artist left empty; a replaced
file's old renditions stay public until the new ones are ready (both backends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from content.model import Status, Visibility
from copper.demo_art import artwork_image, artwork_jpeg
from copper.worker import Worker
from handlers.process_uploads import build_handler
from ingest.service import run_pipeline
from pipeline.model import ProcessResult
from pipeline.settings import PipelineSettings
from service.processing import build_consumer
from testkit.images import iptc_block, jpeg, xmp_packet

from .conftest import PIPELINE, Flow


def described_jpeg(seed: int, *, xmp: bool = True, iptc: bool = True) -> bytes:
    """Return a JPEG whose XMP and IPTC carry different title, caption and keywords."""
    return jpeg(
        artwork_image(seed, 480),
        xmp=xmp_packet("Harbour at dusk", "Boats & lights", ("harbour", "night")) if xmp else False,
        iptc=iptc_block("Port au crépuscule", "Bateaux et lumières", ("port", "nuit"))
        if iptc
        else False,
    )


def test_a_work_titled_after_its_file_takes_the_files_xmp_title_caption_and_keywords(
    flow: Flow,
) -> None:
    # GIVEN a work the studio created with the file's name as a stand-in title
    artist = flow.artist()
    work = flow.services.artworks.create(
        artist.id, {"title": "42_IndexError", "title_from_file": True}
    )
    # WHEN a file with XMP and IPTC text is processed
    flow.store_original(work, described_jpeg(1))
    flow.send("created", work, "0A")
    flow.drain()
    # THEN the XMP values (preferred over IPTC) fill the work, and the facts record them
    record = flow.record(work)
    assert record.status is Status.READY
    assert record.title == "Harbour at dusk"
    assert record.description == "Boats & lights"
    assert record.tags == ("harbour", "night")
    assert not record.title_from_file
    assert (record.facts or {})["embedded"] == {
        "title": "Harbour at dusk",
        "description": "Boats & lights",
        "keywords": ["harbour", "night"],
    }


def test_iptc_alone_fills_the_work_and_an_artists_own_title_and_caption_are_kept(
    flow: Flow,
) -> None:
    artist = flow.artist()
    stand_in = flow.services.artworks.create(
        artist.id, {"title": "IMG_0001", "title_from_file": True}
    )
    chosen = flow.services.artworks.create(
        artist.id, {"title": "Nocturne", "description": "My own words."}
    )
    flow.store_original(stand_in, described_jpeg(2, xmp=False))
    flow.store_original(chosen, described_jpeg(3, xmp=False))
    flow.send("created", stand_in, "0A")
    flow.send("created", chosen, "0A")
    flow.drain()
    filled, kept = flow.record(stand_in), flow.record(chosen)
    assert (filled.title, filled.description) == ("Port au crépuscule", "Bateaux et lumières")
    assert filled.tags == ("port", "nuit")
    assert (kept.title, kept.description) == ("Nocturne", "My own words.")
    assert kept.tags == ("port", "nuit"), "empty tags are still filled from the keywords"


def test_a_title_the_artist_edits_before_processing_is_not_replaced(flow: Flow) -> None:
    artist = flow.artist()
    work = flow.services.artworks.create(artist.id, {"title": "DSC_7", "title_from_file": True})
    flow.services.artworks.edit(artist.id, work.id, {"title": "Low tide"})
    flow.store_original(work, described_jpeg(4))
    flow.send("created", work, "0A")
    flow.drain()
    assert flow.record(work).title == "Low tide"


def test_a_replaced_files_old_renditions_stay_public_until_the_new_ones_are_ready(
    flow: Flow, tmp_path: Path
) -> None:
    # GIVEN a ready work, published
    artist = flow.artist()
    work = flow.artwork(artist)
    flow.store_original(work, artwork_jpeg(5, 480))
    flow.send("created", work, "0A")
    flow.drain()
    flow.services.artworks.set_visibility(artist.id, work.id, Visibility.PUBLISHED)
    before = flow.record(work)
    old_keys = sorted(r["key"] for r in before.renditions)
    # WHEN its replacement is processed, THEN while the pipeline runs the record still
    # names the old renditions, is ready and public, and the old files are in the media store
    seen: list[dict[str, Any]] = []

    def observing(path: Path, settings: PipelineSettings) -> ProcessResult:
        during = flow.record(work)
        seen.append(
            {
                "status": during.status,
                "public": during.is_public,
                "keys": sorted(r["key"] for r in during.renditions),
                "stored": sorted(flow.media_keys(work)),
            }
        )
        return run_pipeline(path, settings)

    consumer = build_consumer(flow.services, PIPELINE)
    consumer.processor.pipeline = observing
    worker = Worker(flow.services.queue, build_handler(lambda: consumer), wait_seconds=0)
    new_key = flow.upload_key(work)
    flow.store_original(work, artwork_jpeg(6, 640))
    flow.send("created", work, "0B", key=new_key)
    worker.drain()
    flow.drain()
    assert seen == [{"status": Status.READY, "public": True, "keys": old_keys, "stored": old_keys}]
    # AND afterwards only the new set is named and stored
    after = flow.record(work)
    assert after.is_public and (after.facts or {})["width"] == 640
    new_keys = sorted(r["key"] for r in after.renditions)
    assert not set(new_keys) & set(old_keys)
    assert sorted(flow.media_keys(work)) == new_keys


def test_a_work_published_before_its_file_is_processed_gets_its_url_from_the_files_title(
    flow: Flow,
) -> None:
    # GIVEN a work published while it still waits for its file, titled after the file's name
    artist = flow.artist()
    work = flow.services.artworks.create(artist.id, {"title": "IMG_4032", "title_from_file": True})
    flow.services.artworks.set_visibility(artist.id, work.id, Visibility.PUBLISHED)
    assert flow.record(work).slug is None, "no readable URL from a stand-in title"
    # WHEN the file, titled inside, is processed
    flow.store_original(work, described_jpeg(4))
    flow.send("created", work, "0A")
    flow.drain()
    # THEN the now public work's readable URL comes from the file's own title
    record = flow.record(work)
    assert record.is_public
    assert record.slug == "harbour-at-dusk"
    assert flow.services.artworks.public_by_slug(artist.id, "harbour-at-dusk").id == work.id
