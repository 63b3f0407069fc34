"""The content store contract, work slugs: unique per artist, looked up by (artist, slug).

Part of the adapter contract suite: every test runs against SQLite and DynamoDB (moto).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from content.codec import to_plain
from content.model import Status, Visibility
from content.repository import ContentRepository, NotFound, SlugTaken, VersionConflict
from content.sqlite import SqliteContentRepository
from tests.integration.content.test_repository_contract import (
    SEQUENCER,
    make_artwork,
    make_id,
    public,
    with_sequencer,
)

ARTIST = make_id(100)
OTHER_ARTIST = make_id(200)


def published(n: int, slug: str | None, artist_id: str = ARTIST, **changes: object):
    """Return work `n` of `artist_id`, ready and published, with `slug`."""
    return replace(public(make_artwork(n, artist_id)), slug=slug, **changes)


def test_a_work_with_a_slug_reads_back_equal(repository: ContentRepository) -> None:
    work = published(1, "harbour-at-dawn")
    repository.add_artwork(work)

    assert repository.get_artwork(work.id) == work


def test_a_public_work_is_found_by_its_artist_and_slug(repository: ContentRepository) -> None:
    work = published(1, "harbour-at-dawn")
    repository.add_artwork(work)
    repository.add_artwork(published(2, "tide"))

    assert repository.find_public_artwork(ARTIST, "harbour-at-dawn") == work


def test_another_artists_id_with_an_existing_slug_is_not_found(
    repository: ContentRepository,
) -> None:
    repository.add_artwork(published(1, "harbour-at-dawn"))

    with pytest.raises(NotFound):
        repository.find_public_artwork(OTHER_ARTIST, "harbour-at-dawn")


@pytest.mark.parametrize(
    "changes",
    [
        {"visibility": Visibility.DRAFT},
        {"status": Status.PROCESSING},
        {"status": Status.DELETED},
    ],
    ids=["draft", "processing", "deleted"],
)
def test_a_work_visitors_may_not_see_is_not_found_by_its_slug(
    repository: ContentRepository, changes: dict[str, object]
) -> None:
    repository.add_artwork(published(1, "harbour-at-dawn", **changes))

    with pytest.raises(NotFound):
        repository.find_public_artwork(ARTIST, "harbour-at-dawn")


def test_an_unknown_slug_is_not_found(repository: ContentRepository) -> None:
    with pytest.raises(NotFound):
        repository.find_public_artwork(ARTIST, "nothing-here")


def test_a_slug_another_work_of_the_artist_holds_is_refused_and_changes_nothing(
    repository: ContentRepository,
) -> None:
    repository.add_artwork(published(1, "tide"))
    second = published(2, None)
    repository.add_artwork(second)

    with pytest.raises(SlugTaken):
        repository.save_artwork(replace(second, slug="tide"), 1)

    assert repository.get_artwork(second.id) == second
    assert repository.find_public_artwork(ARTIST, "tide").id == make_id(1)


def test_adding_a_work_with_a_taken_slug_is_refused(repository: ContentRepository) -> None:
    repository.add_artwork(published(1, "tide"))

    with pytest.raises(SlugTaken):
        repository.add_artwork(published(2, "tide"))
    with pytest.raises(NotFound):
        repository.get_artwork(make_id(2))


def test_an_event_carrying_a_taken_slug_is_refused(repository: ContentRepository) -> None:
    repository.add_artwork(published(1, "tide"))
    second = with_sequencer(published(2, None), None)
    repository.add_artwork(second)

    with pytest.raises(SlugTaken):
        repository.apply_event(
            replace(with_sequencer(second, SEQUENCER), slug="tide"), 1, SEQUENCER
        )


def test_two_artists_may_use_the_same_slug(repository: ContentRepository) -> None:
    repository.add_artwork(published(1, "tide"))
    repository.add_artwork(published(2, "tide", artist_id=OTHER_ARTIST))

    assert repository.find_public_artwork(ARTIST, "tide").id == make_id(1)
    assert repository.find_public_artwork(OTHER_ARTIST, "tide").id == make_id(2)


def test_a_work_keeps_its_slug_through_saves_and_events(repository: ContentRepository) -> None:
    work = with_sequencer(published(1, "tide"), None)
    repository.add_artwork(work)

    saved = repository.save_artwork(replace(work, title="Tide, renamed"), 1)
    saved = repository.apply_event(with_sequencer(saved, SEQUENCER), saved.version, SEQUENCER)
    saved = repository.save_artwork(replace(saved, visibility=Visibility.DRAFT), saved.version)
    repository.save_artwork(replace(saved, visibility=Visibility.PUBLISHED), saved.version)

    found = repository.find_public_artwork(ARTIST, "tide")
    assert (found.id, found.title, found.version) == (work.id, "Tide, renamed", 5)


def test_a_stale_save_of_a_slugged_work_is_a_version_conflict(
    repository: ContentRepository,
) -> None:
    work = published(1, "tide")
    repository.add_artwork(work)
    repository.save_artwork(work, 1)

    with pytest.raises(VersionConflict):
        repository.save_artwork(replace(work, title="Late"), 1)


def test_saving_another_artists_slugged_work_is_not_found(repository: ContentRepository) -> None:
    work = published(1, "tide")
    repository.add_artwork(work)

    with pytest.raises(NotFound):
        repository.save_artwork(replace(work, title="Mine now"), 1, owner_id=OTHER_ARTIST)


def test_concurrent_claims_of_one_slug_let_exactly_one_work_have_it(
    sqlite_repository: SqliteContentRepository,
) -> None:
    """Threads race on SQLite; DynamoDB's claim is one transaction with a conditional guard
    (moto's in-process transactions are not thread-safe, so there the sequential tests
    above hold it: no adapter reads before it claims)."""
    repository = sqlite_repository
    works = [published(n, None) for n in range(1, 7)]
    for work in works:
        repository.add_artwork(work)
    outcomes: list[str] = []
    start = threading.Barrier(len(works))

    def claim(work) -> None:
        start.wait()
        try:
            repository.save_artwork(replace(work, slug="tide"), 1)
            outcomes.append("saved")
        except SlugTaken:
            outcomes.append("taken")

    threads = [threading.Thread(target=claim, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["saved"] + ["taken"] * (len(works) - 1)
    holders = [w for w in works if repository.get_artwork(w.id).slug == "tide"]
    assert len(holders) == 1


def test_an_older_sqlite_store_gains_the_slug_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = make_artwork(1, ARTIST)
    with sqlite3.connect(path) as db:
        db.executescript(OLD_ARTWORKS_TABLE)
        db.execute(
            "INSERT INTO artworks VALUES (?, ?, 'awaiting_upload', 'draft', NULL, NULL, 1, ?)",
            (old.id, ARTIST, json.dumps(to_plain(old) | {"slug": None})),
        )
    repository = SqliteContentRepository(path)
    try:
        assert repository.get_artwork(old.id) == old
        repository.save_artwork(public(replace(old, slug="work-1")), 1)
        assert repository.find_public_artwork(ARTIST, "work-1").id == old.id
        with pytest.raises(SlugTaken):
            repository.add_artwork(published(2, "work-1"))
    finally:
        repository.close()


OLD_ARTWORKS_TABLE = """
CREATE TABLE artworks (
    id TEXT PRIMARY KEY,
    artist_id TEXT NOT NULL,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    published_at TEXT,
    published_key TEXT,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
"""
