"""Unit tests for search queries: terms, typos, highlights, cursors, likeness, documents."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from content.model import Artist, Artwork, Status, Visibility
from pipeline.phash import hamming_distance
from search.candidates import palette_colours, phash_chunks
from search.colour import colour_distance
from search.cursor import NEWEST_KEY, RELEVANCE_KEY, decode_cursor, encode_cursor
from search.document import SearchDocument, document_for
from search.errors import InvalidQuery
from search.query import MAX_LIMIT, SearchQuery
from search.similarity import likeness, most_alike
from search.text import edit_budget, edit_distance, marked_html, query_terms


def test_query_terms_are_folded_words_without_stop_words_or_repeats() -> None:
    assert query_terms("The Café at NIGHT, the café!") == ("cafe", "night")
    assert query_terms("a of the") == ()
    assert len(query_terms(" ".join(f"w{i}" for i in range(40)))) == 16


@pytest.mark.parametrize(
    ("term", "budget"), [("cat", 0), ("lake", 1), ("harbour", 1), ("sunflower", 2)]
)
def test_longer_words_tolerate_more_typos(term: str, budget: int) -> None:
    assert edit_budget(term) == budget


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("sunflower", "sunflower", 0),
        ("sunflowr", "sunflower", 1),
        ("sunfolwer", "sunflower", 1),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance_counts_a_transposition_as_one_edit(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 5) == distance


def test_edit_distance_stops_once_over_the_limit() -> None:
    assert edit_distance("harbour", "mountain", 1) == 2
    assert edit_distance("a", "abcdef", 2) == 3


def test_marked_html_escapes_everything_but_the_marks() -> None:
    marked = marked_html("<b>\ue000Sun\ue001</b> & 'co'", "<b>Sun</b> & 'co'")
    assert marked == "&lt;b&gt;<mark>Sun</mark>&lt;/b&gt; &amp; &#x27;co&#x27;"
    assert marked_html("no match", "no match") is None
    assert marked_html("\ue000x\ue001", "\ue000x\ue001") is None


def test_a_cursor_round_trips_only_with_its_own_query() -> None:
    query = SearchQuery(text="harbour", sort="newest")
    cursor = encode_cursor(query, ("2024-01-01", "a1"))
    assert decode_cursor(replace(query, cursor=cursor, limit=5), NEWEST_KEY) == ("2024-01-01", "a1")
    with pytest.raises(InvalidQuery):
        decode_cursor(replace(query, text="boats", cursor=cursor), NEWEST_KEY)
    with pytest.raises(InvalidQuery):
        decode_cursor(replace(query, cursor=cursor), RELEVANCE_KEY)
    for bad in ("", "%%%", "a" * 3000, cursor + "x"):
        with pytest.raises(InvalidQuery):
            decode_cursor(replace(query, cursor=bad), NEWEST_KEY)


def test_the_limit_is_capped_and_must_be_positive() -> None:
    assert SearchQuery(limit=1000).limit == MAX_LIMIT
    for bad in (0, -1, True, "5"):
        with pytest.raises(InvalidQuery):
            SearchQuery(limit=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery):
        SearchQuery(sort="oldest")  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery):
        SearchQuery(year_from="1990")  # type: ignore[arg-type]


def test_near_duplicate_hashes_share_a_chunk() -> None:
    original = "f0f0f0f0f0f0f0f0"
    three_bits_off = "f0f3f0f0f0f0f0f1"
    assert set(phash_chunks(original)) & set(phash_chunks(three_bits_off))
    assert phash_chunks(None) == ()


def test_likeness_prefers_the_same_palette_hash_and_tags() -> None:
    palette = (
        (53.0, 80.0, 67.0, 0.7, "#ff0000", "red"),
        (32.0, 79.0, -108.0, 0.3, "#0000ff", "blue"),
    )
    source = SearchDocument(
        "a", "x", "ada", "Ada", "A", tags=("sea",), palette=palette, phash="f" * 16
    )
    twin = replace(source, artwork_id="b")
    stranger = SearchDocument(
        "c",
        "x",
        "ada",
        "Ada",
        "C",
        palette=((90.0, 0.0, 0.0, 1.0, "#eeeeee", "white"),),
        phash="0" * 16,
    )
    assert likeness(source, twin) == pytest.approx(0.45 * (1 - 8.4 / 50) + 0.4 + 0.15)
    assert likeness(source, stranger) < 0.05


def test_many_candidates_score_as_each_pair_does_and_rank_best_first() -> None:
    rng = random.Random(5)

    def work(name: str) -> SearchDocument:
        palette = tuple(
            (rng.uniform(0, 100), rng.uniform(-80, 80), rng.uniform(-80, 80), rng.random(), "", "")
            for _ in range(rng.randint(0, 6))
        )
        phash = "".join(rng.choice("0123456789abcdef") for _ in range(16))
        tags = tuple(rng.sample(["sea", "dusk", "oak", "ink", "red"], rng.randint(0, 3)))
        return SearchDocument(
            name, "x", "ada", "Ada", name, tags=tags, palette=palette, phash=phash
        )

    source, others = work("source"), [work(f"w{i:02}") for i in range(40)]
    colours = palette_colours(source.palette)
    expected = {
        other.artwork_id: 0.45 * max(0.0, 1 - colour_distance(other.palette, colours) / 50)
        + 0.4 * max(0.0, 1 - hamming_distance(source.phash, other.phash) / 32)
        + 0.15
        * len(set(source.tags) & set(other.tags))
        / (len(set(source.tags) | set(other.tags)) or 1)
        for other in others
    }
    hits = most_alike(source, others, 10)
    assert [hit.score for hit in hits] == pytest.approx(
        [expected[h.document.artwork_id] for h in hits]
    )
    assert [h.document.artwork_id for h in hits] == sorted(
        expected, key=lambda i: (-expected[i], i)
    )[:10]


def test_a_search_document_is_built_from_the_content_model() -> None:
    artist = Artist("artist-1", "ada", "Ada Quill", "ada@example.com", "hash")
    facts = {
        "width": 1200,
        "height": 800,
        "orientation": "landscape",
        "palette": [{"lab": [53.2, 80.1, 67.2], "hex": "#ff0000", "family": "red", "weight": 0.6}],
        "phash": "0123456789abcdef",
        "blurhash": "LKO2?U%2Tw=w",
    }
    renditions = (
        {"name": "640", "format": "jpeg", "width": 640, "height": 427},
        {"name": "thumb", "format": "webp", "width": 320, "height": 320},
        {"name": "thumb", "format": "jpeg", "width": 320, "height": 320},
    )
    artwork = Artwork(
        "work-1",
        "artist-1",
        "Harbour",
        tags=("sea",),
        medium="oil",
        year=2020,
        status=Status.READY,
        visibility=Visibility.PUBLISHED,
        facts=facts,
        renditions=renditions,
        version=4,
        published_at="2024-01-01T00:00:00.000Z",
    )
    document = document_for(artwork, artist)
    assert (document.artist_slug, document.artist_name, document.version) == ("ada", "Ada Quill", 4)
    assert document.palette == ((53.2, 80.1, 67.2, 0.6, "#ff0000", "red"),)
    assert (document.orientation, document.width, document.height) == ("landscape", 1200, 800)
    assert document.visible is True
    assert document.thumbnail == renditions[2]
    assert SearchDocument.from_record(document.to_record()) == document
    draft = document_for(replace(artwork, visibility=Visibility.DRAFT, facts=None), artist)
    assert (draft.visible, draft.palette, draft.phash) == (False, (), None)
