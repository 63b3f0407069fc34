"""One contract for every content store adapter: same results, same order, same errors."""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from ulid import ULID

from content.codec import to_plain
from content.cursor import encode_cursor
from content.dynamodb import DynamoContentRepository
from content.model import (
    Artist,
    Artwork,
    Link,
    OriginalObject,
    Role,
    Status,
    Visibility,
    WatermarkPreference,
)
from content.repository import (
    MAX_PAGE_SIZE,
    Conflict,
    ContentRepository,
    InvalidPage,
    NameTaken,
    NotFound,
    StaleEvent,
    StoreUnavailable,
    VersionConflict,
)
from content.sqlite import SqliteContentRepository

LONG_AGO = "2024-01-01T00:00:00.000Z"
SEQUENCER = "0055AED6DCD90281E5"


def make_id(n: int) -> str:
    """Return the same ULID for the same `n`; its time part grows with `n`, so ids sort like `n`."""
    milliseconds = 1_700_000_000_000 + n * 1000
    return str(ULID.from_bytes(milliseconds.to_bytes(6, "big") + n.to_bytes(10, "big")))


def make_artist(n: int = 1, **changes: object) -> Artist:
    """Return artist number `n`."""
    artist = Artist(
        id=make_id(n),
        slug=f"artist-{n:03d}",
        display_name=f"Artist {n}",
        email=f"artist{n}@example.com",
        password_hash="argon2$hash",
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )
    return replace(artist, **changes)


def make_artwork(n: int, artist_id: str, **changes: object) -> Artwork:
    """Return a draft artwork number `n` of `artist_id`, stamped long ago."""
    artwork = Artwork(
        id=make_id(n),
        artist_id=artist_id,
        title=f"Work {n}",
        created_at=LONG_AGO,
        updated_at=LONG_AGO,
    )
    return replace(artwork, **changes)


def public(artwork: Artwork, published_at: str = LONG_AGO) -> Artwork:
    """Return `artwork` ready and published at `published_at`."""
    return replace(
        artwork, status=Status.READY, visibility=Visibility.PUBLISHED, published_at=published_at
    )


def with_sequencer(artwork: Artwork, sequencer: str | None) -> Artwork:
    """Return `artwork` whose original was last described by an event with `sequencer`."""
    return replace(
        artwork, original=OriginalObject(key=f"originals/{artwork.id}", sequencer=sequencer)
    )


def every_page(fetch, limit: int) -> list[list]:
    """Follow cursors from the first page to the last; return the items of each page."""
    pages, cursor = [], None
    while True:
        page = fetch(cursor=cursor, limit=limit)
        pages.append(list(page.items))
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


# artists


def test_an_added_artist_reads_back_by_id_email_and_slug(repository: ContentRepository) -> None:
    artist = make_artist(watermark=WatermarkPreference(True, "© A. Smith", "center", 0.35))
    repository.add_artist(artist)

    assert repository.get_artist(artist.id) == artist
    assert repository.find_artist_by_email("ARTIST1@Example.COM") == artist
    assert repository.find_artist_by_slug("artist-001") == artist


def test_an_artists_links_portrait_and_logo_read_back_as_stored(
    repository: ContentRepository,
) -> None:
    # GIVEN an artist with links, a portrait, a logo and the logo watermark
    portrait = (
        {"key": "renditions/profiles/a/portrait-ab-160.jpg", "size": 160, "width": 160},
        {"key": "renditions/profiles/a/portrait-ab-480.jpg", "size": 480, "width": 480},
    )
    artist = make_artist(
        links=(Link("Shop", "https://shop.example/a"), Link("example.org", "https://example.org")),
        portrait=portrait,
        logo="logos/a/logo-ab.png",
        watermark=WatermarkPreference(enabled=True, kind="logo"),
    )
    # WHEN it is added and then updated
    repository.add_artist(artist)
    assert repository.get_artist(artist.id) == artist
    updated = repository.update_artist(replace(artist, links=(), portrait=(), logo=None), 1)
    # THEN each read gives back exactly what was written
    assert repository.get_artist(artist.id) == updated
    assert (updated.links, updated.portrait, updated.logo) == ((), (), None)


def test_a_missing_artist_is_not_found_by_id_email_or_slug(repository: ContentRepository) -> None:
    with pytest.raises(NotFound):
        repository.get_artist(make_id(1))
    with pytest.raises(NotFound):
        repository.find_artist_by_email("nobody@example.com")
    with pytest.raises(NotFound):
        repository.find_artist_by_slug("nobody")


def test_an_email_taken_in_another_case_is_a_conflict(repository: ContentRepository) -> None:
    repository.add_artist(make_artist(1))

    with pytest.raises(Conflict):
        repository.add_artist(make_artist(2, email="Artist1@EXAMPLE.com"))


def test_a_taken_slug_is_a_conflict(repository: ContentRepository) -> None:
    repository.add_artist(make_artist(1))

    with pytest.raises(Conflict):
        repository.add_artist(make_artist(2, slug="artist-001"))


def test_a_taken_artist_id_is_a_conflict(repository: ContentRepository) -> None:
    repository.add_artist(make_artist(1))

    with pytest.raises(Conflict):
        repository.add_artist(make_artist(2, id=make_id(1)))


def test_a_refused_artist_leaves_its_email_and_id_free(repository: ContentRepository) -> None:
    repository.add_artist(make_artist(1))
    with pytest.raises(Conflict):
        repository.add_artist(make_artist(2, slug="artist-001"))

    repository.add_artist(make_artist(2))

    assert repository.find_artist_by_email("artist2@example.com").id == make_id(2)


def test_an_update_returns_the_artist_at_the_next_version_and_stores_it(
    repository: ContentRepository,
) -> None:
    artist = make_artist()
    repository.add_artist(artist)

    saved = repository.update_artist(replace(artist, bio="Etcher."), expected_version=1)

    assert saved.version == 2
    assert saved.updated_at > LONG_AGO
    assert repository.get_artist(artist.id) == saved


def test_an_update_with_a_stale_version_is_a_version_conflict(
    repository: ContentRepository,
) -> None:
    artist = make_artist()
    repository.add_artist(artist)
    repository.update_artist(replace(artist, bio="First."), expected_version=1)

    with pytest.raises(VersionConflict):
        repository.update_artist(replace(artist, bio="Second."), expected_version=1)
    assert repository.get_artist(artist.id).bio == "First."


def test_updating_a_missing_artist_is_not_found(repository: ContentRepository) -> None:
    with pytest.raises(NotFound):
        repository.update_artist(make_artist(), expected_version=1)


def test_a_new_email_and_slug_replace_the_old_ones_which_become_free(
    repository: ContentRepository,
) -> None:
    artist = make_artist(1)
    repository.add_artist(artist)

    repository.update_artist(replace(artist, email="new@example.com", slug="new"), 1)

    assert repository.find_artist_by_email("NEW@example.com").id == artist.id
    assert repository.find_artist_by_slug("new").id == artist.id
    with pytest.raises(NotFound):
        repository.find_artist_by_slug("artist-001")
    repository.add_artist(make_artist(2, email="artist1@example.com", slug="artist-001"))


def test_an_update_to_another_artists_email_is_a_conflict_and_changes_nothing(
    repository: ContentRepository,
) -> None:
    first, second = make_artist(1), make_artist(2)
    repository.add_artist(first)
    repository.add_artist(second)

    with pytest.raises(Conflict):
        repository.update_artist(replace(second, email="ARTIST1@example.com", slug="x"), 1)
    assert repository.get_artist(second.id) == second
    assert repository.find_artist_by_slug("artist-002") == second


def test_artists_are_listed_by_slug_once_each_across_pages(
    repository: ContentRepository,
) -> None:
    for n in (5, 3, 1, 4, 2):
        repository.add_artist(make_artist(n))

    pages = every_page(repository.list_artists, limit=2)

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [a.slug for page in pages for a in page] == [f"artist-00{n}" for n in range(1, 6)]


# artworks


def test_an_artwork_with_every_field_set_reads_back_equal(repository: ContentRepository) -> None:
    artwork = Artwork(
        id=make_id(1),
        artist_id=make_id(0),
        title="Copper Sunset — plate Ⅱ",
        description="Etched in three plates.\nPrinted on Hahnemühle.",
        tags=("etching", "copper", "sunset"),
        medium="etching",
        year=2023,
        physical_size="30 × 40 cm",
        status=Status.READY,
        rejection_reason="was too small once",
        visibility=Visibility.PUBLISHED,
        original=OriginalObject(
            key="originals/a/b.tiff", size=48_123_456, version_id="3HL4kq+J/v=", sequencer=SEQUENCER
        ),
        renditions=(
            {"format": "webp", "width": 640, "height": 480, "bytes": 51234, "key": "r/640.webp"},
            {"format": "avif", "width": 1280, "height": 960, "bytes": 88012, "key": "r/1280.avif"},
        ),
        facts={
            "palette": [[184, 115, 51], [12, 34, 56]],
            "aspect": 4 / 3,
            "sum": 0.1 + 0.2,
            "tiny": 1e-300,
            "orientation": "landscape",
            "print": {"max_cm": [50.8, 38.1], "dpi": 300},
            "blank": None,
            "flag": True,
        },
        focal_point=(0.1, 0.7000000000000001),
        pipeline_version="1.4.2",
        possible_duplicate_of=make_id(9),
        version=7,
        created_at="2024-02-03T04:05:06.789Z",
        updated_at="2024-02-04T04:05:06.789Z",
        published_at="2024-02-05T04:05:06.789Z",
    )
    repository.add_artwork(artwork)

    assert repository.get_artwork(artwork.id) == artwork


def test_an_artwork_with_only_defaults_reads_back_equal(repository: ContentRepository) -> None:
    artwork = Artwork(id=make_id(1), artist_id=make_id(0), title="")
    repository.add_artwork(artwork)

    assert repository.get_artwork(artwork.id) == artwork


def test_a_taken_artwork_id_is_a_conflict(repository: ContentRepository) -> None:
    repository.add_artwork(make_artwork(1, make_id(0)))

    with pytest.raises(Conflict):
        repository.add_artwork(make_artwork(1, make_id(0), title="Again"))


def test_a_missing_artwork_is_not_found(repository: ContentRepository) -> None:
    with pytest.raises(NotFound):
        repository.get_artwork(make_id(1))


def test_another_artists_work_is_not_found_for_its_owner_id(
    repository: ContentRepository,
) -> None:
    owner, stranger = make_id(100), make_id(200)
    artwork = make_artwork(1, owner)
    repository.add_artwork(artwork)

    assert repository.get_artwork(artwork.id, owner_id=owner) == artwork
    with pytest.raises(NotFound):
        repository.get_artwork(artwork.id, owner_id=stranger)


def test_saving_another_artists_work_is_not_found_and_changes_nothing(
    repository: ContentRepository,
) -> None:
    owner, stranger = make_id(100), make_id(200)
    artwork = make_artwork(1, owner)
    repository.add_artwork(artwork)

    with pytest.raises(NotFound):
        repository.save_artwork(replace(artwork, title="Mine"), 1, owner_id=stranger)
    with pytest.raises(NotFound):
        repository.save_artwork(replace(artwork, title="Mine"), 2, owner_id=stranger)
    assert repository.get_artwork(artwork.id) == artwork


def test_a_save_returns_the_next_version_with_a_fresh_updated_at_and_stores_it(
    repository: ContentRepository,
) -> None:
    artwork = make_artwork(1, make_id(100))
    repository.add_artwork(artwork)

    saved = repository.save_artwork(replace(artwork, title="Renamed"), 1, owner_id=make_id(100))

    assert (saved.version, saved.title) == (2, "Renamed")
    assert saved.updated_at > LONG_AGO
    assert saved.created_at == LONG_AGO
    assert repository.get_artwork(artwork.id) == saved


def test_a_save_with_a_stale_version_is_a_version_conflict(
    repository: ContentRepository,
) -> None:
    artwork = make_artwork(1, make_id(100))
    repository.add_artwork(artwork)
    repository.save_artwork(replace(artwork, title="First"), 1)

    with pytest.raises(VersionConflict):
        repository.save_artwork(replace(artwork, title="Second"), 1)
    with pytest.raises(VersionConflict):
        repository.save_artwork(replace(artwork, title="Second"), 1, owner_id=make_id(100))
    assert repository.get_artwork(artwork.id).title == "First"


def test_saving_a_missing_artwork_is_not_found(repository: ContentRepository) -> None:
    with pytest.raises(NotFound):
        repository.save_artwork(make_artwork(1, make_id(100)), 1)


def test_concurrent_saves_of_one_version_let_exactly_one_win(
    sqlite_repository: SqliteContentRepository,
) -> None:
    artwork = make_artwork(1, make_id(100))
    sqlite_repository.add_artwork(artwork)
    outcomes: list[str] = []

    def save(n: int) -> None:
        try:
            sqlite_repository.save_artwork(replace(artwork, title=f"T{n}"), 1)
            outcomes.append("saved")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert sqlite_repository.get_artwork(artwork.id).version == 2


# S3 events


def test_an_event_with_a_newer_sequencer_is_applied(repository: ContentRepository) -> None:
    artwork = with_sequencer(make_artwork(1, make_id(100)), SEQUENCER)
    repository.add_artwork(artwork)
    newer = "0055AED6DCD90281E6"

    saved = repository.apply_event(
        with_sequencer(replace(artwork, status=Status.PROCESSING), newer), 1, newer
    )

    assert saved.version == 2
    assert repository.get_artwork(artwork.id) == saved
    assert saved.original is not None and saved.original.sequencer == newer


def test_the_first_event_of_a_work_without_an_original_is_applied(
    repository: ContentRepository,
) -> None:
    artwork = make_artwork(1, make_id(100))
    repository.add_artwork(artwork)

    saved = repository.apply_event(with_sequencer(artwork, SEQUENCER), 1, SEQUENCER)

    assert repository.get_artwork(artwork.id) == saved


@pytest.mark.parametrize(
    ("applied", "candidate"),
    [
        pytest.param(SEQUENCER, "0055AED6DCD90281E4", id="older"),
        pytest.param(SEQUENCER, SEQUENCER, id="equal"),
        pytest.param(SEQUENCER, SEQUENCER + "0", id="equal-once-padded-naively-newer"),
        pytest.param(SEQUENCER, SEQUENCER + "000", id="equal-once-padded-longer"),
        pytest.param(SEQUENCER + "0", SEQUENCER, id="equal-once-padded-naively-older"),
        pytest.param(SEQUENCER, SEQUENCER.lower(), id="equal-in-another-case"),
        pytest.param(SEQUENCER + "01", SEQUENCER, id="shorter-and-older"),
    ],
)
def test_an_event_not_newer_than_the_applied_one_is_stale_and_changes_nothing(
    repository: ContentRepository, applied: str, candidate: str
) -> None:
    artwork = with_sequencer(make_artwork(1, make_id(100)), applied)
    repository.add_artwork(artwork)

    with pytest.raises(StaleEvent):
        repository.apply_event(
            with_sequencer(replace(artwork, status=Status.FAILED), candidate), 1, candidate
        )
    assert repository.get_artwork(artwork.id) == artwork


@pytest.mark.parametrize(
    ("applied", "candidate"),
    [
        pytest.param(SEQUENCER, SEQUENCER + "01", id="longer-with-a-non-zero-tail"),
        pytest.param(SEQUENCER + "00", "0055AED6DCD90281E6", id="shorter-but-newer"),
        pytest.param(SEQUENCER.lower(), "0055AED6DCD90281F0", id="newer-across-cases"),
    ],
)
def test_an_event_newer_once_padded_is_applied(
    repository: ContentRepository, applied: str, candidate: str
) -> None:
    artwork = with_sequencer(make_artwork(1, make_id(100)), applied)
    repository.add_artwork(artwork)

    saved = repository.apply_event(with_sequencer(artwork, candidate), 1, candidate)

    assert repository.get_artwork(artwork.id) == saved


def test_a_newer_event_over_a_moved_version_is_a_version_conflict(
    repository: ContentRepository,
) -> None:
    artwork = with_sequencer(make_artwork(1, make_id(100)), SEQUENCER)
    repository.add_artwork(artwork)
    repository.save_artwork(replace(artwork, title="Edited"), 1)
    newer = SEQUENCER + "1"

    with pytest.raises(VersionConflict):
        repository.apply_event(with_sequencer(artwork, newer), 1, newer)


def test_an_event_for_a_missing_artwork_is_not_found(repository: ContentRepository) -> None:
    artwork = with_sequencer(make_artwork(1, make_id(100)), SEQUENCER)

    with pytest.raises(NotFound):
        repository.apply_event(artwork, 1, SEQUENCER)


def test_an_event_whose_record_carries_another_sequencer_is_refused(
    repository: ContentRepository,
) -> None:
    artwork = make_artwork(1, make_id(100))
    repository.add_artwork(artwork)

    with pytest.raises(ValueError):
        repository.apply_event(with_sequencer(artwork, SEQUENCER), 1, SEQUENCER + "1")
    with pytest.raises(ValueError):
        repository.apply_event(artwork, 1, SEQUENCER)


# listings


def add_works(repository: ContentRepository, artist_id: str, numbers, **changes) -> list[Artwork]:
    """Add works `numbers` of `artist_id` with `changes`; return them."""
    works = [make_artwork(n, artist_id, **changes) for n in numbers]
    for work in works:
        repository.add_artwork(work)
    return works


def test_an_artists_works_with_drafts_come_newest_first_once_each_across_pages(
    repository: ContentRepository,
) -> None:
    artist, other = make_id(100), make_id(200)
    works = add_works(repository, artist, [3, 1, 7, 5, 2, 6, 4])
    add_works(repository, other, [8, 9])

    pages = every_page(
        lambda **kw: repository.list_by_artist(artist, include_drafts=True, **kw), limit=3
    )

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [w for page in pages for w in page] == sorted(works, key=lambda w: w.id, reverse=True)


def test_the_public_sees_only_ready_published_works_of_an_artist_across_pages(
    repository: ContentRepository,
) -> None:
    artist = make_id(100)
    shown = [public(make_artwork(n, artist)) for n in (1, 4, 6, 9, 11)]
    for work in shown:
        repository.add_artwork(work)
    add_works(repository, artist, [2, 3, 7, 10])  # drafts
    add_works(repository, artist, [5], visibility=Visibility.PUBLISHED, status=Status.PROCESSING)
    add_works(repository, artist, [8], status=Status.READY)  # ready draft

    pages = every_page(
        lambda **kw: repository.list_by_artist(artist, include_drafts=False, **kw), limit=2
    )

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [w.id for page in pages for w in page] == [make_id(n) for n in (11, 9, 6, 4, 1)]


def test_an_artist_without_works_has_one_empty_last_page(repository: ContentRepository) -> None:
    page = repository.list_by_artist(make_id(100), include_drafts=True)

    assert page.items == ()
    assert page.next_cursor is None


def test_the_published_listing_has_only_public_works_newest_published_first_across_pages(
    repository: ContentRepository,
) -> None:
    published_on = {1: "05", 2: "01", 3: "07", 4: "03", 5: "02", 6: "06", 7: "04"}
    for n, day in published_on.items():
        artist = make_id(100 + n % 2)
        repository.add_artwork(public(make_artwork(n, artist), f"2024-03-{day}T10:00:00.000Z"))
    add_works(repository, make_id(100), [8, 9])
    add_works(repository, make_id(100), [10], visibility=Visibility.PUBLISHED)

    pages = every_page(repository.list_published, limit=3)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [w.id for page in pages for w in page] == [make_id(n) for n in (3, 6, 1, 7, 4, 5, 2)]


def test_works_published_at_the_same_moment_come_newest_id_first(
    repository: ContentRepository,
) -> None:
    for n in (2, 1, 3):
        repository.add_artwork(public(make_artwork(n, make_id(100))))

    pages = every_page(repository.list_published, limit=1)

    assert [w.id for page in pages for w in page] == [make_id(n) for n in (3, 2, 1)]


def test_an_unpublished_work_leaves_the_public_listings(repository: ContentRepository) -> None:
    work = public(make_artwork(1, make_id(100)))
    repository.add_artwork(work)

    repository.save_artwork(replace(work, visibility=Visibility.DRAFT), 1)

    assert repository.list_published().items == ()
    assert repository.list_by_artist(make_id(100), include_drafts=False).items == ()
    assert len(repository.list_by_artist(make_id(100), include_drafts=True).items) == 1


def test_a_page_holds_at_most_max_page_size_items(repository: ContentRepository) -> None:
    add_works(repository, make_id(100), range(1, MAX_PAGE_SIZE + 3))

    page = repository.list_by_artist(make_id(100), include_drafts=True, limit=MAX_PAGE_SIZE * 5)

    assert len(page.items) == MAX_PAGE_SIZE
    assert page.next_cursor is not None


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(repository: ContentRepository, limit: int) -> None:
    with pytest.raises(InvalidPage):
        repository.list_published(limit=limit)


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("", id="empty"),
        pytest.param("not a cursor!", id="not-base64url"),
        pytest.param(base64.urlsafe_b64encode(b"\xff\xfe").decode(), id="not-utf8"),
        pytest.param(base64.urlsafe_b64encode(b"{nope").decode(), id="not-json"),
        pytest.param(base64.urlsafe_b64encode(b"[1, 2]").decode(), id="not-an-object"),
        pytest.param(encode_cursor("published", ["only-one"]), id="wrong-size"),
        pytest.param(encode_cursor("by_artist", [make_id(100), make_id(1)]), id="another-listing"),
        pytest.param("A" * 5000, id="too-long"),
    ],
)
def test_a_malformed_cursor_is_an_invalid_page(repository: ContentRepository, cursor: str) -> None:
    with pytest.raises(InvalidPage):
        repository.list_published(cursor=cursor)


def test_a_cursor_of_another_artists_listing_is_an_invalid_page(
    repository: ContentRepository,
) -> None:
    add_works(repository, make_id(100), [1, 2])
    cursor = repository.list_by_artist(make_id(100), include_drafts=True, limit=1).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidPage):
        repository.list_by_artist(make_id(200), include_drafts=True, cursor=cursor)
    with pytest.raises(InvalidPage):
        repository.list_artists(cursor=cursor)


def test_every_artwork_of_any_status_is_iterated_once(repository: ContentRepository) -> None:
    works = add_works(repository, make_id(100), [1, 2, 3])
    works += add_works(repository, make_id(200), [4, 5], status=Status.DELETED)
    repository.add_artist(make_artist(1))

    iterated = list(repository.iter_artworks())

    assert sorted(iterated, key=lambda w: w.id) == works


# adapter specifics: transient failures, persistence


def test_a_throttled_dynamodb_read_is_store_unavailable(
    dynamodb_repository: DynamoContentRepository, dynamodb_client
) -> None:
    with Stubber(dynamodb_client) as stubber:
        stubber.add_client_error(
            "get_item", "ProvisionedThroughputExceededException", http_status_code=400
        )
        with pytest.raises(StoreUnavailable):
            dynamodb_repository.get_artist(make_id(1))


def test_a_throttled_dynamodb_transaction_is_store_unavailable(
    dynamodb_repository: DynamoContentRepository, dynamodb_client
) -> None:
    with Stubber(dynamodb_client) as stubber:
        stubber.add_client_error(
            "transact_write_items",
            "TransactionCanceledException",
            http_status_code=400,
            modeled_fields={"CancellationReasons": [{"Code": "None"}, {"Code": "ThrottlingError"}]},
        )
        with pytest.raises(StoreUnavailable):
            dynamodb_repository.add_artist(make_artist())


def test_an_unreachable_dynamodb_endpoint_is_store_unavailable() -> None:
    class UnreachableClient:
        """A client whose every call fails to connect."""

        def __getattr__(self, operation: str):
            def call(**kwargs: object) -> None:
                raise EndpointConnectionError(endpoint_url="https://dynamodb.invalid")

            return call

    repository = DynamoContentRepository("content", client=UnreachableClient())

    with pytest.raises(StoreUnavailable):
        repository.list_published()


def test_a_locked_sqlite_database_is_store_unavailable_for_writes(tmp_path: Path) -> None:
    path = tmp_path / "content.db"
    repository = SqliteContentRepository(path, busy_timeout=0.05)
    repository.add_artist(make_artist(1))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable):
            repository.add_artist(make_artist(2))
        assert repository.get_artist(make_id(1)).slug == "artist-001"  # WAL: reads go on
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        repository.close()


def test_sqlite_data_survives_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "content.db"
    first = SqliteContentRepository(path)
    first.add_artist(make_artist(1))
    first.close()

    second = SqliteContentRepository(path)
    try:
        assert second.find_artist_by_slug("artist-001") == make_artist(1)
    finally:
        second.close()


def test_overdue_works_are_those_whose_deadline_has_passed_earliest_first(
    repository: ContentRepository,
) -> None:
    artist = make_artist(1)
    repository.add_artist(artist)
    late = make_artwork(2, artist.id, status=Status.PROCESSING, deadline="2026-01-01T10:00:00.000Z")
    later = make_artwork(
        3, artist.id, status=Status.PROCESSING, deadline="2026-01-01T09:00:00.000Z"
    )
    future = make_artwork(
        4, artist.id, status=Status.PROCESSING, deadline="2027-01-01T00:00:00.000Z"
    )
    settled = make_artwork(5, artist.id, status=Status.READY)
    for artwork in (late, later, future, settled):
        repository.add_artwork(artwork)
    overdue = repository.list_overdue("2026-06-01T00:00:00.000Z")
    assert [a.id for a in overdue] == [later.id, late.id]
    assert [a.id for a in repository.list_overdue("2026-06-01T00:00:00.000Z", limit=1)] == [
        later.id
    ]
    assert repository.list_overdue("2025-01-01T00:00:00.000Z") == []


# display names


def test_a_display_name_another_artist_uses_is_refused_in_any_case_or_spacing(
    repository: ContentRepository,
) -> None:
    repository.add_artist(make_artist(1, display_name="Ada Verdigris"))
    with pytest.raises(NameTaken):
        repository.add_artist(make_artist(2, display_name="  ada   VERDIGRIS "))
    with pytest.raises(NotFound):
        repository.find_artist_by_email("artist2@example.com")


def test_renaming_to_another_artists_name_is_refused_and_changes_nothing(
    repository: ContentRepository,
) -> None:
    repository.add_artist(make_artist(1, display_name="Ada Verdigris"))
    second = make_artist(2, display_name="Rufus Ochre")
    repository.add_artist(second)
    with pytest.raises(NameTaken):
        repository.update_artist(replace(second, display_name="ADA VERDIGRIS"), 1)
    assert repository.get_artist(second.id).display_name == "Rufus Ochre"


def test_a_name_given_up_by_a_rename_is_free_again(repository: ContentRepository) -> None:
    first = make_artist(1, display_name="Ada Verdigris")
    repository.add_artist(first)
    renamed = repository.update_artist(replace(first, display_name="Ada V. Verdigris"), 1)
    repository.update_artist(replace(renamed, bio="Etcher."), renamed.version)
    repository.add_artist(make_artist(2, display_name="Ada Verdigris"))
    with pytest.raises(NameTaken):
        repository.add_artist(make_artist(3, display_name="ada v. verdigris"))


def test_an_older_sqlite_store_gains_the_name_column_keeping_the_first_of_a_shared_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_ARTISTS_TABLE)
        for n in (1, 2):
            artist = make_artist(n, display_name="Ada Verdigris")
            db.execute(
                "INSERT INTO artists VALUES (?, ?, ?, 1, ?)",
                (artist.id, f"artist{n}@example.com", artist.slug, json.dumps(to_plain(artist))),
            )
    repository = SqliteContentRepository(path)
    assert repository.get_artist(make_id(2)).display_name == "Ada Verdigris"
    with pytest.raises(NameTaken):
        repository.add_artist(make_artist(3, display_name="Ada Verdigris"))
    repository.close()


OLD_ARTISTS_TABLE = """
CREATE TABLE artists (
    id TEXT PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
"""


def test_admins_hold_no_name_so_an_artist_may_take_it(repository: ContentRepository) -> None:
    repository.add_artist(make_artist(1, display_name="Gallery Admin", role=Role.ADMIN))
    second = make_artist(2, display_name="Gallery Admin", role=Role.ADMIN)
    repository.add_artist(second)
    repository.update_artist(replace(second, bio="Runs the gallery."), 1)
    repository.add_artist(make_artist(3, display_name="Gallery Admin"))
    with pytest.raises(NameTaken):
        repository.add_artist(make_artist(4, display_name="gallery admin"))
