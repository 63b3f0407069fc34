"""Work slugs through the content service, over the real SQLite store: given once, then kept."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from content.artworks import ArtworkService
from content.model import Artist, OriginalObject, Status, Visibility
from content.repository import NotFound
from content.sqlite import SqliteContentRepository


@pytest.fixture
def service(tmp_path: Path) -> ArtworkService:
    """The service over a fresh SQLite store with two artists, ada and bob."""
    repository = SqliteContentRepository(tmp_path / "content.db")
    for name in ("ada", "bob"):
        repository.add_artist(Artist(name, name, name.title(), f"{name}@example.com", "hash"))
    return ArtworkService(repository)


def ready_work(service: ArtworkService, artist_id: str, title: str) -> str:
    """Create a work and mark it processed, as the pipeline will; return its id."""
    artwork = service.create(artist_id, {"title": title})
    original = OriginalObject(key=f"originals/{artist_id}/{artwork.id}/a.jpg", sequencer="01")
    service.repository.save_artwork(
        replace(artwork, status=Status.READY, original=original), artwork.version
    )
    return artwork.id


def publish(service: ArtworkService, artist_id: str, artwork_id: str) -> str | None:
    """Publish a work; return its slug."""
    return service.set_visibility(artist_id, artwork_id, Visibility.PUBLISHED).slug


def test_a_draft_has_no_slug_until_it_is_published(service: ArtworkService) -> None:
    work = ready_work(service, "ada", "Harbour at Dawn")
    assert service.own("ada", work).slug is None
    service.edit("ada", work, {"description": "Early light."})
    assert service.own("ada", work).slug is None

    assert publish(service, "ada", work) == "harbour-at-dawn"
    assert service.public_by_slug("ada", "harbour-at-dawn").id == work


def test_the_slug_outlasts_title_edits_and_unpublishing(service: ArtworkService) -> None:
    work = ready_work(service, "ada", "Harbour at Dawn")
    publish(service, "ada", work)

    service.edit("ada", work, {"title": "Harbour at Dusk"})
    service.set_visibility("ada", work, Visibility.DRAFT)
    with pytest.raises(NotFound):
        service.public_by_slug("ada", "harbour-at-dawn")
    assert publish(service, "ada", work) == "harbour-at-dawn"
    assert service.public_by_slug("ada", "harbour-at-dawn").title == "Harbour at Dusk"


def test_works_of_one_title_are_numbered_per_artist(service: ArtworkService) -> None:
    slugs = [publish(service, "ada", ready_work(service, "ada", "Tide")) for _ in range(3)]
    bobs = publish(service, "bob", ready_work(service, "bob", "Tide"))

    assert slugs == ["tide", "tide-2", "tide-3"]
    assert bobs == "tide"


def test_a_title_that_is_a_routes_word_gets_a_number(service: ArtworkService) -> None:
    assert publish(service, "ada", ready_work(service, "ada", "Series")) == "series-2"
    assert publish(service, "ada", ready_work(service, "ada", "東京")) == "untitled"


def test_concurrent_publishes_of_one_title_give_distinct_slugs(service: ArtworkService) -> None:
    works = [ready_work(service, "ada", "Tide") for _ in range(6)]
    slugs: list[str | None] = []
    start = threading.Barrier(len(works))

    def run(work: str) -> None:
        start.wait()
        slugs.append(publish(service, "ada", work))

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(slugs, key=str) == sorted(["tide", *(f"tide-{n}" for n in range(2, 7))])


def old_published_work(service: ArtworkService, artist_id: str, title: str, at: str) -> str:
    """Store a work as published before slugs existed (ready, published, no slug)."""
    work = ready_work(service, artist_id, title)
    stored = service.repository.get_artwork(work)
    service.repository.save_artwork(
        replace(stored, visibility=Visibility.PUBLISHED, published_at=at), stored.version
    )
    return work


def test_a_work_published_before_slugs_gets_one_when_next_saved(service: ArtworkService) -> None:
    work = old_published_work(service, "ada", "Tide", "2024-01-01T00:00:00.000Z")
    assert service.own("ada", work).slug is None

    assert service.edit("ada", work, {"description": "Salt."}).slug == "tide"


def test_the_backfill_gives_every_published_work_a_slug_earliest_published_first(
    service: ArtworkService,
) -> None:
    later = old_published_work(service, "ada", "Tide", "2024-06-01T00:00:00.000Z")
    earlier = old_published_work(service, "ada", "Tide", "2024-01-01T00:00:00.000Z")
    draft = ready_work(service, "ada", "Draft")
    kept = ready_work(service, "bob", "Kept")
    publish(service, "bob", kept)

    assert service.give_slugs() == 2
    assert service.give_slugs() == 0  # nothing left: running it again changes nothing

    assert service.own("ada", earlier).slug == "tide"
    assert service.own("ada", later).slug == "tide-2"
    assert service.own("ada", draft).slug is None
    assert service.own("bob", kept).slug == "kept"
