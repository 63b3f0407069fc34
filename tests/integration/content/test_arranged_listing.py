"""An artist's page order on every content store adapter: chosen works first, then the rest."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content.arrangement import Arrangement
from content.model import Artist, Artwork, Series, Visibility
from content.repository import ContentRepository, InvalidPage, NotFound
from content.series import SeriesService
from tests.integration.content.test_repository_contract import (
    make_artist,
    make_artwork,
    public,
)

HARBOUR = Series("harbour-studies", "Harbour studies", "Boats at rest.")
NIGHT = Series("night-walks", "Night walks")


def listed(arrangement: Arrangement, artist: Artist, limit: int, series: str | None = None):
    """Walk every page of the arranged listing; return the pages' ids."""
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = arrangement.listing(artist, series, cursor, limit)
        pages.append([work.id for work in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.fixture
def gallery(repository: ContentRepository) -> tuple[Artist, list[Artwork]]:
    """An artist with series and 9 works: 7 public (2 in each series), a draft and a deleted one."""
    artist = make_artist(1, series=(HARBOUR, NIGHT))
    repository.add_artist(artist)
    works = []
    for n in range(10, 19):
        work = public(make_artwork(n, artist.id), f"2025-01-{n:02d}T00:00:00.000Z")
        if n in (11, 14):
            work = replace(work, series=HARBOUR.slug)
        if n in (12, 17):
            work = replace(work, series=NIGHT.slug)
        if n == 15:
            work = replace(work, visibility=Visibility.DRAFT)
        repository.add_artwork(work)
        works.append(work)
    repository.add_artist(make_artist(2))
    repository.add_artwork(public(make_artwork(30, make_artist(2).id)))
    return artist, works


def test_without_a_chosen_order_the_listing_is_newest_first_like_the_store(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery
    newest_first = [w.id for w in reversed(works) if w.is_public]

    pages = listed(Arrangement(repository), artist, limit=3)

    assert [i for page in pages for i in page] == newest_first
    assert [len(page) for page in pages] == [3, 3, 2]


def test_chosen_works_come_first_in_order_then_the_rest_newest_first_each_once(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    # GIVEN an order naming a draft, an old work, another artist's work gone missing and a new one
    artist, works = gallery
    ids = [w.id for w in works]
    order = (ids[5], ids[0], ids[3], ids[8])  # ids[5] is the draft: skipped
    arrangement = Arrangement(repository)
    artist = arrangement.set_order(artist.id, list(order))

    # WHEN every page is walked at several page sizes
    for limit in (1, 2, 3, 100):
        walked = [i for page in listed(arrangement, artist, limit) for i in page]

        # THEN chosen public works lead, the rest follow newest first, every public work once
        rest = [w.id for w in reversed(works) if w.is_public and w.id not in order]
        assert walked == [ids[0], ids[3], ids[8], *rest], limit
        assert len(walked) == len(set(walked)) == 8


def test_a_series_filter_keeps_the_artists_order(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery
    ids = [w.id for w in works]
    arrangement = Arrangement(repository)
    artist = arrangement.set_order(artist.id, [ids[1], ids[2]])

    assert listed(arrangement, artist, 1, HARBOUR.slug) == [[ids[1]], [ids[4]]]
    assert listed(arrangement, artist, 5, NIGHT.slug) == [[ids[2], ids[7]]]
    with pytest.raises(NotFound):
        arrangement.listing(artist, "no-such-series")


def test_a_cursor_is_refused_by_another_artist_or_another_series(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, _ = gallery
    arrangement = Arrangement(repository)
    cursor = arrangement.listing(artist, None, None, 2).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidPage):
        arrangement.listing(artist, HARBOUR.slug, cursor, 2)
    with pytest.raises(InvalidPage):
        arrangement.listing(repository.get_artist(make_artist(2).id), None, cursor, 2)
    with pytest.raises(InvalidPage):
        arrangement.listing(artist, None, "not-a-cursor", 2)


def test_a_work_moved_in_the_order_between_pages_is_neither_lost_nor_repeated(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery
    ids = [w.id for w in works]
    arrangement = Arrangement(repository)
    artist = arrangement.set_order(artist.id, [ids[0], ids[1], ids[2], ids[3]])
    first = arrangement.listing(artist, None, None, 2)

    # the artist drops the first work from the order while a visitor reads page one
    artist = arrangement.set_order(artist.id, [ids[1], ids[2], ids[3]])
    second = arrangement.listing(artist, None, first.next_cursor, 2)

    assert [w.id for w in first.items] == [ids[0], ids[1]]
    assert [w.id for w in second.items] == [ids[2], ids[3]]


def test_an_order_with_another_artists_work_or_a_repeat_is_refused(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery
    arrangement = Arrangement(repository)
    with pytest.raises(ValueError, match="not one of your works"):
        arrangement.set_order(artist.id, [works[0].id, make_artwork(30, "x").id])
    with pytest.raises(ValueError, match="twice"):
        arrangement.set_order(artist.id, [works[0].id, works[0].id])
    assert repository.get_artist(artist.id).work_order == ()


def test_the_series_overview_counts_public_works_and_covers_with_the_first_in_order(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery
    arrangement = Arrangement(repository)
    artist = arrangement.set_order(artist.id, [works[1].id])

    overview = arrangement.series_overview(artist)

    assert [(s.slug, count, cover.id if cover else None) for s, count, cover in overview] == [
        (HARBOUR.slug, 2, works[1].id),
        (NIGHT.slug, 2, works[7].id),
    ]


def test_series_and_order_read_back_from_the_store(repository: ContentRepository) -> None:
    artist = make_artist(3, series=(HARBOUR,), work_order=("a", "b"))
    repository.add_artist(artist)
    work = make_artwork(40, artist.id, series=HARBOUR.slug)
    repository.add_artwork(work)

    assert repository.get_artist(artist.id) == artist
    assert repository.get_artwork(work.id).series == HARBOUR.slug


def test_deleting_a_series_leaves_its_works_in_no_series(
    repository: ContentRepository, gallery: tuple[Artist, list[Artwork]]
) -> None:
    artist, works = gallery

    held = SeriesService(repository).delete(artist.id, HARBOUR.slug)

    assert held == 2
    assert repository.get_artist(artist.id).series == (NIGHT,)
    assert repository.get_artwork(works[1].id).series is None
    assert repository.get_artwork(works[2].id).series == NIGHT.slug
