"""The indexer's Lambda handler on a captured DynamoDB Streams event (keys only).

The same handler drains the embedded change log locally; here it gets the event exactly as
an event source mapping delivers it, over a real content store and search index.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from content.model import Artist, Artwork, Visibility
from content.sqlite import SqliteContentRepository
from copper.worker import LambdaContext
from handlers.index_changes import build_handler
from search.errors import SearchUnavailable
from search.indexer import Indexer
from search.sqlite import SqliteSearchIndex
from testkit.outages import Switchable

EVENT = json.loads(
    (Path(__file__).parents[1] / "events" / "dynamodb-stream-keys-only.json").read_text()
)
ARTIST = Artist("01JEVENTARTIST0000000000A1", "ada", "Ada Verdigris", "ada@example.com", "h")
WORK = Artwork("01JEVENTWORK000000000000A1", ARTIST.id, "Tide", visibility=Visibility.PUBLISHED)


def indexer_over(tmp_path: Path) -> tuple[Indexer, Switchable]:
    """Return an indexer over a stored artist and work, and its index's outage switch."""
    repository = SqliteContentRepository(tmp_path / "content.db")
    repository.add_artist(ARTIST)
    repository.add_artwork(WORK)
    index = Switchable(SqliteSearchIndex(tmp_path / "search.db"), lambda: SearchUnavailable("x"))
    return Indexer(repository, index), index  # type: ignore[arg-type]


def test_each_changed_record_is_indexed_and_guard_items_are_skipped(tmp_path: Path) -> None:
    indexer, index = indexer_over(tmp_path)
    response = build_handler(lambda: indexer)(EVENT, LambdaContext())
    assert response == {"batchItemFailures": []}
    [stamp] = list(index.inner.stamps())
    assert (stamp.artwork_id, stamp.title, stamp.version) == (WORK.id, "Tide", 1)


def test_an_index_outage_reports_exactly_the_failed_records_by_sequence_number(
    tmp_path: Path,
) -> None:
    indexer, index = indexer_over(tmp_path)
    index.down = True
    response = build_handler(lambda: indexer)(EVENT, LambdaContext())
    # the artwork and the artist (whose works are re-indexed) failed; the guard item did not
    assert response == {
        "batchItemFailures": [
            {"itemIdentifier": "111100000000012345678901"},
            {"itemIdentifier": "111300000000012345678903"},
        ]
    }


def test_a_record_changed_again_before_indexing_is_indexed_at_its_latest_version(
    tmp_path: Path,
) -> None:
    indexer, index = indexer_over(tmp_path)
    indexer.repository.save_artwork(replace(WORK, title="Tide, second state"), WORK.version)
    build_handler(lambda: indexer)(EVENT, LambdaContext())
    [stamp] = list(index.inner.stamps())
    assert (stamp.title, stamp.version) == ("Tide, second state", 2)
