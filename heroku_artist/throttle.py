"""Log-in throttling: failed attempts per address and e-mail in a small in-memory window."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginThrottle:
    """Counts failed log-ins per (address, e-mail) and per address within a sliding window."""

    def __init__(
        self,
        attempts: int = 5,
        window_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    def keys(self, address: str, email: str) -> list[tuple[tuple[str, ...], int]]:
        """Return the counters an attempt touches, each with its limit."""
        return [
            (("pair", address, email.strip().lower()), self.attempts),
            (("address", address), self.attempts * 4),
        ]

    def wait_seconds(self, address: str, email: str) -> int:
        """Return how long this address must wait before trying this e-mail again (0: go)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key, limit in self.keys(address, email):
                failures = self._prune(key, now)
                if len(failures) >= limit:
                    wait = max(wait, failures[0] + self.window - now)
        return int(wait + 0.999)

    def failed(self, address: str, email: str) -> None:
        """Record a failed attempt."""
        now = self.clock()
        with self._lock:
            for key, _ in self.keys(address, email):
                failures = self._prune(key, now)
                failures.append(now)
                self._failures[key] = failures

    def succeeded(self, address: str, email: str) -> None:
        """Forget the failures of this address and e-mail after a successful log-in."""
        with self._lock:
            self._failures.pop(self.keys(address, email)[0][0], None)

    def _prune(self, key: tuple[str, ...], now: float) -> deque[float]:
        """Drop failures older than the window; forget a key with none left."""
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures
