"""Artwork use cases over the real SQLite store: owners only, drafts never leak."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from content.artworks import ArtworkService, InvalidArtwork, NotAllowed
from content.model import Artist, Artwork, OriginalObject, Status, Visibility
from content.repository import WRITE_ATTEMPTS, NotFound, VersionConflict
from content.sqlite import SqliteContentRepository
from testkit.racing import RacingRepository


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


def processed(artwork: Artwork) -> Artwork:
    """Return the work as the pipeline saves it when its renditions are in."""
    original = OriginalObject(key=f"originals/ada/{artwork.id}/original", sequencer="01")
    renditions = ({"format": "webp", "width": 320, "height": 240, "key": "r/320.webp"},)
    return replace(artwork, status=Status.READY, original=original, renditions=renditions)


def test_publishing_outlasts_the_pipeline_saving_the_same_work_and_keeps_its_renditions(
    tmp_path: Path,
) -> None:
    # GIVEN a work whose renditions are saved between the publish's read and its write
    racing = RacingRepository(SqliteContentRepository(tmp_path / "content.db"))
    racing.add_artist(Artist("ada", "ada", "Ada", "ada@example.com", "hash"))
    service = ArtworkService(racing)
    artwork = service.create("ada", {"title": "Tide"})
    racing.overtake_artwork(artwork.id, processed)
    # WHEN the artist publishes it without naming a version
    published = service.set_visibility("ada", artwork.id, Visibility.PUBLISHED)
    # THEN the publish lands on the pipeline's record instead of answering a conflict
    assert racing.conflicts == 1
    assert (published.visibility, published.status) == (Visibility.PUBLISHED, Status.READY)
    assert published.renditions == processed(artwork).renditions
    assert service.public_artwork(artwork.id).version == artwork.version + 2


def test_a_write_at_a_stale_version_still_conflicts_when_another_writer_got_there_first(
    tmp_path: Path,
) -> None:
    racing = RacingRepository(SqliteContentRepository(tmp_path / "content.db"))
    racing.add_artist(Artist("ada", "ada", "Ada", "ada@example.com", "hash"))
    service = ArtworkService(racing)
    artwork = service.create("ada", {"title": "Tide"})
    racing.overtake_artwork(artwork.id, processed)
    with pytest.raises(VersionConflict):
        service.set_visibility("ada", artwork.id, Visibility.PUBLISHED, version=artwork.version)
    stored = racing.get_artwork(artwork.id)
    assert (stored.visibility, stored.status) == (Visibility.DRAFT, Status.READY)


def test_a_work_that_keeps_changing_gives_up_with_a_conflict_after_a_few_attempts(
    tmp_path: Path,
) -> None:
    class Busy(RacingRepository):
        """A store where every read of the work is overtaken by another save."""

        def get_artwork(self, artwork_id: str, owner_id: str | None = None) -> Artwork:
            self.overtake_artwork(artwork_id, lambda a: replace(a, description=a.description + "."))
            return super().get_artwork(artwork_id, owner_id)

    busy = Busy(SqliteContentRepository(tmp_path / "content.db"))
    busy.add_artist(Artist("ada", "ada", "Ada", "ada@example.com", "hash"))
    artwork = ArtworkService(busy).create("ada", {"title": "Tide"})
    with pytest.raises(VersionConflict):
        ArtworkService(busy).edit("ada", artwork.id, {"title": "Harbour"})
    assert busy.conflicts == WRITE_ATTEMPTS
