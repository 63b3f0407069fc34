"""On AWS the indexer's writes do not wait for a refresh; a rebuild refreshes once, at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from opensearchpy import Transport

from search.document import SearchDocument
from search.opensearch import OpenSearchIndex
from service.adapters.aws import aws_adapters
from service.settings import ServiceSettings
from tests.integration.messaging.conftest import sqs_queues

Request = tuple[str, str, dict[str, Any]]


def work(artwork_id: str, version: int = 1) -> SearchDocument:
    """Return a visible work."""
    return SearchDocument(
        artwork_id, "artist-ada", "ada", "Ada Quill", "Harbour", visible=True, version=version
    )


@pytest.fixture
def requests_sent(monkeypatch: pytest.MonkeyPatch) -> list[Request]:
    """Record every request any OpenSearch client sends: method, path and query parameters."""
    sent: list[Request] = []
    real = Transport.perform_request

    def recording(self: Transport, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append((method, url, dict(kwargs.get("params") or {})))
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(Transport, "perform_request", recording)
    return sent


@pytest.fixture
def aws_index(aws_environment: None, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Yield the search index exactly as the AWS adapter family builds it (on osmem)."""
    url = request.getfixturevalue("osmem_clone").url
    with mock_aws():
        queue_url, dead_url = sqs_queues(boto3.client("sqs"))
        settings = ServiceSettings(
            backend="aws",
            opensearch_url=url,
            opensearch_signing=False,
            queue_url=queue_url,
            dead_letter_queue_url=dead_url,
        )
        yield aws_adapters(settings).search


def waits(requests: list[Request]) -> list[Request]:
    """Return the requests that ask OpenSearch to refresh before answering."""
    return [r for r in requests if refresh_of(r[2]) != "false"]


def refresh_of(params: dict[str, Any]) -> str:
    """Return a request's refresh parameter as text ("false" when absent)."""
    value = params.get("refresh", "false")
    return (value.decode() if isinstance(value, bytes) else str(value)).lower()


def test_the_indexers_writes_on_aws_never_wait_for_a_refresh(
    aws_index: OpenSearchIndex, requests_sent: list[Request]
) -> None:
    aws_index.upsert([work("a1"), work("a2")])
    aws_index.delete("a1", 2)
    writes = [r for r in requests_sent if r[1].endswith("/_bulk") or "/_doc/" in r[1]]
    assert len(writes) == 2
    assert waits(writes) == []


def test_a_rebuild_refreshes_its_new_index_once_before_the_swap(
    aws_index: OpenSearchIndex, requests_sent: list[Request]
) -> None:
    aws_index.rebuild([work("a1"), work("a2")])
    assert waits(requests_sent) == []
    refreshes = [r for r in requests_sent if r[1].endswith("/_refresh")]
    assert len(refreshes) == 1
    assert aws_index.count() == 2


def test_a_test_index_can_still_ask_every_write_to_be_visible_at_once(
    requests_sent: list[Request], opensearch_target: Any
) -> None:
    client, alias = opensearch_target
    OpenSearchIndex(client, alias, refresh=True).upsert([work("a1")])
    assert waits(requests_sent)
