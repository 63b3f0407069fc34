"""The embedded adapters share one SQLite connection per database across threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from content.sqlite import SqliteContentRepository
from search.query import SearchQuery
from search.sqlite import SqliteSearchIndex


class CountingConnect:
    """A `connect` that counts the connections it opens."""

    def __init__(self) -> None:
        self.opened = 0

    def __call__(self, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        self.opened += 1
        return sqlite3.connect(*args, **kwargs)


def from_many_threads(action: Any, count: int = 40) -> None:
    """Run `action` once in each of `count` short-lived threads, as a threaded server does."""
    threads = [threading.Thread(target=action) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_request_per_thread_does_not_open_a_connection_per_thread(tmp_path: Path) -> None:
    content_connect, search_connect = CountingConnect(), CountingConnect()
    repository = SqliteContentRepository(tmp_path / "content.db", connect=content_connect)
    index = SqliteSearchIndex(tmp_path / "search.db", connect=search_connect)
    from_many_threads(lambda: repository.list_published())
    from_many_threads(lambda: index.search(SearchQuery(text="anything")))
    assert (content_connect.opened, search_connect.opened) == (1, 1)
