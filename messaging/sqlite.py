"""The queue and failure log in SQLite: the embedded adapters, with SQS semantics.

One database (`var/queue.db`, WAL) holds the queue and its dead letters in one table
(`dead` tells them apart), the failure log, and the counter that gives local S3 events
their sequencers. Every change is one `BEGIN IMMEDIATE` transaction, so several worker
processes can share the queue; a receive that is never deleted reappears after the
visibility timeout, so a worker killed mid-batch loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from messaging.heartbeat import Beat
from messaging.queue import (
    DEFAULT_MAX_RECEIVE_COUNT,
    DEFAULT_VISIBILITY_TIMEOUT,
    MAX_BATCH,
    DeadLetter,
    Failure,
    LastAttempt,
    Message,
    MoveTask,
    NoSuchMoveTask,
    QueueUnavailable,
)
from messaging.tasks import Task, TaskNotFound
from storage.sqlite import Database, unavailable_as

Clock = Callable[[], float]
POLL_INTERVAL = 0.05
SEQUENCER_WIDTH = 16

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        sent_at REAL NOT NULL,
        visible_at REAL NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT,
        dead INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS messages_ready ON messages (dead, visible_at, seq)",
    """CREATE TABLE IF NOT EXISTS failures (
        message_id TEXT PRIMARY KEY,
        error_class TEXT NOT NULL,
        error_message TEXT NOT NULL,
        at REAL NOT NULL,
        attempts INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS last_attempts (
        message_id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        sent_at REAL NOT NULL,
        receive_count INTEGER NOT NULL,
        started_at REAL NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS sequencers (n INTEGER PRIMARY KEY AUTOINCREMENT, at REAL)",
    "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS heartbeats (worker TEXT PRIMARY KEY, at REAL NOT NULL)",
)
HEARTBEAT_RETENTION = 86400


def _setup(db: sqlite3.Connection) -> None:
    """Create the tables."""
    for statement in SCHEMA:
        db.execute(statement)


def _translated() -> AbstractContextManager[None]:
    """Translate SQLite's busy, locked and I/O errors into QueueUnavailable."""
    return unavailable_as(QueueUnavailable, "queue")


class SqliteQueue:
    """A work queue and its dead-letter queue in one SQLite database."""

    reads_dead_letters_freely = True  # a SELECT: no receive is counted

    def __init__(
        self,
        path: str | Path,
        *,
        visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
        max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT,
        clock: Clock = time.time,
        database: Database | None = None,
    ) -> None:
        """Keep the queue in the database at `path`."""
        if max_receive_count < 1:
            raise ValueError("max_receive_count is at least 1")
        self._db = database or Database(path, _setup)
        self.visibility_timeout = visibility_timeout
        self.max_receive_count = max_receive_count
        self._clock = clock
        self._moves: dict[str, MoveTask] = {}

    @property
    def database(self) -> Database:
        """Return the database, for the failure log and sequencers to share."""
        return self._db

    def send(self, body: str) -> str:
        """Enqueue a message; return its id."""
        message_id = str(uuid.uuid4())
        now = self._clock()
        with _translated(), self._db.write() as db:
            db.execute(
                "INSERT INTO messages (id, body, sent_at, visible_at) VALUES (?, ?, ?, ?)",
                (message_id, body, now, now),
            )
        return message_id

    def receive(self, max_messages: int = MAX_BATCH, wait_seconds: float = 0) -> list[Message]:
        """Return up to `max_messages` visible messages; long-poll up to `wait_seconds`."""
        deadline = time.monotonic() + wait_seconds
        while True:
            messages = self._receive_once(max(1, min(max_messages, MAX_BATCH)))
            if messages or time.monotonic() >= deadline:
                return messages
            time.sleep(POLL_INTERVAL)

    def _receive_once(self, limit: int) -> list[Message]:
        """Hand out visible messages, moving those received too often to the dead letters."""
        now = self._clock()
        received: list[Message] = []
        with _translated(), self._db.write() as db:
            while len(received) < limit:
                rows = db.execute(
                    """SELECT seq, id, body, sent_at, receive_count FROM messages
                       WHERE dead = 0 AND visible_at <= ? ORDER BY seq LIMIT ?""",
                    (now, limit - len(received)),
                ).fetchall()
                if not rows:
                    break
                for seq, message_id, body, sent_at, count in rows:
                    if count >= self.max_receive_count:
                        db.execute(
                            "UPDATE messages SET dead = 1, receipt = NULL WHERE seq = ?", (seq,)
                        )
                        continue
                    receipt = f"{message_id}:{uuid.uuid4().hex}"
                    db.execute(
                        """UPDATE messages SET receive_count = ?, visible_at = ?, receipt = ?
                           WHERE seq = ?""",
                        (count + 1, now + self.visibility_timeout, receipt, seq),
                    )
                    received.append(Message(message_id, body, receipt, count + 1, sent_at))
        return received

    def delete(self, receipt: str) -> None:
        """Delete a received message; an outdated receipt deletes nothing."""
        with _translated(), self._db.write() as db:
            db.execute("DELETE FROM messages WHERE receipt = ? AND dead = 0", (receipt,))

    def release(self, receipt: str) -> None:
        """Make a received message visible again at once."""
        with _translated(), self._db.write() as db:
            db.execute(
                "UPDATE messages SET visible_at = ? WHERE receipt = ? AND dead = 0",
                (self._clock(), receipt),
            )

    def counts(self) -> dict[str, int]:
        """Return the number of messages visible, in flight and dead."""
        now = self._clock()
        with _translated():
            rows = self._db.fetch(
                """SELECT
                     sum(dead = 0 AND visible_at <= ?), sum(dead = 0 AND visible_at > ?),
                     sum(dead = 1) FROM messages""",
                (now, now),
            )
        visible, in_flight, dead = (int(value or 0) for value in rows[0])
        return {"visible": visible, "in_flight": in_flight, "dead": dead}

    def oldest_waiting_age(self) -> float | None:
        """Return how many seconds the oldest visible message has waited; None if none waits."""
        now = self._clock()
        with _translated():
            rows = self._db.fetch(
                "SELECT min(sent_at) FROM messages WHERE dead = 0 AND visible_at <= ?", (now,)
            )
        oldest = rows[0][0]
        return None if oldest is None else max(0.0, now - oldest)

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Return up to `limit` dead letters, oldest first."""
        with _translated():
            rows = self._db.fetch(
                """SELECT id, body, receive_count, sent_at FROM messages
                   WHERE dead = 1 ORDER BY seq LIMIT ?""",
                (limit,),
            )
        return [DeadLetter(*row) for row in rows]

    def redrive(self, ids: Sequence[str]) -> list[str]:
        """Move these dead letters back to the queue as fresh messages with the same id."""
        moved = []
        now = self._clock()
        with _translated(), self._db.write() as db:
            for message_id in ids:
                cursor = db.execute(
                    """UPDATE messages SET dead = 0, receive_count = 0, visible_at = ?,
                       receipt = NULL, seq = (SELECT max(seq) + 1 FROM messages)
                       WHERE id = ? AND dead = 1""",
                    (now, message_id),
                )
                if cursor.rowcount:
                    moved.append(message_id)
        return moved

    def redrive_all(self) -> MoveTask:
        """Move every dead letter back (at once: the embedded queue has no background task)."""
        ids = [letter.id for letter in self.dead_letters(limit=1_000_000)]
        moved = self.redrive(ids)
        task = MoveTask(uuid.uuid4().hex, "COMPLETED", len(moved), len(ids))
        self._moves[task.handle] = task
        return task

    def move_status(self, handle: str) -> MoveTask:
        """Return the state of a redrive started by `redrive_all`; NoSuchMoveTask if unknown."""
        task = self._moves.get(handle)
        if task is None:
            raise NoSuchMoveTask(f"no redrive task {handle}")
        return task

    def cancel_move(self, handle: str) -> MoveTask:
        """Cancel a redrive; a completed one stays completed (NoSuchMoveTask if unknown)."""
        return self.move_status(handle)

    def purge_dead_letters(self) -> int:
        """Delete every dead letter; return how many there were."""
        with _translated(), self._db.write() as db:
            return db.execute("DELETE FROM messages WHERE dead = 1").rowcount

    def next_sequencer(self) -> str:
        """Return a new S3-style sequencer (hex, increasing) for a local object event."""
        with _translated(), self._db.write() as db:
            n = db.execute("INSERT INTO sequencers (at) VALUES (?)", (self._clock(),)).lastrowid
            db.execute("DELETE FROM sequencers WHERE n < ?", (n,))
        return format(n, "X").rjust(SEQUENCER_WIDTH, "0")


class SqliteFailureLog:
    """The last error of each failed message, in the queue's database."""

    def __init__(self, database: Database) -> None:
        """Use the queue's database."""
        self._db = database

    def record(self, failure: Failure) -> None:
        """Store a message's latest failure, counting the attempts."""
        with _translated(), self._db.write() as db:
            db.execute(
                """INSERT INTO failures (message_id, error_class, error_message, at, attempts)
                   VALUES (?, ?, ?, ?, 1)
                   ON CONFLICT (message_id) DO UPDATE SET error_class = excluded.error_class,
                     error_message = excluded.error_message, at = excluded.at,
                     attempts = failures.attempts + 1""",
                (failure.message_id, failure.error_class, failure.error_message, failure.at),
            )

    def get(self, message_ids: Sequence[str]) -> dict[str, Failure]:
        """Return the failures known for these ids."""
        found: dict[str, Failure] = {}
        ids = list(message_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            with _translated():
                rows = self._db.fetch(
                    f"""SELECT message_id, error_class, error_message, at, attempts
                        FROM failures WHERE message_id IN ({", ".join("?" * len(chunk))})""",
                    chunk,
                )
            found.update((row[0], Failure(*row)) for row in rows)
        return found

    def forget(self, message_ids: Sequence[str]) -> None:
        """Drop the failures and last attempts of these messages."""
        ids = [(i,) for i in message_ids]
        with _translated(), self._db.write() as db:
            db.executemany("DELETE FROM failures WHERE message_id = ?", ids)
            db.executemany("DELETE FROM last_attempts WHERE message_id = ?", ids)

    def last_attempt(self, attempt: LastAttempt) -> None:
        """Remember a message whose last receive before the dead-letter queue has begun."""
        with _translated(), self._db.write() as db:
            db.execute(
                """INSERT OR REPLACE INTO last_attempts
                   (message_id, body, sent_at, receive_count, started_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (
                    attempt.message_id,
                    attempt.body,
                    attempt.sent_at,
                    attempt.receive_count,
                    attempt.started_at,
                ),
            )

    def last_attempts(self, limit: int = 1000) -> list[tuple[LastAttempt, Failure | None]]:
        """Return up to `limit` last attempts, oldest sent first, each with its failure."""
        with _translated():
            rows = self._db.fetch(
                """SELECT message_id, body, sent_at, receive_count, started_at
                   FROM last_attempts ORDER BY sent_at, message_id LIMIT ?""",
                (limit,),
            )
        attempts = [LastAttempt(*row) for row in rows]
        failures = self.get([a.message_id for a in attempts])
        return [(a, failures.get(a.message_id)) for a in attempts]


class SqliteTaskStore:
    """Background tasks in the queue's database."""

    def __init__(self, database: Database) -> None:
        """Use the queue's database."""
        self._db = database

    def put(self, task: Task) -> None:
        """Store (or replace) a task."""
        with _translated(), self._db.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO tasks (id, record) VALUES (?, ?)",
                (task.id, json.dumps(task.to_dict())),
            )

    def get(self, task_id: str) -> Task:
        """Return a task, or raise TaskNotFound."""
        with _translated():
            rows = self._db.fetch("SELECT record FROM tasks WHERE id = ?", (task_id,))
        if not rows:
            raise TaskNotFound(task_id)
        return Task.from_dict(json.loads(rows[0][0]))


class SqliteHeartbeats:
    """Worker heartbeats in the queue's database, one row per worker (old rows pruned)."""

    def __init__(self, database: Database, *, clock: Clock = time.time) -> None:
        """Use the queue's database."""
        self._db = database
        self._clock = clock

    def beat(self, worker: str, at: float | None = None) -> None:
        """Record that `worker` is alive now (or at `at`)."""
        when = self._clock() if at is None else at
        with _translated(), self._db.write() as db:
            db.execute(
                """INSERT INTO heartbeats (worker, at) VALUES (?, ?)
                   ON CONFLICT (worker) DO UPDATE SET at = max(heartbeats.at, excluded.at)""",
                (worker, when),
            )
            db.execute("DELETE FROM heartbeats WHERE at < ?", (when - HEARTBEAT_RETENTION,))

    def newest(self) -> Beat | None:
        """Return the most recent beat of any worker."""
        with _translated():
            rows = self._db.fetch(
                "SELECT worker, at FROM heartbeats ORDER BY at DESC, worker LIMIT 1", ()
            )
        return Beat(*rows[0]) if rows else None
