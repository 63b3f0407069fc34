"""The rules of series and of an artist's page order, without a store."""

from __future__ import annotations

import pytest

from content.arrangement import (
    MAX_ORDER,
    Position,
    check_own,
    clean_order,
    decode_position,
    encode_position,
    resume_index,
)
from content.fields import InvalidArtwork
from content.model import Artist, Series
from content.repository import InvalidPage, NotFound
from content.series import (
    MAX_SERIES,
    MAX_SERIES_DESCRIPTION,
    series_choice,
    series_slug,
    with_changed_series,
    with_new_series,
    without_series,
)


def artist(*series: Series, artist_id: str = "A1") -> Artist:
    """Return an artist with the given series."""
    return Artist(artist_id, "ada", "Ada", "ada@example.com", "hash", series=series)


HARBOUR = Series("harbour-studies", "Harbour studies")


def test_a_series_slug_is_made_from_its_title_and_never_repeats_one_taken() -> None:
    assert series_slug("Harbour Studies, 1923!", set()) == "harbour-studies-1923"
    assert series_slug("Été à Sète", set()) == "ete-a-sete"
    assert series_slug("夜", set()) == "series"
    assert series_slug("Night", {"night", "night-2"}) == "night-3"


def test_a_new_series_goes_last_with_its_slug_and_description() -> None:
    changed, made = with_new_series(artist(HARBOUR), {"title": " Night walks ", "description": "x"})
    assert made == Series("night-walks", "Night walks", "x")
    assert changed.series == (HARBOUR, made)


def test_a_title_already_used_in_another_case_or_spacing_is_refused_with_its_name() -> None:
    with pytest.raises(InvalidArtwork, match="already have a series called “Harbour studies”"):
        with_new_series(artist(HARBOUR), {"title": "harbour   STUDIES"})


def test_a_series_needs_a_title_a_short_description_and_no_unknown_fields() -> None:
    with pytest.raises(InvalidArtwork, match="give the series a title"):
        with_new_series(artist(), {"title": "  "})
    with pytest.raises(InvalidArtwork, match=f"limited to {MAX_SERIES_DESCRIPTION}"):
        with_new_series(artist(), {"title": "T", "description": "d" * 1001})
    with pytest.raises(InvalidArtwork, match="'slug' is not part of a series"):
        with_new_series(artist(), {"title": "T", "slug": "mine"})


def test_an_artist_has_at_most_fifty_series() -> None:
    many = tuple(Series(f"s{n}", f"S{n}") for n in range(MAX_SERIES))
    with pytest.raises(InvalidArtwork, match="at most 50 series"):
        with_new_series(artist(*many), {"title": "One more"})


def test_renaming_keeps_the_slug_and_may_keep_its_own_title_in_another_case() -> None:
    renamed = with_changed_series(artist(HARBOUR), HARBOUR.slug, {"title": "HARBOUR studies"})
    assert renamed.series == (Series("harbour-studies", "HARBOUR studies"),)
    described = with_changed_series(artist(HARBOUR), HARBOUR.slug, {"description": "Boats."})
    assert described.series[0].description == "Boats."
    with pytest.raises(NotFound):
        with_changed_series(artist(HARBOUR), "nope", {"title": "x"})


def test_deleting_removes_only_that_series() -> None:
    night = Series("night", "Night")
    assert without_series(artist(HARBOUR, night), HARBOUR.slug).series == (night,)
    with pytest.raises(NotFound):
        without_series(artist(night), HARBOUR.slug)


def test_a_work_may_join_only_one_of_its_artists_series() -> None:
    assert series_choice(artist(HARBOUR), HARBOUR.slug) == HARBOUR.slug
    assert series_choice(artist(HARBOUR), "") is None
    assert series_choice(artist(HARBOUR), None) is None
    with pytest.raises(InvalidArtwork, match="“night” is not one of your series"):
        series_choice(artist(HARBOUR), "night")
    with pytest.raises(InvalidArtwork, match="slug of one of your series"):
        series_choice(artist(HARBOUR), 3)


def test_a_work_order_is_a_list_of_distinct_ids_up_to_a_thousand() -> None:
    assert clean_order(["b", "a"]) == ("b", "a")
    assert clean_order([]) == ()
    for bad, reason in (
        ("a,b", "list of your works"),
        ([1, 2], "list of your works"),
        (["a", "b", "a"], "twice"),
        ([str(n) for n in range(MAX_ORDER + 1)], "at most 1000"),
    ):
        with pytest.raises(InvalidArtwork, match=reason):
            clean_order(bad)


def test_an_order_naming_a_work_that_is_not_the_artists_is_refused() -> None:
    check_own(("a", "b"), {"a", "b", "c"})
    with pytest.raises(InvalidArtwork, match="x is not one of your works"):
        check_own(("a", "x"), {"a"})


def test_a_cursor_belongs_to_one_artist_and_one_series_filter() -> None:
    ada, other = artist(HARBOUR), artist(artist_id="B2")
    cursor = encode_position(ada, HARBOUR.slug, Position("chosen", 3, "W9"))

    assert decode_position(cursor, ada, HARBOUR.slug) == Position("chosen", 3, "W9")
    for who, series in ((ada, None), (other, HARBOUR.slug)):
        with pytest.raises(InvalidPage):
            decode_position(cursor, who, series)


def test_the_chosen_part_resumes_after_the_last_work_shown_wherever_it_moved() -> None:
    assert resume_index(("a", "b", "c"), Position("chosen", 0, "a")) == 1
    assert resume_index(("b", "c", "a"), Position("chosen", 0, "a")) == 3
    assert resume_index(("b", "c"), Position("chosen", 1, "x")) == 1
