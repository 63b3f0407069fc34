"""Fixtures of the search index contract: one `index` per adapter, each empty.

`unreachable_index` is each adapter with nothing behind it: a database file that cannot be
opened, a cluster on a port where nobody listens.

OpenSearch is an osmem-server clone per test, or the cluster at OPENSEARCH_URL when that
is set (each test then gets its own alias, and its indices are deleted afterwards).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from search.index import SearchIndex
from search.opensearch import OpenSearchIndex
from search.sqlite import SqliteSearchIndex


@pytest.fixture
def opensearch_target(request: pytest.FixtureRequest) -> Iterator[tuple[OpenSearch, str]]:
    """Yield an OpenSearch client and an alias no other test uses."""
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        clone = request.getfixturevalue("osmem_clone")
        yield OpenSearch(hosts=[clone.url]), "artworks"
        return
    client = OpenSearch(hosts=[url])
    alias = f"test-artworks-{uuid.uuid4().hex[:12]}"
    yield client, alias
    for name in client.indices.get(index=f"{alias}-*"):
        client.indices.delete(index=name)


@pytest.fixture
def opensearch_index(opensearch_target: tuple[OpenSearch, str]) -> OpenSearchIndex:
    """Return an OpenSearch index that refreshes on every write (searches see it at once)."""
    client, alias = opensearch_target
    return OpenSearchIndex(client, alias, refresh=True, sleep=lambda seconds: None)


@pytest.fixture
def sqlite_index(tmp_path: Path) -> Iterator[SqliteSearchIndex]:
    """Yield a SQLite search index in a fresh database file."""
    index = SqliteSearchIndex(tmp_path / "search.db")
    yield index
    index.close()


@pytest.fixture(params=["sqlite", "opensearch"])
def index(request: pytest.FixtureRequest) -> SearchIndex:
    """Return each search index adapter in turn, empty."""
    return request.getfixturevalue(f"{request.param}_index")


@pytest.fixture(params=["sqlite", "opensearch"])
def unreachable_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """Yield each search index adapter in turn with its storage out of reach."""
    if request.param == "sqlite":
        index = SqliteSearchIndex(tmp_path / "missing" / "search.db")
        yield index
        index.close()
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield OpenSearchIndex(OpenSearch(hosts=[f"http://127.0.0.1:{port}"], max_retries=0, timeout=1))
