"""The audit accounts for portrait and logo files: leftovers are removed, lost ones reported."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pyvips

from content.model import Artist
from content.profile_images import ProfileImages
from kernel.keys import logo_key, portrait_key
from storage.blobstore import StorageUnavailable
from testkit import images
from testkit.outages import Switchable

from .conftest import Flow

STRAY = portrait_key("01HNOBODY", "0123456789abcdef", 160)


def profile_images(flow: Flow, media: Any = None) -> ProfileImages:
    """Return the profile-images use case over the flow's stores (or another media store)."""
    reprocess = flow.services.artworks.request_reprocess
    return ProfileImages(flow.services.repository, media or flow.services.media, "", reprocess)


def portrait(seed: int) -> bytes:
    """Return a photo-like JPEG to use as a portrait."""
    return images.jpeg(images.photo(600, 400, seed=seed))


def logo() -> bytes:
    """Return a small opaque PNG logo."""
    blue = pyvips.Image.black(120, 60) + [0, 0, 255]
    return blue.bandjoin(255).cast("uchar").copy(interpretation="srgb").pngsave_buffer()


def kinds(flow: Flow) -> list[tuple[str, str | None]]:
    """Return the unresolved findings as (kind, key)."""
    return [(f.kind, f.key) for f in flow.audit().unresolved]


def with_portrait_and_logo(flow: Flow) -> Artist:
    """Register an artist with a portrait and a logo."""
    artist = flow.artist()
    profile_images(flow).set_portrait(artist.id, portrait(1))
    return profile_images(flow).set_logo(artist.id, logo())


def test_portraits_and_logos_a_profile_names_are_accounted_for(flow: Flow) -> None:
    # GIVEN an artist with a portrait (two sizes) and a logo
    artist = with_portrait_and_logo(flow)
    assert len(artist.portrait) == 2 and artist.logo
    # THEN the audit finds nothing to say about them
    assert kinds(flow) == []


def test_files_left_by_a_failed_delete_are_found_and_removed_by_the_repair(flow: Flow) -> None:
    # GIVEN an artist whose new portrait and logo replaced the old ones while the media
    # store refused every delete (the profile is saved; the old files stay behind)
    artist = with_portrait_and_logo(flow)
    old = {str(entry["key"]) for entry in artist.portrait} | {str(artist.logo)}
    failing = Switchable(flow.services.media, lambda: StorageUnavailable("down (simulated)"))
    failing.fail_when(lambda method, _args: method == "delete")
    profile_images(flow, failing).set_portrait(artist.id, portrait(2))
    saved = profile_images(flow, failing).remove_logo(artist.id)
    assert saved.logo is None and not old & {entry["key"] for entry in saved.portrait}
    assert all(flow.services.media.exists(key) for key in old)
    # WHEN the audit runs THEN each leftover is an orphan, and the repair removes them all
    assert sorted(kinds(flow)) == sorted(("orphan_profile_file", key) for key in old)
    report = flow.audit(repair=True)
    assert len(report.repaired) == 3 and report.ok
    assert not any(flow.services.media.exists(key) for key in old)
    # AND the files the profile names now are kept
    assert all(flow.services.media.exists(entry["key"]) for entry in saved.portrait)
    assert flow.audit().ok


def test_a_file_younger_than_the_grace_period_is_pending_not_an_orphan(flow: Flow) -> None:
    # GIVEN a portrait file just stored, which no profile names yet (the studio names it next)
    flow.services.media.put(STRAY, b"jpeg", "image/jpeg")
    # WHEN the audit runs with its usual grace period
    auditor = replace(flow.services.auditor(), grace=60.0)
    report = auditor.audit(repair=True)
    # THEN it waits: nothing is reported or removed
    assert report.ok and report.pending == 1
    assert flow.services.media.exists(STRAY)
    # AND once settled, the same file is an orphan
    assert kinds(flow) == [("orphan_profile_file", STRAY)]


class NamedMeanwhile:
    """A media store during whose age check the studio saves a profile naming the file."""

    def __init__(self, flow: Flow, artist: Artist) -> None:
        """Wrap the flow's media store; `artist` is the one whose profile names the file."""
        self.flow, self.artist = flow, artist

    def modified_at(self, key: str) -> float:
        """Name the file on the artist's profile, then answer as the real store does."""
        repository = self.flow.services.repository
        current = repository.get_artist(self.artist.id)
        repository.update_artist(replace(current, logo=key), current.version)
        return self.flow.services.media.modified_at(key)

    def __getattr__(self, name: str) -> object:
        """Forward everything else to the real store."""
        return getattr(self.flow.services.media, name)


def test_a_file_the_profile_names_by_the_time_of_the_repair_is_kept(flow: Flow) -> None:
    # GIVEN a logo file no profile names when the audit reads the stores, which the
    # artist's profile names before the repair runs (a save between the two)
    artist = flow.artist()
    key = logo_key(artist.id, "feedfacefeedface")
    flow.services.media.put(key, logo(), "image/png")
    meanwhile: Any = NamedMeanwhile(flow, artist)
    auditor = replace(flow.services.auditor(), media=meanwhile, grace=-1.0)
    # WHEN the audit repairs
    report = auditor.audit(repair=True)
    # THEN the file is kept, and the next audit finds nothing
    assert [f.kind for f in report.findings] == ["orphan_profile_file"] and not report.repaired
    assert flow.services.media.exists(key)
    assert flow.services.repository.get_artist(artist.id).logo == key
    assert kinds(flow) == []


def test_a_named_file_that_is_gone_is_reported_for_the_artist_to_upload_again(
    flow: Flow,
) -> None:
    # GIVEN an artist whose logo file was lost from the media store
    artist = with_portrait_and_logo(flow)
    flow.services.media.delete(str(artist.logo))
    # WHEN the audit repairs THEN the loss is reported, not hidden
    report = flow.audit(repair=True)
    assert [(f.kind, f.key, f.repairable) for f in report.unresolved] == [
        ("missing_profile_file", artist.logo, False)
    ]


def test_a_file_whose_age_cannot_be_read_waits_for_the_next_audit(flow: Flow) -> None:
    # GIVEN a leftover portrait file, and a media store that fails to tell its age
    flow.services.media.put(STRAY, b"jpeg", "image/jpeg")
    failing = Switchable(flow.services.media, lambda: StorageUnavailable("down (simulated)"))
    failing.fail_when(lambda method, _args: method == "modified_at")
    media: Any = failing
    auditor = replace(flow.services.auditor(), media=media, grace=-1.0)
    # WHEN the audit repairs THEN it completes, counts the file as pending and keeps it
    report = auditor.audit(repair=True)
    assert report.ok and report.pending == 1
    assert flow.services.media.exists(STRAY)
