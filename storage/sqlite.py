"""SQLite plumbing for the embedded adapters: one connection per database, one user at a time."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Primary result codes that mean "busy, locked or unreachable": transient, retry later.
UNAVAILABLE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_PROTOCOL,
    }
)

Connect = Callable[..., sqlite3.Connection]
Setup = Callable[[sqlite3.Connection], None]


def is_unavailable(error: sqlite3.OperationalError) -> bool:
    """Return whether an SQLite error means busy, locked or unreachable (by result code)."""
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in UNAVAILABLE_CODES


@contextmanager
def unavailable_as(error: Callable[[str], Exception], what: str) -> Iterator[None]:
    """Raise `error` for SQLite's busy, locked and I/O errors in the body; others pass."""
    try:
        yield
    except sqlite3.OperationalError as e:
        if is_unavailable(e):
            raise error(f"{what} unavailable: {e.sqlite_errorname}") from e
        raise


class Database:
    """One WAL connection shared by a process's threads under a lock; no connection per thread.

    A threaded HTTP server starts a thread per request, so per-thread connections would leak;
    other processes wait for SQLite's lock up to `busy_timeout`.
    """

    def __init__(
        self,
        path: str | Path,
        setup: Setup,
        *,
        connect: Connect = sqlite3.connect,
        busy_timeout: float = 5.0,
    ) -> None:
        self._path = str(path)
        self._setup = setup
        self._connect = connect
        self._busy_timeout_ms = int(busy_timeout * 1000)
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close the connection; the next use opens it again."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run the body in a `BEGIN IMMEDIATE` transaction; commit on success, else roll back."""
        with self._lock:
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Run the body in one read transaction, so it sees a single state throughout."""
        with self._lock:
            db = self._connection()
            db.execute("BEGIN")
            try:
                yield db
            finally:
                if db.in_transaction:
                    db.execute("COMMIT")

    def fetch(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Return every row of one query."""
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    def _connection(self) -> sqlite3.Connection:
        """Return the open connection, opening it (and running the setup) on first use."""
        if self._db is None:
            db = self._connect(
                self._path,
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                db.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                self._setup(db)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db
