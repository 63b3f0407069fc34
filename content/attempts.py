"""Attempt limits: failed log-ins counted per account and per client, in the content store.

`AttemptLog` is the port: counters that live for a window and then expire (an SQLite table
with an expiry column, or DynamoDB items with a TTL). `LoginGuard` is the policy over it:
after `account` failures for one e-mail address, or `client` failures from one address,
within `window` seconds, further tries wait until the window ends, and are refused before
any password is checked. A successful log-in clears the account's counter.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from content.repository import email_key


@dataclass(frozen=True)
class Tally:
    """A counter: how many attempts in its window, and when the window ends (epoch seconds)."""

    count: int
    expires_at: float


class AttemptLog(Protocol):
    """Counters of attempts that expire at the end of their window."""

    def tally(self, key: str, now: float) -> Tally:
        """Return the live counter of `key` (count 0 when none, or expired at `now`)."""
        ...

    def add(self, key: str, window: float, now: float) -> Tally:
        """Count one attempt; start a window of `window` seconds when none is live at `now`."""
        ...

    def clear(self, key: str) -> None:
        """Forget the counter of `key`."""
        ...


@dataclass(frozen=True)
class AttemptLimits:
    """How many failures an account and a client may make in one window (0: no limit)."""

    account: int = 5
    client: int = 20
    window: float = 900.0


def window_end(now: float, window: float) -> float:
    """Return when a window opened at `now` ends: whole seconds (a DynamoDB TTL's unit)."""
    return float(math.floor(now + window))


def account_key(email: object) -> str:
    """Return the counter key of an e-mail address (hashed: tried addresses are not stored)."""
    normal = email_key(str(email).strip())
    return "account:" + hashlib.sha256(normal.encode("utf-8", "replace")).hexdigest()[:32]


def client_key(client: str) -> str:
    """Return the counter key of a client address."""
    return "client:" + (client or "unknown")[:64]


class LoginGuard:
    """The attempt policy of log-in and registration over an `AttemptLog`."""

    def __init__(
        self,
        log: AttemptLog,
        limits: AttemptLimits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.log = log
        self.limits = limits or AttemptLimits()
        self.clock = clock

    def counters(self, email: object | None, client: str) -> list[tuple[str, int]]:
        """Return the counters an attempt touches, each with its limit (limits of 0 are off)."""
        found = [(client_key(client), self.limits.client)]
        if email is not None:
            found.append((account_key(email), self.limits.account))
        return [(key, limit) for key, limit in found if limit > 0]

    def wait_seconds(self, email: object | None, client: str) -> int:
        """Return how long the caller must wait before trying again (0: go ahead)."""
        now = self.clock()
        wait = 0.0
        for key, limit in self.counters(email, client):
            tally = self.log.tally(key, now)
            if tally.count >= limit:
                wait = max(wait, tally.expires_at - now)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def failed(self, email: object | None, client: str) -> None:
        """Count a failed attempt against the account (when given) and the client."""
        now = self.clock()
        for key, _ in self.counters(email, client):
            self.log.add(key, self.limits.window, now)

    def succeeded(self, email: object) -> None:
        """Forget the account's failures (the client's stay counted)."""
        self.log.clear(account_key(email))
