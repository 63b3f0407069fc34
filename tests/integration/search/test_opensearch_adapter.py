"""What only the OpenSearch adapter has: an alias, throttled bulk items, an unreachable cluster."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from opensearchpy import OpenSearch

from search.document import SearchDocument
from search.errors import SearchUnavailable
from search.opensearch import OpenSearchIndex
from search.query import SearchQuery

THROTTLED = {"type": "es_rejected_execution_exception", "reason": "rejected execution"}
MALFORMED = {"type": "mapper_parsing_exception", "reason": "failed to parse"}


def work(artwork_id: str, title: str = "Harbour", version: int = 1) -> SearchDocument:
    """Return a visible work."""
    return SearchDocument(
        artwork_id, "artist-ada", "ada", "Ada Quill", title, visible=True, version=version
    )


class FaultyBulkClient:
    """An OpenSearch client whose bulk calls answer `status` for chosen items, not sending them.

    `faults` lists, per bulk call, how many leading items fail; later calls go through.
    """

    def __init__(self, client: OpenSearch, faults: list[int], status: int = 429) -> None:
        """Wrap a real client."""
        self._client = client
        self._faults = list(faults)
        self._status = status
        self.bulk_sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        """Delegate everything but bulk to the real client."""
        return getattr(self._client, name)

    def bulk(self, body: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        """Fail the leading items of this call, send the rest, and merge the responses."""
        self.bulk_sizes.append(len(body) // 2)
        failing = self._faults.pop(0) if self._faults else 0
        failed, sent = body[: 2 * failing], body[2 * failing :]
        response = self._client.bulk(body=sent, **params) if sent else {"items": []}
        error = THROTTLED if self._status == 429 else MALFORMED
        items = [
            {"index": {"_id": action["index"]["_id"], "status": self._status, "error": error}}
            for action in failed[::2]
        ]
        return {"took": 1, "errors": True, "items": [*items, *response["items"]]}


@pytest.fixture
def target(opensearch_target: tuple[OpenSearch, str]) -> tuple[OpenSearch, str]:
    """Return the test's OpenSearch client and alias."""
    return opensearch_target


def test_a_throttled_bulk_item_is_retried_alone_and_then_written(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    faulty, sleeps = FaultyBulkClient(client, faults=[1]), []
    index = OpenSearchIndex(faulty, alias, refresh=True, sleep=sleeps.append)  # type: ignore[arg-type]
    report = index.upsert([work("a1"), work("a2"), work("a3")])
    assert (report.written, report.stale, report.failed) == (3, 0, 0)
    assert faulty.bulk_sizes == [3, 1]
    assert sleeps == [0.1]
    assert index.search(SearchQuery(text="harbour")).total == 3


def test_throttling_that_outlasts_the_retries_makes_the_index_unavailable(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    faulty, sleeps = FaultyBulkClient(client, faults=[1, 1, 1]), []
    index = OpenSearchIndex(faulty, alias, max_attempts=3, sleep=sleeps.append)  # type: ignore[arg-type]
    with pytest.raises(SearchUnavailable):
        index.upsert([work("a1")])
    assert sleeps == [0.1, 0.2]


def test_a_rejected_bulk_item_is_counted_failed_and_the_rest_written(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    faulty = FaultyBulkClient(client, faults=[1], status=400)
    index = OpenSearchIndex(faulty, alias, refresh=True)  # type: ignore[arg-type]
    report = index.upsert([work("a1"), work("a2"), work("a2", version=1)])
    assert (report.written, report.stale, report.failed) == (1, 1, 1)
    assert faulty.bulk_sizes == [3]


def test_an_unreachable_cluster_makes_the_index_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = OpenSearch(hosts=[f"http://127.0.0.1:{port}"], max_retries=0, timeout=1)
    index = OpenSearchIndex(client)
    with pytest.raises(SearchUnavailable):
        index.search(SearchQuery(text="harbour"))
    with pytest.raises(SearchUnavailable):
        index.upsert([work("a1")])
    with pytest.raises(SearchUnavailable):
        index.count()


def test_documents_live_in_a_timestamped_index_behind_the_alias_with_a_strict_mapping(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    OpenSearchIndex(client, alias, refresh=True).upsert([work("a1")])
    [name] = client.indices.get_alias(name=alias)
    assert name.startswith(f"{alias}-") and name[len(alias) + 1 :].isdigit()
    assert client.indices.get_mapping(index=name)[name]["mappings"]["dynamic"] == "strict"


def test_rebuild_moves_the_alias_to_a_new_index_and_deletes_the_old_one(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    index = OpenSearchIndex(client, alias, refresh=True)
    index.upsert([work("a1")])
    [old] = client.indices.get_alias(name=alias)
    assert index.rebuild([work("a2"), work("a3")]) == 2
    [new] = client.indices.get_alias(name=alias)
    assert new != old
    assert not client.indices.exists(index=old)
    assert index.count() == 2


def test_a_stamps_version_is_the_external_version_opensearch_holds(
    target: tuple[OpenSearch, str],
) -> None:
    client, alias = target
    index = OpenSearchIndex(client, alias, refresh=True)
    index.upsert([work("a1", version=3), work("a2", version=7)])
    index.rebuild([work("a1", version=3), work("a2", version=8)])
    stamped = {stamp.artwork_id: stamp.version for stamp in index.stamps()}
    held = {i: client.get(index=alias, id=i)["_version"] for i in ("a1", "a2")}
    assert stamped == held == {"a1": 3, "a2": 8}
