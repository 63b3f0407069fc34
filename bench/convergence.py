"""Benchmark how soon search reflects a change, steadily and after an index outage.

`make bench-convergence`. On the embedded backend (a fresh data directory), with the real
worker loop draining the change log through the indexer handler:

- **steady**: works are retitled at a steady rate while the index is up; the latency is from
  the committed change to the moment its new version is in the index (p50, p95, max);
- **after an outage**: the index is down while as many works are retitled; the latency is
  from the end of the outage (or the change, if later) to the moment the new version is in
  the index; and the time from the end of the outage until search holds every change.

A watcher polls the index's document stamps every 20 ms, so figures carry about 20 ms of
resolution. The ratio "after / steady" is printed too; both phases run in the same process.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copper.worker import ChangeFeed, Worker
from handlers.index_changes import build_handler
from search.errors import SearchUnavailable
from search.sqlite import SqliteSearchIndex
from service.bootstrap import build_services
from service.settings import ServiceSettings

WATCH_INTERVAL = 0.02


class OutageIndex:
    """The real SQLite index, refusing every call while `down` (a simulated outage)."""

    def __init__(self, inner: SqliteSearchIndex) -> None:
        """Wrap the real index."""
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        """Forward to the real index, or raise SearchUnavailable while down."""
        attribute = getattr(self.inner, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise SearchUnavailable("the search index is down (benchmark outage)")
            return attribute(*args, **kwargs)

        return call


@dataclass
class Watcher:
    """Notes when each awaited (work, version) first shows in the index."""

    index: SqliteSearchIndex
    awaited: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, int], float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expect(self, artwork_id: str, version: int) -> None:
        """Wait for this version of a work to be searchable."""
        with self.lock:
            self.awaited[artwork_id] = version

    def run(self, stop: threading.Event) -> None:
        """Poll the index's stamps until stopped."""
        while not stop.is_set():
            now = time.monotonic()
            stamps = {stamp.artwork_id: stamp.version for stamp in self.index.stamps()}
            with self.lock:
                for artwork_id, version in list(self.awaited.items()):
                    if stamps.get(artwork_id, 0) >= version:
                        self.seen[(artwork_id, version)] = now
                        del self.awaited[artwork_id]
            stop.wait(WATCH_INTERVAL)

    def wait_all(self, timeout: float) -> None:
        """Wait until nothing awaited is missing (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while self.awaited and time.monotonic() < deadline:
            time.sleep(WATCH_INTERVAL)
        if self.awaited:
            raise RuntimeError(f"{len(self.awaited)} changes never became searchable")


def retitle(services: Any, artist_id: str, works: list[str], rate: float) -> Iterator[tuple]:
    """Retitle each work once at `rate` per second; yield (work, version, commit time)."""
    for number, artwork_id in enumerate(works):
        title = f"Proof state {number} {secrets.token_hex(3)}"
        saved = services.artworks.edit(artist_id, artwork_id, {"title": title})
        yield artwork_id, saved.version, time.monotonic()
        time.sleep(1 / rate)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """Return p50, p95 and max, in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


def run(works: int, rate: float, outage: float) -> None:
    """Measure both phases and print the figures."""
    with tempfile.TemporaryDirectory(prefix="copper-bench-convergence-") as folder:
        settings = ServiceSettings(data_dir=folder, token_secret=secrets.token_urlsafe(40))
        real = SqliteSearchIndex(Path(folder) / "search.db")
        index = OutageIndex(real)
        services = build_services(settings, search=index)  # type: ignore[arg-type]
        artist = services.accounts.register("bench@example.com", secrets.token_urlsafe(16), "B")
        ids = [services.artworks.create(artist.id, {"title": f"W{n}"}).id for n in range(works)]
        feed = ChangeFeed(services.changes, build_handler(lambda: services.indexer))  # type: ignore[arg-type]
        worker = Worker(services.queue, lambda event, context: {}, changes=feed)
        watcher = Watcher(real)
        stop = threading.Event()
        threads = [
            threading.Thread(target=worker.run, args=(stop,), daemon=True),
            threading.Thread(target=watcher.run, args=(stop,), daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            feed.drain()
            steady = phase(services, artist.id, ids, rate, watcher, index, outage=0)
            after, catch_up = phase(services, artist.id, ids, rate, watcher, index, outage)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
    report(works, rate, outage, steady, after, catch_up)


def phase(
    services: Any,
    artist_id: str,
    ids: list[str],
    rate: float,
    watcher: Watcher,
    index: OutageIndex,
    outage: float,
) -> Any:
    """Retitle every work (during an outage of `outage` s, if given); return the latencies."""
    index.down = outage > 0
    started = time.monotonic()
    commits = []
    for artwork_id, version, committed in retitle(services, artist_id, ids, rate):
        watcher.expect(artwork_id, version)
        commits.append((artwork_id, version, committed))
    if outage:
        time.sleep(max(0.0, outage - (time.monotonic() - started)))
        index.down = False
    ended = time.monotonic()
    watcher.wait_all(timeout=120)
    latencies = [
        watcher.seen[(artwork_id, version)] - max(committed, ended if outage else committed)
        for artwork_id, version, committed in commits
    ]
    if not outage:
        return latencies
    return latencies, max(watcher.seen[(a, v)] for a, v, _ in commits) - ended


def report(
    works: int,
    rate: float,
    outage: float,
    steady: list[float],
    after: list[float],
    catch_up: float,
) -> None:
    """Print the figures as a small table."""
    s50, s95, smax = percentiles(steady)
    a50, a95, amax = percentiles(after)
    print(f"change-to-searchable, {works} changes per phase at {rate:g}/s, outage {outage:g} s")
    print(f"{'phase':28}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(f"{'steady (index up)':28}{s50:>10.0f}{s95:>10.0f}{smax:>10.0f}")
    print(f"{'after the outage ends':28}{a50:>10.0f}{a95:>10.0f}{amax:>10.0f}")
    print(f"ratio after/steady: p50 {a50 / s50:.2f}x, p95 {a95 / s95:.2f}x")
    print(f"every change searchable {catch_up * 1000:.0f} ms after the outage ended")


def main() -> None:
    """Parse the options and run the benchmark (the handler's metrics are not printed)."""
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    for name in ("copper-indexer", "copper.worker"):  # the outage's expected failures
        logging.getLogger(name).setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--works", type=int, default=100, help="changes per phase")
    parser.add_argument("--rate", type=float, default=20.0, help="changes per second")
    parser.add_argument("--outage", type=float, default=10.0, help="outage length, seconds")
    options = parser.parse_args()
    run(options.works, options.rate, options.outage)


if __name__ == "__main__":
    main()
