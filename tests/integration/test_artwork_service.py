"""Artwork use cases over the real SQLite store: owners only, drafts never leak."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from content.artworks import ArtworkService, InvalidArtwork, NotAllowed
from content.model import Artist, OriginalObject, Status, Visibility
from content.repository import NotFound, VersionConflict
from content.sqlite import SqliteContentRepository


@pytest.fixture
def service(tmp_path: Path) -> ArtworkService:
    """The service over a fresh SQLite store with two artists, ada and bob."""
    repository = SqliteContentRepository(tmp_path / "content.db")
    for name in ("ada", "bob"):
        repository.add_artist(Artist(name, name, name.title(), f"{name}@example.com", "hash"))
    return ArtworkService(repository)


def make_ready(service: ArtworkService, artwork_id: str) -> None:
    """Mark a work as processed, as the pipeline will."""
    artwork = service.repository.get_artwork(artwork_id)
    original = OriginalObject(key=f"originals/ada/{artwork_id}/a.jpg", sequencer="01")
    service.repository.save_artwork(
        replace(artwork, status=Status.READY, original=original), artwork.version
    )


def test_an_artist_creates_a_draft_awaiting_its_upload(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": " Sunflowers ", "tags": "Yellow, flowers,yellow"})
    assert (artwork.title, artwork.tags) == ("Sunflowers", ("yellow", "flowers"))
    assert (artwork.status, artwork.visibility) == (Status.AWAITING_UPLOAD, Visibility.DRAFT)
    assert service.own("ada", artwork.id) == artwork


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "year": 999}, "year"),
        ({"title": "ok", "year": "soon"}, "year"),
        ({"title": "ok", "tags": ["t"] * 0 + [f"tag{i}" for i in range(21)]}, "tags"),
        ({"title": "ok", "status": "ready"}, "status"),
    ],
)
def test_invalid_fields_are_refused_with_the_field_named(
    service: ArtworkService, fields: dict, field: str
) -> None:
    with pytest.raises(InvalidArtwork) as caught:
        service.create("ada", fields)
    assert caught.value.field == field


def test_another_artist_cannot_read_change_or_delete_a_work(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "Private"})
    with pytest.raises(NotFound):
        service.own("bob", artwork.id)
    with pytest.raises(NotFound):
        service.edit("bob", artwork.id, {"title": "Mine now"})
    with pytest.raises(NotFound):
        service.delete("bob", artwork.id)
    assert service.own("ada", artwork.id).title == "Private"


def test_an_edit_with_a_stale_version_is_a_conflict(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "One"})
    service.edit("ada", artwork.id, {"title": "Two"}, version=artwork.version)
    with pytest.raises(VersionConflict):
        service.edit("ada", artwork.id, {"title": "Three"}, version=artwork.version)


def test_a_published_work_is_public_only_once_it_is_ready(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "Soon"})
    service.set_visibility("ada", artwork.id, Visibility.PUBLISHED)
    with pytest.raises(NotFound):
        service.public_artwork(artwork.id)
    make_ready(service, artwork.id)
    assert service.public_artwork(artwork.id).published_at is not None
    service.set_visibility("ada", artwork.id, Visibility.DRAFT)
    with pytest.raises(NotFound):
        service.public_artwork(artwork.id)


def test_the_focal_point_is_validated(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "Focus"})
    assert service.set_focal_point("ada", artwork.id, [0.25, 0.75]).focal_point == (0.25, 0.75)
    with pytest.raises(InvalidArtwork):
        service.set_focal_point("ada", artwork.id, [1.5, 0.2])
    assert service.set_focal_point("ada", artwork.id, None).focal_point is None


def test_a_deleted_work_disappears_for_its_owner_and_the_public(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "Gone"})
    make_ready(service, artwork.id)
    service.set_visibility("ada", artwork.id, Visibility.PUBLISHED)
    service.delete("ada", artwork.id)
    assert service.repository.get_artwork(artwork.id).status is Status.DELETED
    with pytest.raises(NotFound):
        service.own("ada", artwork.id)
    with pytest.raises(NotFound):
        service.public_artwork(artwork.id)
    assert service.list_own("ada").items == ()


def test_moving_the_focal_point_of_a_ready_work_renders_its_thumbnail_again(
    service: ArtworkService,
) -> None:
    requested: list[str] = []
    service.on_reprocess = lambda artwork: requested.append(artwork.id)
    draft = service.create("ada", {"title": "Not yet uploaded"})
    assert service.set_focal_point("ada", draft.id, [0.2, 0.3]).reprocess_request is None
    ready = service.create("ada", {"title": "Ready"})
    make_ready(service, ready.id)
    moved = service.set_focal_point("ada", ready.id, [0.25, 0.75])
    assert moved.focal_point == (0.25, 0.75) and moved.reprocess_request
    assert moved.status is Status.READY
    assert service.set_focal_point("ada", ready.id, [0.25, 0.75]).reprocess_request == (
        moved.reprocess_request
    )  # the same point again: nothing new to render
    assert requested == [ready.id]


def test_only_an_uploaded_processed_work_can_be_reprocessed(service: ArtworkService) -> None:
    artwork = service.create("ada", {"title": "Again"})
    with pytest.raises(NotAllowed):
        service.request_reprocess("ada", artwork.id)
    make_ready(service, artwork.id)
    pending = service.request_reprocess("ada", artwork.id)
    # a ready work stays ready (and public) until its new renditions are in
    assert pending.status is Status.READY and pending.reprocess_request
    again = service.request_reprocess("ada", artwork.id)
    assert again.reprocess_request not in (None, pending.reprocess_request)


def test_an_artist_lists_their_own_works_newest_first(service: ArtworkService) -> None:
    ids = [service.create("ada", {"title": f"Work {i}"}).id for i in range(3)]
    service.create("bob", {"title": "Not Ada's"})
    assert [a.id for a in service.list_own("ada").items] == ids[::-1]
