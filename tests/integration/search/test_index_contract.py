"""The search index contract: SQLite and OpenSearch answer every query the same way."""

from __future__ import annotations

from dataclasses import replace

import pytest

import search.opensearch
import search.sqlite.index
from search.colour import colour_from_hex
from search.document import DocumentStamp, PaletteEntry, SearchDocument
from search.errors import InvalidQuery, SearchUnavailable
from search.index import SearchIndex
from search.opensearch import OpenSearchIndex
from search.query import ColourQuery, SearchQuery, SearchResult
from search.sqlite import SqliteSearchIndex

RED, BLUE, GREEN = "#d62828", "#1d4ed8", "#2a9d4a"


def colour(hex_code: str, weight: float = 1.0) -> ColourQuery:
    """Return the colour query of a hex code."""
    return colour_from_hex(hex_code, weight)


def palette(*shares: tuple[str, float]) -> tuple[PaletteEntry, ...]:
    """Return a palette of (hex, share) pairs."""
    return tuple((*colour(hex_code).lab, share, hex_code, "test") for hex_code, share in shares)


def work(artwork_id: str, title: str, **fields: object) -> SearchDocument:
    """Return a visible work by Ada, version 1, unless `fields` say otherwise."""
    defaults: dict[str, object] = {
        "artist_id": "artist-ada",
        "artist_slug": "ada",
        "artist_name": "Ada Quill",
        "visible": True,
        "published_at": f"2024-01-01T00:00:00.{artwork_id[-3:].rjust(3, '0')}Z",
    }
    return SearchDocument(artwork_id, title=title, **{**defaults, **fields})  # type: ignore[arg-type]


def ids(result: SearchResult | tuple) -> list[str]:
    """Return the artwork ids of a result's hits, in order."""
    hits = result.hits if isinstance(result, SearchResult) else result
    return [hit.document.artwork_id for hit in hits]


def every_page(index: SearchIndex, query: SearchQuery) -> list[str]:
    """Return the ids of every page of a query, following the cursors."""
    seen, cursor = [], None
    while True:
        result = index.search(replace(query, cursor=cursor))
        seen += ids(result)
        cursor = result.next_cursor
        if cursor is None:
            return seen


HARBOUR = (
    work(
        "w1",
        "Harbour at dawn",
        tags=("sea", "boats"),
        medium="oil",
        year=2019,
        orientation="landscape",
    ),
    work("w2", "Harbour at dusk", tags=("sea",), medium="oil", year=2020, orientation="landscape"),
    work(
        "w3",
        "Harbour lights",
        artist_id="artist-bob",
        artist_slug="bob",
        artist_name="Bob Reed",
        tags=("sea", "night"),
        medium="watercolour",
        year=2020,
        orientation="portrait",
    ),
    work(
        "w4",
        "Mountain",
        artist_id="artist-bob",
        artist_slug="bob",
        artist_name="Bob Reed",
        tags=("snow",),
        medium="watercolour",
        year=2021,
        orientation="portrait",
    ),
    work("w5", "Harbour draft", tags=("sea",), medium="oil", year=2020, visible=False),
)

COLOURED = (
    work("red", "Poppies", palette=palette((RED, 0.7), (BLUE, 0.2), (GREEN, 0.1))),
    work("blue", "Lake", palette=palette((BLUE, 0.7), (RED, 0.2), (GREEN, 0.1))),
    work("green", "Meadow", palette=palette((GREEN, 0.7), (RED, 0.1), (BLUE, 0.2))),
)


def test_an_upserted_work_is_found_by_a_word_of_its_title(index: SearchIndex) -> None:
    report = index.upsert([work("a1", "Sunflower field"), work("a2", "Winter road")])
    assert (report.written, report.stale, report.failed) == (2, 0, 0)
    assert ids(index.search(SearchQuery(text="sunflower"))) == ["a1"]
    assert index.count() == 2


def test_every_word_of_the_query_must_match(index: SearchIndex) -> None:
    index.upsert([work("a1", "Sunflower field"), work("a2", "Sunflower vase")])
    assert ids(index.search(SearchQuery(text="sunflower field"))) == ["a1"]
    assert ids(index.search(SearchQuery(text="the sunflower in a vase"))) == ["a2"]


def test_a_title_match_ranks_above_a_description_match(index: SearchIndex) -> None:
    index.upsert(
        [
            work("a1", "Evening walk", description="Past the lighthouse on the cliff"),
            work("a2", "Lighthouse", description="A quiet evening on the cliff"),
        ]
    )
    assert ids(index.search(SearchQuery(text="lighthouse"))) == ["a2", "a1"]
    assert ids(index.search(SearchQuery(text="evening"))) == ["a1", "a2"]


def test_an_artist_name_or_tag_match_ranks_above_a_description_match(index: SearchIndex) -> None:
    index.upsert(
        [
            work("a1", "Untitled", description="Something about copper"),
            work("a2", "Untitled", tags=("copper",)),
        ]
    )
    assert ids(index.search(SearchQuery(text="copper"))) == ["a2", "a1"]


def test_a_misspelt_word_still_finds_the_work(index: SearchIndex) -> None:
    index.upsert([work("a1", "Sunflower field"), work("a2", "Winter road")])
    assert ids(index.search(SearchQuery(text="sunflowr"))) == ["a1"]
    assert ids(index.search(SearchQuery(text="sunfloewr"))) == ["a1"]
    assert ids(index.search(SearchQuery(text="wintr"))) == ["a2"]


def test_typos_beyond_the_budget_of_the_word_length_find_nothing(index: SearchIndex) -> None:
    index.upsert([work("a1", "Sunflower field"), work("a2", "Red cat")])
    assert ids(index.search(SearchQuery(text="sunflwr"))) == []
    assert ids(index.search(SearchQuery(text="cst"))) == []
    assert ids(index.search(SearchQuery(text="cat"))) == ["a2"]


def test_filters_narrow_the_matches_and_facets_count_them_exactly(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    result = index.search(SearchQuery(text="harbour"))
    assert sorted(ids(result)) == ["w1", "w2", "w3"]
    assert result.total == 3
    assert result.facets == {
        "artist": (("ada", 2), ("bob", 1)),
        "medium": (("oil", 2), ("watercolour", 1)),
        "tags": (("sea", 3), ("boats", 1), ("night", 1)),
        "orientation": (("landscape", 2), ("portrait", 1)),
        "year": (("2020", 2), ("2019", 1)),
    }
    narrowed = index.search(
        SearchQuery(text="harbour", artist="ada", tags=("sea",), year_from=2020)
    )
    assert ids(narrowed) == ["w2"]
    assert narrowed.facets["artist"] == (("ada", 1),)
    assert narrowed.facets["year"] == (("2020", 1),)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(tags=("sea", "night")), ["w3"]),
        (SearchQuery(tags=("sea", "snow")), []),
        (SearchQuery(medium="watercolour", orientation="portrait"), ["w3", "w4"]),
        (SearchQuery(year_from=2020, year_to=2020), ["w2", "w3"]),
        (SearchQuery(year_to=2019), ["w1"]),
        (SearchQuery(artist="bob", text="mountain"), ["w4"]),
    ],
)
def test_each_filter_keeps_only_the_works_that_match_it(
    index: SearchIndex, query: SearchQuery, expected: list[str]
) -> None:
    index.upsert(HARBOUR)
    assert sorted(ids(index.search(query))) == expected


def test_facets_count_every_match_not_only_the_page(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    result = index.search(SearchQuery(limit=1))
    assert len(result.hits) == 1
    assert result.total == 4
    assert result.facets["tags"] == (("sea", 3), ("boats", 1), ("night", 1), ("snow", 1))


def test_drafts_and_unready_works_are_never_shown_to_the_public(index: SearchIndex) -> None:
    index.upsert(
        [
            work("a1", "Harbour", tags=("sea",)),
            work("a2", "Harbour study", tags=("sea",), visible=False),
        ]
    )
    public = index.search(SearchQuery(text="harbour"))
    assert ids(public) == ["a1"]
    assert public.facets["tags"] == (("sea", 1),)
    assert ids(index.search(SearchQuery(tags=("sea",)))) == ["a1"]
    assert ids(index.more_like_this("a1")) == []
    studio = index.search(SearchQuery(text="harbour", include_hidden=True))
    assert sorted(ids(studio)) == ["a1", "a2"]
    assert index.count() == 2


def test_newest_sort_orders_by_publication_then_id_and_unpublished_last(
    index: SearchIndex,
) -> None:
    index.upsert(
        [
            work("a", "One", published_at="2024-01-01T00:00:00.000Z"),
            work("b", "Two", published_at="2024-03-01T00:00:00.000Z"),
            work("c", "Three", published_at=None),
            work("d", "Four", published_at="2024-03-01T00:00:00.000Z"),
        ]
    )
    assert ids(index.search(SearchQuery(sort="newest"))) == ["d", "b", "a", "c"]
    assert ids(index.search(SearchQuery())) == ["d", "b", "a", "c"]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(sort="newest", limit=2),
        SearchQuery(text="study", limit=2),
        SearchQuery(text="study", sort="newest", limit=3),
        SearchQuery(colours=(colour(RED),), limit=2),
        SearchQuery(text="study", colours=(colour(RED), colour(BLUE, 0.5)), limit=1),
    ],
    ids=["newest", "relevance", "text-newest", "colour", "text-colours"],
)
def test_cursor_paging_returns_every_hit_exactly_once_in_order(
    index: SearchIndex, query: SearchQuery
) -> None:
    shares = [(RED, 0.5), (BLUE, 0.3), (GREEN, 0.2)]
    documents = [
        work(f"s{i}", "Study" if i % 2 else "Study of a study", palette=palette(*shares))
        for i in range(7)
    ]
    documents.append(work("s7", "Study", published_at=None, palette=palette((RED, 0.9))))
    index.upsert(documents)
    whole = ids(index.search(replace(query, limit=100)))
    paged = every_page(index, query)
    assert len(whole) == 8
    assert paged == whole


def test_a_malformed_or_foreign_cursor_is_an_invalid_query(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    cursor = index.search(SearchQuery(limit=1)).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidQuery):
        index.search(SearchQuery(cursor="not a cursor"))
    with pytest.raises(InvalidQuery):
        index.search(SearchQuery(cursor=cursor[:-3]))
    with pytest.raises(InvalidQuery):
        index.search(SearchQuery(text="harbour", cursor=cursor))


def test_highlights_mark_the_matches_and_escape_the_document_html(index: SearchIndex) -> None:
    index.upsert(
        [
            work(
                "a1",
                "Sunflower <b>study</b>",
                description="<script>alert('x')</script> sunflower heads & stems",
            )
        ]
    )
    [hit] = index.search(SearchQuery(text="sunflower")).hits
    assert hit.highlights["title"] == "<mark>Sunflower</mark> &lt;b&gt;study&lt;/b&gt;"
    assert hit.highlights["description"] == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>sunflower</mark> heads &amp; stems"
    )
    assert hit.document.title == "Sunflower <b>study</b>"


def test_only_fields_with_a_match_are_highlighted(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", description="Boats at rest")])
    [hit] = index.search(SearchQuery(text="boats")).hits
    assert hit.highlights == {"description": "<mark>Boats</mark> at rest"}
    [plain] = index.search(SearchQuery()).hits
    assert plain.highlights == {}


def test_colour_search_ranks_the_closest_palette_first(index: SearchIndex) -> None:
    index.upsert(COLOURED)
    assert ids(index.search(SearchQuery(colours=(colour(RED),)))) == ["red", "blue", "green"]
    assert ids(index.search(SearchQuery(colours=(colour(GREEN),))))[0] == "green"


def test_several_weighted_colours_favour_the_work_covering_the_heavier_colour(
    index: SearchIndex,
) -> None:
    index.upsert(COLOURED)
    blue_heavy = (colour(RED, 1.0), colour(BLUE, 3.0))
    red_heavy = (colour(RED, 3.0), colour(BLUE, 1.0))
    assert ids(index.search(SearchQuery(colours=blue_heavy))) == ["blue", "red", "green"]
    assert ids(index.search(SearchQuery(colours=red_heavy))) == ["red", "blue", "green"]


def test_colour_search_leaves_out_works_without_a_nearby_colour(index: SearchIndex) -> None:
    index.upsert([*COLOURED, work("grey", "Fog", palette=palette(("#808080", 1.0)))])
    result = index.search(SearchQuery(colours=(colour(RED),)))
    assert "grey" not in ids(result)
    assert result.total == 3


def test_more_like_this_ranks_the_near_duplicate_first_and_excludes_the_work_itself(
    index: SearchIndex,
) -> None:
    shares = palette((RED, 0.7), (BLUE, 0.3))
    index.upsert(
        [
            work(
                "source", "Boats", tags=("sea", "boats"), palette=shares, phash="f0f0f0f0f0f0f0f0"
            ),
            work("near", "Boats again", tags=("sea",), palette=shares, phash="f0f0f0f0f0f0f0f3"),
            work(
                "tagged",
                "Other boats",
                tags=("sea", "boats"),
                palette=palette((GREEN, 1.0)),
                phash="0123456789abcdef",
            ),
            work("hidden", "Draft", palette=shares, phash="f0f0f0f0f0f0f0f0", visible=False),
            work("unrelated", "Snow", tags=("snow",), palette=palette(("#ffffff", 1.0))),
        ]
    )
    similar = index.more_like_this("source")
    assert ids(similar) == ["near", "tagged"]
    assert similar[0].score > similar[1].score
    assert ids(index.more_like_this("source", limit=1)) == ["near"]
    assert index.more_like_this("missing") == ()


def test_near_duplicates_finds_hidden_works_within_three_bits_nearest_first(
    index: SearchIndex,
) -> None:
    # GIVEN works at 0, 1, 3 and 4 bits from a hash, one of them hidden, one deleted
    index.upsert(
        [
            work("same", "Same", phash="f0f0f0f0f0f0f0f0", visible=False),
            work("one-bit", "One", phash="f0f0f0f0f0f0f0f1"),
            work("three-bits", "Three", phash="f0f0f0f0f0f0f0f7"),
            work("four-bits", "Four", phash="f0f0f0f0f0f0f0ff"),
            work("gone", "Gone", phash="f0f0f0f0f0f0f0f0"),
        ]
    )
    index.delete("gone", 2)
    # WHEN asking for near-duplicates of the hash THEN only those within 3 bits come back
    assert index.near_duplicates("f0f0f0f0f0f0f0f0") == ["same", "one-bit", "three-bits"]
    assert index.near_duplicates("f0f0f0f0f0f0f0f0", max_distance=0) == ["same"]
    assert index.near_duplicates("0000000000000000") == []


def test_an_older_version_is_stale_and_never_overwrites(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", version=2)])
    report = index.upsert([work("a1", "Mountain", version=1), work("a1", "Valley", version=2)])
    assert (report.written, report.stale) == (0, 2)
    assert ids(index.search(SearchQuery(text="harbour"))) == ["a1"]
    assert ids(index.search(SearchQuery(text="mountain"))) == []
    assert index.upsert([work("a1", "Mountain", version=3)]).written == 1
    assert ids(index.search(SearchQuery(text="mountain"))) == ["a1"]


def test_a_deleted_work_is_not_revived_by_an_older_upsert(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", version=2)])
    index.delete("a1", 3)
    assert index.count() == 0
    assert index.upsert([work("a1", "Harbour", version=2)]).stale == 1
    assert ids(index.search(SearchQuery(text="harbour", include_hidden=True))) == []
    assert index.upsert([work("a1", "Harbour", version=4)]).written == 1
    assert ids(index.search(SearchQuery(text="harbour"))) == ["a1"]


def test_a_delete_older_than_the_stored_version_is_ignored(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", version=5)])
    index.delete("a1", 4)
    assert ids(index.search(SearchQuery(text="harbour"))) == ["a1"]


def test_deleting_an_unknown_work_still_blocks_its_late_older_creation(
    index: SearchIndex,
) -> None:
    index.delete("a1", 3)
    assert index.upsert([work("a1", "Harbour", version=1)]).stale == 1
    assert index.count() == 0


def test_rebuild_swaps_in_the_new_documents_atomically(index: SearchIndex) -> None:
    index.upsert([work(f"old{i}", "Harbour") for i in range(3)])
    during: list[tuple[int, list[str], list[str]]] = []

    def progress(written: int) -> None:
        """Search while the rebuild is loading."""
        old = ids(index.search(SearchQuery(text="harbour")))
        new = ids(index.search(SearchQuery(text="mountain")))
        during.append((written, old, new))

    written = index.rebuild((work(f"new{i}", "Mountain") for i in range(5)), progress)
    assert written == 5
    assert during and during[-1][0] == 5
    assert all(len(old) == 3 and new == [] for _, old, new in during)
    assert index.count() == 5
    assert ids(index.search(SearchQuery(text="harbour"))) == []
    assert len(ids(index.search(SearchQuery(text="mountain")))) == 5


def test_rebuild_keeps_deletions_and_external_versions(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", version=2), work("a2", "Mountain", version=1)])
    index.delete("a1", 3)
    written = index.rebuild([work("a1", "Harbour", version=2), work("a2", "Mountain", version=1)])
    assert written == 1
    assert index.count() == 1
    assert index.upsert([work("a2", "Mountain", version=1)]).stale == 1


def test_rebuild_of_an_index_never_written_creates_it(index: SearchIndex) -> None:
    assert index.count() == 0
    assert index.search(SearchQuery()).total == 0
    assert index.rebuild([work("a1", "Harbour")]) == 1
    assert ids(index.search(SearchQuery(text="harbour"))) == ["a1"]


def test_both_adapters_return_the_same_hits_totals_and_facets(
    sqlite_index: SqliteSearchIndex, opensearch_index: OpenSearchIndex
) -> None:
    documents = [*HARBOUR, *COLOURED]
    queries = [
        SearchQuery(),
        SearchQuery(sort="newest", tags=("sea",)),
        SearchQuery(text="harbour", sort="newest"),
        SearchQuery(text="harbour", include_hidden=True, sort="newest"),
        SearchQuery(colours=(colour(RED, 2.0), colour(GREEN))),
        SearchQuery(medium="watercolour", year_from=2020),
    ]
    for index in (sqlite_index, opensearch_index):
        index.upsert(documents)
    for query in queries:
        mine, theirs = sqlite_index.search(query), opensearch_index.search(query)
        assert ids(mine) == ids(theirs), query
        assert (mine.total, mine.facets) == (theirs.total, theirs.facets), query
    assert ids(sqlite_index.more_like_this("red")) == ids(opensearch_index.more_like_this("red"))


def test_a_search_after_each_write_sees_it_in_hits_facets_and_colours(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    assert index.search(SearchQuery(tags=("sea",))).total == 3
    index.upsert([replace(HARBOUR[1], version=2, tags=("boats",), palette=palette((RED, 1.0)))])
    result = index.search(SearchQuery(tags=("boats",)))
    assert ids(result) == ["w2", "w1"]
    assert dict(result.facets["tags"]) == {"boats": 2, "sea": 1}
    assert ids(index.search(SearchQuery(colours=(colour(RED),)))) == ["w2"]
    index.delete("w2", 3)
    assert ids(index.search(SearchQuery(tags=("boats",)))) == ["w1"]
    assert index.search(SearchQuery(colours=(colour(RED),))).total == 0
    index.upsert([work("w6", "Harbour again", tags=("boats",), medium="ink")])
    result = index.search(SearchQuery(text="harbour", tags=("boats",)))
    assert sorted(ids(result)) == ["w1", "w6"]
    assert dict(result.facets["medium"]) == {"oil": 1, "ink": 1}


def test_colour_search_filters_hidden_works_and_counts_facets_of_every_candidate(
    index: SearchIndex,
) -> None:
    hidden = work("hidden", "Embers", palette=palette((RED, 1.0)), visible=False)
    index.upsert([*COLOURED, hidden])
    query = SearchQuery(colours=(colour(RED),), limit=1)
    result = index.search(query)
    assert (ids(result), result.total) == (["red"], 3)
    assert result.facets["artist"] == (("ada", 3),)
    assert every_page(index, query) == ["red", "blue", "green"]
    shown = index.search(replace(query, include_hidden=True, limit=10))
    assert ids(shown)[:2] == ["hidden", "red"]


def stamps(index: SearchIndex) -> list[tuple[str, int, bool, str]]:
    """Return every stamp of the index as (artwork id, version, visible, title), in order."""
    return [(s.artwork_id, s.version, s.visible, s.title) for s in index.stamps()]


def test_stamps_list_every_work_by_artwork_id_with_version_visibility_and_title(
    index: SearchIndex,
) -> None:
    index.upsert(
        [
            work("a2", "Winter road", version=3),
            work("a10", "Harbour draft", visible=False),
            work("B7", "Mountain", version=2),
            work("a1", "Sunflower <b>field</b>"),
        ]
    )
    assert stamps(index) == [
        ("B7", 2, True, "Mountain"),
        ("a1", 1, True, "Sunflower <b>field</b>"),
        ("a10", 1, False, "Harbour draft"),
        ("a2", 3, True, "Winter road"),
    ]
    assert all(isinstance(stamp, DocumentStamp) for stamp in index.stamps())


def test_stamps_show_the_version_and_title_of_the_newest_upsert(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour"), work("a2", "Mountain")])
    index.upsert([work("a1", "Harbour at dusk", version=4, visible=False)])
    assert stamps(index) == [("a1", 4, False, "Harbour at dusk"), ("a2", 1, True, "Mountain")]


def test_stamps_leave_out_deleted_works_and_their_tombstones(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour"), work("a2", "Mountain", version=2)])
    index.delete("a2", 3)
    index.delete("never-written", 1)
    assert stamps(index) == [("a1", 1, True, "Harbour")]
    index.upsert([work("a2", "Mountain", version=4)])
    assert stamps(index) == [("a1", 1, True, "Harbour"), ("a2", 4, True, "Mountain")]


def test_stamps_ignore_a_stale_upsert(index: SearchIndex) -> None:
    index.upsert([work("a1", "Harbour", version=2)])
    assert index.upsert([work("a1", "Mountain", version=1)]).stale == 1
    index.delete("a2", 5)
    assert index.upsert([work("a2", "Valley", version=4)]).stale == 1
    assert stamps(index) == [("a1", 2, True, "Harbour")]


def test_stamps_after_a_rebuild_are_the_rebuilt_works_without_the_deleted_ones(
    index: SearchIndex,
) -> None:
    index.upsert([work("old", "Harbour"), work("gone", "Valley", version=2)])
    index.delete("gone", 3)
    index.rebuild([work("new", "Mountain", version=5), work("gone", "Valley", version=2)])
    assert stamps(index) == [("new", 5, True, "Mountain")]


def test_an_empty_index_has_no_stamps(index: SearchIndex) -> None:
    assert stamps(index) == []
    index.upsert([work("a1", "Harbour")])
    index.delete("a1", 2)
    assert stamps(index) == []


def test_stamps_come_page_by_page_each_work_once_in_order(
    index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.sqlite.index, "STAMP_PAGE", 2)
    monkeypatch.setattr(search.opensearch, "CANDIDATE_PAGE", 2)
    index.upsert([work(f"a{i}", f"Study {i}", version=i + 1) for i in (4, 0, 3, 1, 2)])
    walk = index.stamps()
    assert next(walk) == DocumentStamp("a0", 1, True, "Study 0")
    index.upsert([work("a5", "Study 5")])
    rest = [stamp.artwork_id for stamp in walk]
    assert rest == ["a1", "a2", "a3", "a4", "a5"]


def test_both_adapters_return_the_same_stamps(
    sqlite_index: SqliteSearchIndex, opensearch_index: OpenSearchIndex
) -> None:
    for index in (sqlite_index, opensearch_index):
        index.upsert([*HARBOUR, *COLOURED, work("Z1", "Última luz"), work("é1", "Été")])
        index.delete("w3", 2)
    assert stamps(sqlite_index) == stamps(opensearch_index)
    assert len(stamps(sqlite_index)) == 9


def test_stamps_of_an_unreachable_index_raise_search_unavailable(
    unreachable_index: SearchIndex,
) -> None:
    with pytest.raises(SearchUnavailable):
        list(unreachable_index.stamps())
