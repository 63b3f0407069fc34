"""The SQLite adapter's in-memory columns follow writes made through any connection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import search.sqlite.changes
import search.sqlite.ranking
from search.query import SearchQuery
from search.sqlite import SqliteSearchIndex
from tests.integration.search.test_index_contract import (
    HARBOUR,
    RED,
    colour,
    every_page,
    palette,
    work,
)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[SqliteSearchIndex, SqliteSearchIndex]]:
    """Yield a reader and a writer on one database file (as two processes would be)."""
    reader, writer = (SqliteSearchIndex(tmp_path / "search.db") for _ in range(2))
    yield reader, writer
    reader.close()
    writer.close()


def tags(index: SqliteSearchIndex) -> dict[str, int]:
    """Return the tag facet of every public work."""
    return dict(index.search(SearchQuery()).facets["tags"])


def test_a_reader_sees_another_connections_upserts_and_deletes(
    pair: tuple[SqliteSearchIndex, SqliteSearchIndex],
) -> None:
    reader, writer = pair
    writer.upsert(HARBOUR)
    assert tags(reader) == {"sea": 3, "boats": 1, "night": 1, "snow": 1}
    writer.upsert([work("w6", "Lighthouse", tags=("night",), version=1)])
    writer.delete("w1", 5)
    assert tags(reader) == {"sea": 2, "night": 2, "snow": 1}
    assert reader.search(SearchQuery(text="harbour")).total == 2


def test_a_reused_seq_carries_only_the_new_works_columns(
    pair: tuple[SqliteSearchIndex, SqliteSearchIndex],
) -> None:
    reader, writer = pair
    writer.upsert([work("a", "First", tags=("sea",)), work("b", "Second", tags=("snow",))])
    assert tags(reader) == {"sea": 1, "snow": 1}
    writer.delete("b", 1)  # frees the highest seq, which the next insert takes again
    writer.upsert([work("c", "Third", tags=("rain",), medium="ink")])
    result = reader.search(SearchQuery())
    assert sorted(hit.document.artwork_id for hit in result.hits) == ["a", "c"]
    assert dict(result.facets["tags"]) == {"sea": 1, "rain": 1}
    assert reader.search(SearchQuery(tags=("snow",))).total == 0


def test_a_reader_behind_the_kept_change_log_reloads_everything(
    pair: tuple[SqliteSearchIndex, SqliteSearchIndex], monkeypatch: pytest.MonkeyPatch
) -> None:
    reader, writer = pair
    monkeypatch.setattr(search.sqlite.changes, "CHANGES_KEPT", 2)
    writer.upsert(HARBOUR[:1])
    assert reader.search(SearchQuery()).total == 1
    for document in HARBOUR[1:4]:
        writer.upsert([document])
    assert tags(reader) == {"sea": 3, "boats": 1, "night": 1, "snow": 1}


def test_a_rebuild_by_another_connection_is_seen_at_once(
    pair: tuple[SqliteSearchIndex, SqliteSearchIndex],
) -> None:
    reader, writer = pair
    writer.upsert(HARBOUR)
    assert reader.search(SearchQuery()).total == 4
    writer.rebuild([work("n1", "New harbour", tags=("fog",))])
    result = reader.search(SearchQuery(text="harbour"))
    assert ([hit.document.artwork_id for hit in result.hits], tags(reader)) == (["n1"], {"fog": 1})


def test_ranks_of_works_written_after_a_search_match_a_fresh_reader(
    pair: tuple[SqliteSearchIndex, SqliteSearchIndex], tmp_path: Path
) -> None:
    reader, writer = pair
    writer.upsert(
        [work(f"w{i}", "Harbour", published_at=f"2024-01-0{i}T00:00:00Z") for i in (1, 5)]
    )
    queries = [
        SearchQuery(limit=1),
        SearchQuery(text="harbour", limit=1),
        SearchQuery(colours=(colour(RED),), limit=1),
    ]
    for query in queries:
        every_page(reader, query)  # builds the reader's sort ranks before the writes below
    writer.upsert(
        [
            work(
                f"w{i}",
                "Harbour",
                published_at=f"2024-01-0{i}T00:00:00Z",
                palette=palette((RED, 0.5)),
            )
            for i in (3, 0, 9, 4)
        ]
    )
    writer.delete("w5", 2)
    fresh = SqliteSearchIndex(tmp_path / "search.db")
    try:
        for query in queries:
            assert every_page(reader, query) == every_page(fresh, query)
        assert every_page(reader, queries[0]) == ["w9", "w4", "w3", "w1", "w0"]
    finally:
        fresh.close()


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(text="harbour", limit=1),
        SearchQuery(text="harbour", limit=3),
        SearchQuery(text="harbour", tags=("rare",), limit=1),
        SearchQuery(text="harbour boats", limit=2),
    ],
    ids=["ties", "page-of-three", "selective-filter", "two-terms"],
)
def test_relevance_pages_from_the_best_scores_equal_scoring_every_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, query: SearchQuery
) -> None:
    index = SqliteSearchIndex(tmp_path / "search.db")
    titles = ("Harbour", "Harbour boats", "Old harbour at dusk", "Harbour harbour")
    index.upsert(
        work(f"w{i:02}", titles[i % 4], tags=("rare",) if i % 7 == 0 else ("sea",))
        for i in reversed(range(40))  # seqs in the opposite order of the ids
    )
    try:
        monkeypatch.setattr(search.sqlite.ranking, "BEST_SCORED", 100_000)
        everything = every_page(index, query)
        monkeypatch.setattr(search.sqlite.ranking, "BEST_SCORED", 1)
        assert every_page(index, query) == everything
        assert len(everything) == index.search(query).total
    finally:
        index.close()
