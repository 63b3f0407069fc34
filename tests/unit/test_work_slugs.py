"""Readable work slugs: made from the title once, unique per artist, never a route's word."""

from __future__ import annotations

import pytest

from content.slugs import MAX_SLUG, RESERVED, first_free, numbered, work_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Harbour at Dawn", "harbour-at-dawn"),
        ("  Zoë's Ångström — No. 3!  ", "zoes-angstrom-no-3"),
        ("Zoë’s Garden", "zoes-garden"),
        ("Straße in Łódź", "strasse-in-lodz"),
        ("Søren's Æther", "sorens-aether"),
        ("Ｗｉｄｅ　Ｌｅｔｔｅｒｓ", "wide-letters"),
        ("東京", "untitled"),
        ("", "untitled"),
        ("!!! ---", "untitled"),
    ],
)
def test_a_title_becomes_lower_case_ascii_words_joined_by_hyphens(title: str, slug: str) -> None:
    assert work_slug(title) == slug


def test_a_long_title_is_cut_at_a_word_within_the_limit() -> None:
    slug = work_slug("The Long Walk Home Through the Salt Marshes of the Northern Estuary at Dusk")

    assert len(slug) <= MAX_SLUG
    assert slug == "the-long-walk-home-through-the-salt-marshes-of-the-northern"


def test_a_single_word_longer_than_the_limit_is_cut_at_the_limit() -> None:
    assert work_slug("a" * 100) == "a" * MAX_SLUG


@pytest.mark.parametrize("word", ["series", "works", "page", "feed"])
def test_a_title_that_is_a_routes_word_is_never_given_as_it_is(word: str) -> None:
    assert word in RESERVED
    assert work_slug(word.title()) == f"{word}-2"
    assert first_free(work_slug(word), set()) == f"{word}-2"


def test_a_numbered_slug_keeps_within_the_limit() -> None:
    base = "b" * MAX_SLUG

    assert numbered(base, 12) == "b" * (MAX_SLUG - 3) + "-12"
    assert numbered("tide", 1) == "tide"


def test_the_first_free_slug_counts_up_past_the_taken_ones() -> None:
    assert first_free("tide", set()) == "tide"
    assert first_free("tide", {"tide"}) == "tide-2"
    assert first_free("tide", {"tide", "tide-2", "tide-3"}) == "tide-4"
