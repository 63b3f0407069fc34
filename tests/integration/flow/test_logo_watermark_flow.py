"""A logo watermark: uploading a logo and choosing it re-renders the artist's works with it."""

from __future__ import annotations

from dataclasses import replace

import pyvips

from content.model import Artwork, Status
from content.profile import ProfileService
from content.profile_images import ProfileImages
from copper.worker import Worker
from handlers.process_uploads import build_handler
from pipeline.settings import Watermark
from service.processing import build_consumer

from .conftest import PIPELINE, Flow

MARKED = replace(PIPELINE, watermark=Watermark(min_edge=100, scale=0.5))


def red_logo() -> bytes:
    """Return an opaque red PNG logo, twice as wide as it is high."""
    red = pyvips.Image.black(200, 100) + [255, 0, 0]
    return red.bandjoin(255).cast("uchar").copy(interpretation="srgb").pngsave_buffer()


def rendition(flow: Flow, artwork: Artwork) -> pyvips.Image:
    """Return the work's 320 px JPEG rendition, decoded."""
    record = flow.record(artwork)
    (entry,) = (r for r in record.renditions if r["format"] == "jpeg" and r["width"] == 320)
    return pyvips.Image.new_from_buffer(flow.services.media.get(entry["key"]), "")


def difference(a: pyvips.Image, b: pyvips.Image, box: tuple[int, int, int, int]) -> float:
    """Return the mean absolute difference of two images inside `box` (left, top, w, h)."""
    return float((a.crop(*box).cast("float") - b.crop(*box).cast("float")).abs().avg())


def test_a_logo_watermark_draws_the_logo_where_the_position_says(local_flow: Flow) -> None:
    # GIVEN a ready work rendered by a pipeline that marks even small renditions
    flow = local_flow
    services = flow.services
    consumer = build_consumer(services, MARKED)
    worker = Worker(services.queue, build_handler(lambda: consumer), wait_seconds=0)
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    worker.drain()
    before = rendition(flow, artwork)
    # WHEN the artist uploads a logo and turns the logo watermark on, centred and opaque
    reprocess = services.artworks.request_reprocess
    images = ProfileImages(services.repository, services.media, "", reprocess)
    images.set_logo(artist.id, red_logo())
    mark = {"enabled": True, "kind": "logo", "position": "center", "opacity": 1.0}
    ProfileService(services.repository, reprocess).edit(artist.id, {"watermark": mark})
    worker.drain()
    # THEN the work is rendered again with a red logo in its centre, its corners unchanged
    assert flow.record(artwork).status is Status.READY
    after = rendition(flow, artwork)
    assert (after.width, after.height) == (before.width, before.height)
    cx, cy = after.width // 2, after.height // 2
    centre = (cx - 20, cy - 10, 40, 20)
    assert difference(before, after, centre) > 40
    red, green, blue = (after.crop(*centre).extract_band(n).avg() for n in range(3))
    assert red > 200 and green < 60 and blue < 60
    assert difference(before, after, (0, 0, 30, 30)) < 3
    # WHEN the logo is removed THEN the mark is turned off and the work rendered without it
    images.remove_logo(artist.id)
    worker.drain()
    unmarked = rendition(flow, artwork)
    assert difference(before, unmarked, centre) < 3
