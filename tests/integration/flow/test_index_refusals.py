"""Real OpenSearch refusals on the AWS flow: throttled and refused documents are never dropped.

The OpenSearch client is wrapped so that the bulk items of chosen works come back with a
429 (throttled) or a 400 (refused) every time, as a struggling or misconfigured cluster
answers; everything else reaches the OpenSearch-compatible server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opensearchpy import OpenSearch

from content.model import Status

from .conftest import CORRUPT_JPEG, Flow, aws_flow_on

ERRORS = {
    429: {"type": "es_rejected_execution_exception", "reason": "rejected execution"},
    400: {"type": "mapper_parsing_exception", "reason": "failed to parse field [year]"},
}


class RefusingBulkClient:
    """An OpenSearch client whose bulk items for the `refused` ids get `status`, every time."""

    def __init__(self, client: OpenSearch, status: int) -> None:
        """Wrap a real client."""
        self._client = client
        self.status = status
        self.refused: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        """Delegate everything but bulk to the real client."""
        return getattr(self._client, name)

    def bulk(self, body: list[dict[str, Any]], **params: Any) -> dict[str, Any]:
        """Answer the refused items with the error status; send the rest on."""
        pairs = list(zip(body[::2], body[1::2], strict=True))
        refused = [pair for pair in pairs if pair[0]["index"]["_id"] in self.refused]
        sent = [line for pair in pairs if pair not in refused for line in pair]
        response = self._client.bulk(body=sent, **params) if sent else {"items": []}
        items = [
            {
                "index": {
                    "_id": action["index"]["_id"],
                    "status": self.status,
                    "error": ERRORS[self.status],
                }
            }
            for action, _ in refused
        ]
        return {"took": 1, "errors": bool(items), "items": [*items, *response["items"]]}


def indexed_version(client: RefusingBulkClient, artwork_id: str) -> int:
    """Return the version of a work's stored search document."""
    return int(client.get(index="artworks", id=artwork_id)["_source"]["version"])


def refusing_flow(
    request: pytest.FixtureRequest, status: int
) -> Iterator[tuple[Flow, RefusingBulkClient]]:
    """Yield the AWS flow whose index client refuses chosen works with `status`."""
    wrapped: list[RefusingBulkClient] = []

    def wrap(client: OpenSearch) -> RefusingBulkClient:
        wrapped.append(RefusingBulkClient(client, status))
        return wrapped[0]

    url = request.getfixturevalue("osmem_clone").url
    with aws_flow_on(url, wrap, max_attempts=3, sleep=lambda _: None) as flow:
        yield flow, wrapped[0]


@pytest.fixture
def throttling(
    aws_environment: None, request: pytest.FixtureRequest
) -> Iterator[tuple[Flow, RefusingBulkClient]]:
    """Return the AWS flow with an index that throttles chosen works."""
    yield from refusing_flow(request, 429)


@pytest.fixture
def refusing(
    aws_environment: None, request: pytest.FixtureRequest
) -> Iterator[tuple[Flow, RefusingBulkClient]]:
    """Return the AWS flow with an index that refuses chosen works' documents."""
    yield from refusing_flow(request, 400)


def test_a_throttled_document_fails_only_its_stream_record_and_converges_once_it_recovers(
    throttling: tuple[Flow, RefusingBulkClient],
) -> None:
    # GIVEN a good image, a corrupt one, and one whose document OpenSearch keeps throttling
    flow, client = throttling
    artist = flow.artist()
    good, corrupt, throttled = (flow.artwork(artist, t) for t in "ABC")
    flow.store_original(good)
    flow.store_original(throttled)
    flow.store_original(corrupt, CORRUPT_JPEG)
    client.refused.add(throttled.id)
    for artwork in (good, corrupt, throttled):
        flow.send("created", artwork, "0A")
    # WHEN the uploads are processed and the table's stream reaches the indexer
    flow.drain(search=False)
    # THEN processing never waited on the index: every work has its outcome
    assert flow.record(good).status is Status.READY
    assert flow.record(throttled).status is Status.READY
    assert flow.record(corrupt).status is Status.REJECTED
    # AND only the throttled work's stream records failed (after the adapter's own retries)
    assert indexed_version(client, good.id) == flow.record(good).version
    assert throttled.id not in {stamp.artwork_id for stamp in flow.index.inner.stamps()}
    assert not flow.audit().ok  # the audit sees the missing document
    # AND once the cluster recovers, the retried stream records converge without a reindex
    client.refused.clear()
    flow.drain()
    assert indexed_version(client, throttled.id) == flow.record(throttled).version
    assert flow.audit().ok


def test_a_document_the_index_refuses_is_retried_not_silently_dropped_and_the_audit_repairs_it(
    refusing: tuple[Flow, RefusingBulkClient],
) -> None:
    # GIVEN an index that refuses one work's document (a mapping error, not a throttle)
    flow, client = refusing
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    client.refused.add(artwork.id)
    flow.send("created", artwork, "0A")
    flow.drain(search=False)
    # THEN the work is ready, its document is missing, and the audit says so
    record = flow.record(artwork)
    assert record.status is Status.READY
    report = flow.audit()
    assert [(f.kind, f.artwork_id) for f in report.unresolved] == [("search_drift", artwork.id)]
    # AND a repair the index still refuses leaves the finding standing (the audit goes on)
    refused = flow.audit(repair=True)
    assert [f.kind for f in refused.unresolved] == ["search_drift"] and refused.repaired == []
    # WHEN the mapping is fixed and the audit repairs, the work is searchable
    client.refused.clear()
    assert flow.audit(repair=True).ok
    assert indexed_version(client, artwork.id) == flow.record(artwork).version
    assert flow.audit().ok
