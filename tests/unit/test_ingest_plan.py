"""The processor's pure decisions: which events apply, with which settings, under which keys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content.model import Artist, Artwork, OriginalObject, Status, WatermarkPreference
from ingest.messages import ObjectEvent
from ingest.plan import (
    Outcome,
    Verdict,
    created_verdict,
    duplicate_of,
    is_older_version,
    removed_verdict,
    rendition_stamp,
    settings_for,
)
from kernel.keys import rendition_key
from pipeline.settings import PipelineSettings

ARTIST = Artist("a1", "ada", "Ada Verdigris", "ada@example.com", "hash", copyright_line="© Ada")
WORK = Artwork("w1", "a1", "Tide")


KEY = "originals/a1/w1/u1"


def applied(sequencer: str | None, status: Status = Status.READY) -> Artwork:
    """Return the work with an original whose last applied event had `sequencer`."""
    return replace(WORK, status=status, original=OriginalObject(KEY, sequencer=sequencer))


def event(kind: str, sequencer: str, key: str = KEY, version_id: str | None = None) -> ObjectEvent:
    """Return an S3 event for `key`."""
    name = "ObjectCreated:Post" if kind == "created" else "ObjectRemoved:Delete"
    return ObjectEvent(kind, name, "b", key, sequencer, version_id=version_id)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stored", "incoming", "expected"),
    [
        (None, "0A", None),
        ("0A", "0A", Outcome.DUPLICATE),
        ("0B", "0A", Outcome.STALE),
        # S3: right-pad the shorter sequencer with zeros before comparing
        ("0A", "0A00", Outcome.DUPLICATE),
        ("0A01", "0A", Outcome.STALE),
        ("0062A8B9C4D1E2F3A4", "0062A8B9C4D1E2F3", Outcome.STALE),
    ],
)
def test_a_created_event_of_the_applied_key_is_a_repeat_unless_processing_never_finished(
    stored: str | None, incoming: str, expected: Outcome | None
) -> None:
    assert created_verdict(applied(stored), event("created", incoming)).outcome == expected


def test_a_second_file_posted_with_a_used_form_is_removed_as_that_version_only() -> None:
    reposted = created_verdict(applied("0A"), event("created", "0B", version_id="v2"))
    assert reposted == Verdict(Outcome.IGNORED, remove_object=True)
    # without a version id the stored object may be the applied one: never removed
    assert created_verdict(applied("0A"), event("created", "0B")).remove_object is False


def test_only_the_pending_upload_form_delivers_a_new_file() -> None:
    waiting = replace(WORK, upload_id="u2")
    assert created_verdict(waiting, event("created", "01", "originals/a1/w1/u2")) == Verdict()
    old_form = created_verdict(waiting, event("created", "01", "originals/a1/w1/u0"))
    assert old_form == Verdict(Outcome.IGNORED, remove_object=True)
    no_form = created_verdict(WORK, event("created", "01", "originals/a1/w1/u2"))
    assert no_form == Verdict(Outcome.IGNORED, remove_object=True)


def test_a_late_created_event_never_revives_a_deleted_work_and_its_file_is_removed() -> None:
    verdict = created_verdict(applied("0A", Status.DELETED), event("created", "FF"))
    assert verdict == Verdict(Outcome.IGNORED, remove_object=True)


def test_a_removal_applies_when_newer_even_to_a_deleted_work() -> None:
    assert removed_verdict(applied("0A", Status.DELETED), event("removed", "0B")).outcome is None
    assert removed_verdict(applied("0B"), event("removed", "0A")).outcome is Outcome.STALE
    assert removed_verdict(applied("0B"), event("removed", "0B")).outcome is Outcome.DUPLICATE


def test_removing_another_file_than_the_applied_original_changes_nothing() -> None:
    old_upload = event("removed", "0F", "originals/a1/w1/u0")
    assert removed_verdict(applied("0A"), old_upload).outcome is Outcome.IGNORED
    refused = applied("0A", Status.REJECTED)
    assert removed_verdict(refused, event("removed", "0B")).outcome is Outcome.IGNORED
    versioned = replace(WORK, original=OriginalObject(KEY, version_id="v1", sequencer="0A"))
    other_version = event("removed", "0B", version_id="v2")
    assert removed_verdict(versioned, other_version).outcome is Outcome.IGNORED


def test_a_delete_marker_on_the_applied_key_removes_the_work_whatever_its_version_id() -> None:
    """GIVEN a versioned bucket WHEN the original is deleted without a version THEN S3 sends
    ObjectRemoved:DeleteMarkerCreated with the marker's own version id, and it still counts."""
    versioned = replace(WORK, original=OriginalObject(KEY, version_id="v1", sequencer="0A"))
    marker = ObjectEvent(
        "removed", "ObjectRemoved:DeleteMarkerCreated", "b", KEY, "0B", version_id="marker-1"
    )
    assert removed_verdict(versioned, marker).outcome is None
    stale = replace(marker, sequencer="09")
    assert removed_verdict(versioned, stale).outcome is Outcome.STALE


def test_the_artists_watermark_and_copyright_go_into_the_settings() -> None:
    artist = replace(ARTIST, watermark=WatermarkPreference(enabled=True, position="center"))
    work = replace(WORK, focal_point=(0.2, 0.8))
    settings = settings_for(PipelineSettings(), artist, work)
    assert settings.watermark.text == "© Ada"
    assert settings.watermark.position == "center"
    assert (settings.copyright, settings.credit) == ("© Ada", "Ada Verdigris")
    assert settings.focal_point == (0.2, 0.8)


def test_no_watermark_unless_the_artist_asked_for_one() -> None:
    assert not settings_for(PipelineSettings(), ARTIST, WORK).watermark.enabled


def test_the_same_event_always_gets_the_same_rendition_folder() -> None:
    assert rendition_stamp("0A", "v1") == rendition_stamp("0A", "v1")
    assert rendition_stamp("0A", "v1") != rendition_stamp("0B", "v1")
    assert rendition_stamp("0A", "v1") != rendition_stamp("0A", "v2")
    assert rendition_stamp("0A", "v1", "retry-1") != rendition_stamp("0A", "v1")


def test_rendition_keys_never_fall_under_the_originals_prefix() -> None:
    key = rendition_key("a1", "w1", rendition_stamp("0A", "v1"), "320px.webp")
    assert key.startswith("renditions/a1/w1/") and not key.startswith("originals/")


def test_a_near_duplicate_counts_only_when_another_artist_made_it() -> None:
    owners = {"w1": "a1", "w2": "a1", "w3": "a2"}
    assert duplicate_of(WORK, ["w1", "w2", "w3"], owners) == "w3"
    assert duplicate_of(WORK, ["w1", "w2"], owners) is None


@pytest.mark.parametrize(
    ("version", "current", "older"),
    [
        ("2026.9.3", "2026.11.1", True),
        ("2026.11.9", "2026.11.10", True),
        ("2026.11.10", "2026.11.9", False),
        ("2026.12.1", "2026.12.1", False),
        (None, "2026.12.1", True),
    ],
)
def test_pipeline_versions_compare_as_numbers_not_text(
    version: str | None, current: str, older: bool
) -> None:
    assert is_older_version(version, current) is older


def test_a_logo_watermark_puts_the_logo_bytes_and_no_text_into_the_settings() -> None:
    mark = WatermarkPreference(enabled=True, kind="logo", position="top-left", opacity=0.7)
    artist = replace(ARTIST, watermark=mark, logo="logos/ada/logo-1.png")
    settings = settings_for(PipelineSettings(), artist, WORK, logo=b"\x89PNG...")
    assert (settings.watermark.logo, settings.watermark.text) == (b"\x89PNG...", None)
    assert (settings.watermark.position, settings.watermark.opacity) == ("top-left", 0.7)


def test_a_logo_watermark_without_its_logo_marks_nothing() -> None:
    mark = WatermarkPreference(enabled=True, kind="logo")
    settings = settings_for(PipelineSettings(), replace(ARTIST, watermark=mark), WORK)
    assert not settings.watermark.enabled
