"""Artist facet buckets carry the artist's display name, the same way on both adapters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from search.document import SearchDocument
from search.index import SearchIndex
from search.opensearch import OpenSearchIndex
from search.query import SearchQuery
from search.sqlite import SqliteSearchIndex
from tests.integration.search.test_index_contract import COLOURED, HARBOUR, RED, colour, work


def artist_labels(index: SearchIndex, query: SearchQuery) -> dict[str, str]:
    """Return the artist labels of a search."""
    return index.search(query).labels.get("artist", {})


def test_every_artist_bucket_is_labelled_with_the_artists_name(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    result = index.search(SearchQuery(text="harbour"))
    assert result.facets["artist"] == (("ada", 2), ("bob", 1))
    assert result.labels == {"artist": {"ada": "Ada Quill", "bob": "Bob Reed"}}


def test_only_the_artists_of_the_matches_are_labelled(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    assert artist_labels(index, SearchQuery(medium="watercolour")) == {"bob": "Bob Reed"}
    assert artist_labels(index, SearchQuery(text="nothing like it")) == {}


def test_a_colour_search_labels_its_artist_buckets(index: SearchIndex) -> None:
    index.upsert([*COLOURED, work("bob1", "Poppy", artist_slug="bob", artist_name="Bob Reed")])
    result = index.search(SearchQuery(colours=(colour(RED),)))
    assert dict(result.facets["artist"]) == {"ada": 3}
    assert result.labels == {"artist": {"ada": "Ada Quill"}}


def test_the_selected_artist_is_labelled_even_when_nothing_of_theirs_matches(
    index: SearchIndex,
) -> None:
    # GIVEN Bob's works, none about a harbour at noon
    index.upsert(HARBOUR)
    # WHEN a visitor asks for Bob's harbour at noon
    result = index.search(SearchQuery(text="noon", artist="bob"))
    # THEN nothing matches, and Bob's name is still known for the chosen filter
    assert (result.total, result.facets["artist"]) == (0, ())
    assert result.labels == {"artist": {"bob": "Bob Reed"}}


def test_an_unknown_or_hidden_selected_artist_has_no_label(index: SearchIndex) -> None:
    index.upsert([*HARBOUR, work("c1", "Study", artist_slug="cy", artist_name="Cy", visible=False)])
    assert artist_labels(index, SearchQuery(artist="nobody")) == {}
    assert artist_labels(index, SearchQuery(artist="cy")) == {}
    assert artist_labels(index, SearchQuery(artist="cy", include_hidden=True)) == {"cy": "Cy"}


def test_a_renamed_artist_shows_the_new_name_once_their_works_are_reindexed(
    index: SearchIndex,
) -> None:
    index.upsert(HARBOUR)
    assert artist_labels(index, SearchQuery())["bob"] == "Bob Reed"
    renamed = [
        replace(document, artist_name="Robert Reed", version=document.version + 1)
        for document in HARBOUR
        if document.artist_slug == "bob"
    ]
    index.upsert(renamed)
    assert artist_labels(index, SearchQuery())["bob"] == "Robert Reed"
    assert artist_labels(index, SearchQuery(text="noon", artist="bob")) == {"bob": "Robert Reed"}


def test_a_rebuild_labels_with_the_names_it_was_given(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    index.rebuild([replace(document, artist_name="A. Quill") for document in HARBOUR[:2]])
    assert artist_labels(index, SearchQuery()) == {"ada": "A. Quill"}


def test_an_artist_whose_works_are_all_deleted_is_no_longer_labelled(index: SearchIndex) -> None:
    index.upsert(HARBOUR)
    for document in HARBOUR:
        if document.artist_slug == "bob":
            index.delete(document.artwork_id, document.version + 1)
    assert artist_labels(index, SearchQuery()) == {"ada": "Ada Quill"}
    assert artist_labels(index, SearchQuery(artist="bob")) == {}


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(),
        SearchQuery(text="harbour", sort="newest"),
        SearchQuery(colours=(colour(RED),)),
        SearchQuery(artist="bob", text="noon"),
        SearchQuery(artist="bob", tags=("sea",), include_hidden=True),
    ],
)
def test_both_adapters_label_the_same_buckets_the_same_way(
    sqlite_index: SqliteSearchIndex, opensearch_index: OpenSearchIndex, query: SearchQuery
) -> None:
    documents: list[SearchDocument] = [*HARBOUR, *COLOURED]
    for index in (sqlite_index, opensearch_index):
        index.upsert(documents)
    mine, theirs = sqlite_index.search(query), opensearch_index.search(query)
    assert (mine.facets, mine.labels) == (theirs.facets, theirs.labels)


def test_a_document_at_its_stored_version_replaces_it_only_when_its_artist_changed(
    index: SearchIndex,
) -> None:
    # GIVEN Bob's works indexed at their versions
    index.upsert(HARBOUR)
    renamed = [
        replace(document, artist_name="Robert Reed")
        for document in HARBOUR
        if document.artist_slug == "bob"
    ]
    # WHEN the same versions are written again with a new name, as an ordinary change
    report = index.upsert(renamed)
    # THEN they are stale (a repeated change converges)
    assert (report.written, report.stale) == (0, len(renamed))
    assert artist_labels(index, SearchQuery())["bob"] == "Bob Reed"
    # AND written as an artist's change, they replace what is stored
    report = index.upsert(renamed, same_version=True)
    assert (report.written, report.stale) == (len(renamed), 0)
    assert artist_labels(index, SearchQuery())["bob"] == "Robert Reed"
    hits = index.search(SearchQuery(artist="bob")).hits
    assert hits and {hit.document.artist_name for hit in hits} == {"Robert Reed"}
    # AND an older version is stale even so
    older = [replace(d, artist_name="Old", version=d.version - 1) for d in renamed]
    assert index.upsert(older, same_version=True).stale == len(older)
