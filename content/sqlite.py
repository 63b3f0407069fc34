"""The content store in one SQLite file: the embedded adapter of `ContentRepository`.

Records are stored as JSON next to the columns that queries and conditions need.
Writes run in `BEGIN IMMEDIATE` transactions, so checks and writes are atomic. Every write
of a record also appends to the `changes` table in the same transaction (a transactional
outbox): the embedded change stream that keeps the search index in step
(`SqliteChangeLog`). The `attempts` table holds the attempt counters (`SqliteAttemptLog`),
each with its expiry. One
connection per repository, used under a lock, so threads (a Flask dev server) may share it
without leaking a connection per thread; other processes wait up to `busy_timeout`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from content.attempts import Tally, window_end
from content.changes import Backlog, Change, retry_delay
from content.codec import artist_from_plain, artwork_from_plain, to_plain
from content.cursor import (
    artists_after,
    artists_page,
    by_artist_after,
    by_artist_page,
    page_limit,
    published_after,
    published_key,
    published_page,
)
from content.model import (
    Artist,
    Artwork,
    now,
)
from content.repository import (
    DEFAULT_PAGE_SIZE,
    Conflict,
    NameTaken,
    NotFound,
    Page,
    SlugTaken,
    StoreUnavailable,
    VersionConflict,
    check_event_applies,
    check_event_record,
    check_version,
    email_key,
    guarded_name,
    public_by_slug,
    visible_artwork,
)
from storage.sqlite import Connect, Database, unavailable_as

SCHEMA = """
CREATE TABLE IF NOT EXISTS artists (
    id TEXT PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS artworks (
    id TEXT PRIMARY KEY,
    artist_id TEXT NOT NULL,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    published_at TEXT,
    published_key TEXT,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS artworks_by_artist ON artworks (artist_id, id);
CREATE INDEX IF NOT EXISTS artworks_published ON artworks (published_key)
    WHERE published_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    at REAL NOT NULL,
    visible_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS changes_due ON changes (visible_at, seq);
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_expiry ON attempts (expires_at);
"""


class SqliteContentRepository:
    """Artists and artworks in one SQLite database file (WAL mode)."""

    def __init__(
        self,
        path: str | Path,
        *,
        connect: Connect = sqlite3.connect,
        busy_timeout: float = 5.0,
    ) -> None:
        """Remember where the database lives; connect (and create the schema) on first use."""
        self._database = Database(path, create_schema, connect=connect, busy_timeout=busy_timeout)

    @property
    def database(self) -> Database:
        """Return the database, for the change log to share."""
        return self._database

    def close(self) -> None:
        """Close the connection; the next call opens a new one."""
        self._database.close()

    # artists

    def add_artist(self, artist: Artist) -> None:
        """Store a new artist; Conflict if the id, email or slug is taken."""
        with self._write() as db:
            _refuse_taken(db, artist, new=True)
            db.execute(
                "INSERT INTO artists (id, email_key, slug, name_key, version, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    artist.id,
                    email_key(artist.email),
                    artist.slug,
                    guarded_name(artist),
                    artist.version,
                    _dump(artist),
                ),
            )
            _log_change(db, "artist", artist.id)

    def get_artist(self, artist_id: str) -> Artist:
        """Return an artist by id, or raise NotFound."""
        return self._one_artist("id", artist_id)

    def find_artist_by_email(self, email: str) -> Artist:
        """Return an artist by e-mail (case-insensitive), or raise NotFound."""
        return self._one_artist("email_key", email_key(email))

    def find_artist_by_slug(self, slug: str) -> Artist:
        """Return an artist by slug, or raise NotFound."""
        return self._one_artist("slug", slug)

    def update_artist(self, artist: Artist, expected_version: int) -> Artist:
        """Replace an artist if its stored version is `expected_version`; return it at +1."""
        saved = replace(artist, version=expected_version + 1, updated_at=now())
        with self._write() as db:
            row = db.execute("SELECT version FROM artists WHERE id = ?", (artist.id,)).fetchone()
            if row is None:
                raise NotFound(f"no artist {artist.id}")
            if row[0] != expected_version:
                raise VersionConflict(f"artist {artist.id} is at version {row[0]}")
            _refuse_taken(db, artist, new=False)
            db.execute(
                "UPDATE artists SET email_key = ?, slug = ?, name_key = ?, version = ?, record = ?"
                " WHERE id = ?",
                (
                    email_key(saved.email),
                    saved.slug,
                    guarded_name(saved),
                    saved.version,
                    _dump(saved),
                    saved.id,
                ),
            )
            _log_change(db, "artist", saved.id)
        return saved

    def list_artists(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artist]:
        """Return artists ordered by slug."""
        size = page_limit(limit)
        after = artists_after(cursor)[0] if cursor is not None else None
        sql = "SELECT record FROM artists"
        params: list[Any] = []
        if after is not None:
            sql += " WHERE slug > ?"
            params.append(after)
        rows = self._fetch(sql + " ORDER BY slug LIMIT ?", [*params, size + 1])
        artists = [_load_artist(row[0]) for row in rows]
        return artists_page(artists, size)

    # artworks

    def add_artwork(self, artwork: Artwork) -> None:
        """Store a new artwork; Conflict if the id exists."""
        with self._write() as db:
            if db.execute("SELECT 1 FROM artworks WHERE id = ?", (artwork.id,)).fetchone():
                raise Conflict(f"artwork {artwork.id} exists")
            _insert_artwork(db, artwork)

    def get_artwork(self, artwork_id: str, owner_id: str | None = None) -> Artwork:
        """Return an artwork; NotFound if missing or, when `owner_id` is given, not theirs."""
        rows = self._fetch("SELECT record FROM artworks WHERE id = ?", [artwork_id])
        return visible_artwork(_load_artwork(rows[0][0]) if rows else None, artwork_id, owner_id)

    def find_public_artwork(self, artist_id: str, slug: str) -> Artwork:
        """Return the artist's ready, published work under `slug`, or raise NotFound."""
        rows = self._fetch(
            "SELECT record FROM artworks WHERE artist_id = ? AND slug = ?", [artist_id, slug]
        )
        return public_by_slug(_load_artwork(rows[0][0]) if rows else None, artist_id, slug)

    def save_artwork(
        self, artwork: Artwork, expected_version: int, owner_id: str | None = None
    ) -> Artwork:
        """Replace an artwork if its version (and owner, when given) match; return it at +1."""
        saved = replace(artwork, version=expected_version + 1, updated_at=now())
        with self._write() as db:
            check_version(_stored_artwork(db, artwork.id, owner_id), expected_version)
            _replace_artwork(db, saved)
        return saved

    def apply_event(self, artwork: Artwork, expected_version: int, sequencer: str) -> Artwork:
        """Save a change caused by an S3 event unless `sequencer` is not newer than the stored."""
        original = check_event_record(artwork, sequencer)
        saved = replace(artwork, version=expected_version + 1, updated_at=now())
        with self._write() as db:
            stored = _stored_artwork(db, artwork.id, None)
            check_event_applies(stored, expected_version, sequencer, original.key)
            _replace_artwork(db, saved)
        return saved

    def list_by_artist(
        self,
        artist_id: str,
        *,
        include_drafts: bool,
        cursor: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
    ) -> Page[Artwork]:
        """Return an artist's works, newest first (by id); only public ones unless drafts."""
        size = page_limit(limit)
        sql = "SELECT record FROM artworks WHERE artist_id = ?"
        params: list[Any] = [artist_id]
        if not include_drafts:
            sql += " AND published_key IS NOT NULL"
        if cursor is not None:
            sql += " AND id < ?"
            params.append(by_artist_after(cursor, artist_id))
        rows = self._fetch(sql + " ORDER BY id DESC LIMIT ?", [*params, size + 1])
        works = [_load_artwork(row[0]) for row in rows]
        return by_artist_page(works, size)

    def list_published(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artwork]:
        """Return ready, published works, newest published first."""
        size = page_limit(limit)
        sql = "SELECT record FROM artworks WHERE published_key IS NOT NULL"
        params: list[Any] = []
        if cursor is not None:
            sql += " AND published_key < ?"
            params.append(published_after(cursor)[0])
        rows = self._fetch(sql + " ORDER BY published_key DESC LIMIT ?", [*params, size + 1])
        works = [_load_artwork(row[0]) for row in rows]
        return published_page(works, size)

    def list_overdue(self, at: str, limit: int = 500) -> list[Artwork]:
        """Return up to `limit` works whose deadline is at or before `at`, earliest first."""
        rows = self._fetch(
            """SELECT record FROM artworks WHERE json_extract(record, '$.deadline') <= ?
               ORDER BY json_extract(record, '$.deadline'), id LIMIT ?""",
            [at, limit],
        )
        return [_load_artwork(row[0]) for row in rows]

    def iter_artworks(self) -> Iterator[Artwork]:
        """Yield every artwork (any status), in id order, a batch at a time."""
        after = ""
        while True:
            rows = self._fetch(
                "SELECT id, record FROM artworks WHERE id > ? ORDER BY id LIMIT ?",
                [after, 500],
            )
            yield from (_load_artwork(row[1]) for row in rows)
            if len(rows) < 500:
                return
            after = rows[-1][0]

    # plumbing

    def _one_artist(self, column: str, value: str) -> Artist:
        """Return the artist whose unique `column` holds `value`, or raise NotFound."""
        rows = self._fetch(f"SELECT record FROM artists WHERE {column} = ?", [value])
        if not rows:
            raise NotFound(f"no artist with that {column}")
        return _load_artist(rows[0][0])

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with _translated():
            return self._database.fetch(sql, params)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run the body in a `BEGIN IMMEDIATE` transaction; commit on success."""
        with _translated(), self._database.write() as db:
            yield db


def create_schema(db: sqlite3.Connection) -> None:
    """Create the content store's tables where they do not exist, and the later columns."""
    db.executescript(SCHEMA)
    columns = {row[1] for row in db.execute("PRAGMA table_info(artists)")}
    if "name_key" not in columns:
        add_name_keys(db)
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS artists_by_name ON artists (name_key)")
    add_work_slugs(db)


def add_work_slugs(db: sqlite3.Connection) -> None:
    """Add the work slug column (NULL until a work has one) and its per-artist unique index."""
    if "slug" not in {row[1] for row in db.execute("PRAGMA table_info(artworks)")}:
        db.execute("ALTER TABLE artworks ADD COLUMN slug TEXT")
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS artworks_by_slug ON artworks (artist_id, slug)"
        " WHERE slug IS NOT NULL"
    )


def add_name_keys(db: sqlite3.Connection) -> None:
    """Add the display-name column to an older database; a name held twice keeps the first."""
    db.execute("ALTER TABLE artists ADD COLUMN name_key TEXT")
    seen: set[str] = set()
    for artist_id, record in db.execute("SELECT id, record FROM artists ORDER BY id").fetchall():
        key = guarded_name(_load_artist(record))
        if key is not None and key not in seen:
            seen.add(key)
            db.execute("UPDATE artists SET name_key = ? WHERE id = ?", (key, artist_id))


@contextmanager
def _translated() -> Iterator[None]:
    """Translate busy, locked and I/O errors into StoreUnavailable, broken rules into Conflict."""
    try:
        with unavailable_as(StoreUnavailable, "content store"):
            yield
    except sqlite3.IntegrityError as e:
        raise Conflict("a uniqueness rule was broken") from e


def _refuse_taken(db: sqlite3.Connection, artist: Artist, *, new: bool) -> None:
    """Raise NameTaken or Conflict if another record holds one of the artist's unique fields."""
    taken = _taken_artist_field(db, artist, new=new)
    if taken == "name":
        raise NameTaken(f"artist name {artist.display_name!r} is taken")
    if taken:
        raise Conflict(f"artist {taken} is taken")


def _taken_artist_field(db: sqlite3.Connection, artist: Artist, *, new: bool) -> str | None:
    """Return which of the artist's unique fields another record holds, if any."""
    if new and db.execute("SELECT 1 FROM artists WHERE id = ?", (artist.id,)).fetchone():
        return "id"
    checks = (
        ("email", "email_key", email_key(artist.email)),
        ("name", "name_key", guarded_name(artist)),
        ("slug", "slug", artist.slug),
    )
    for name, column, value in checks:
        sql = f"SELECT 1 FROM artists WHERE {column} = ? AND id != ?"
        if db.execute(sql, (value, artist.id)).fetchone():
            return name
    return None


def _stored_artwork(db: sqlite3.Connection, artwork_id: str, owner_id: str | None) -> Artwork:
    """Return the stored artwork; NotFound if missing or not the owner's."""
    row = db.execute("SELECT record FROM artworks WHERE id = ?", (artwork_id,)).fetchone()
    return visible_artwork(_load_artwork(row[0]) if row else None, artwork_id, owner_id)


def _log_change(db: sqlite3.Connection, kind: str, record_id: str) -> None:
    """Append a change of one record to the change log (inside the caller's transaction)."""
    at = time.time()
    db.execute(
        "INSERT INTO changes (kind, record_id, at, visible_at) VALUES (?, ?, ?, ?)",
        (kind, record_id, at, at),
    )


def _refuse_taken_slug(db: sqlite3.Connection, artwork: Artwork) -> None:
    """Raise SlugTaken if another work of the artist holds the work's slug."""
    if artwork.slug is None:
        return
    sql = "SELECT 1 FROM artworks WHERE artist_id = ? AND slug = ? AND id != ?"
    if db.execute(sql, (artwork.artist_id, artwork.slug, artwork.id)).fetchone():
        raise SlugTaken(f"work slug {artwork.slug!r} is taken")


def _insert_artwork(db: sqlite3.Connection, artwork: Artwork) -> None:
    _refuse_taken_slug(db, artwork)
    _log_change(db, "artwork", artwork.id)
    db.execute(
        "INSERT INTO artworks (id, artist_id, status, visibility, published_at, published_key,"
        " version, record, slug) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            artwork.id,
            artwork.artist_id,
            artwork.status.value,
            artwork.visibility.value,
            artwork.published_at,
            published_key(artwork),
            artwork.version,
            _dump(artwork),
            artwork.slug,
        ),
    )


def _replace_artwork(db: sqlite3.Connection, artwork: Artwork) -> None:
    db.execute("DELETE FROM artworks WHERE id = ?", (artwork.id,))
    _insert_artwork(db, artwork)


class SqliteChangeLog:
    """The change log the repository writes, drained by the workers (with leases and backoff)."""

    def __init__(self, repository: SqliteContentRepository) -> None:
        """Read the change log of `repository`'s database."""
        self._database = repository.database

    def claim(self, limit: int, lease_seconds: float) -> list[Change]:
        """Return up to `limit` due changes, oldest first, hidden from others for the lease."""
        now = time.time()
        with _translated():
            if not self._database.fetch(_DUE, (now, 1)):
                return []  # the common case: no write transaction at all
            with self._database.write() as db:
                rows = db.execute(_DUE_ROWS, (now, limit)).fetchall()
                db.executemany(
                    "UPDATE changes SET visible_at = ? WHERE seq = ?",
                    [(now + lease_seconds, row[0]) for row in rows],
                )
        return [
            Change(seq, kind, record_id, at, attempts)
            for seq, kind, record_id, at, attempts in rows
        ]

    def claim_early(self, lease_seconds: float) -> list[Change]:
        """Return the backed-off change due first, before its time (a probe of the index)."""
        now = time.time()
        with _translated(), self._database.write() as db:
            rows = db.execute(_BACKED_OFF, (now,)).fetchall()
            db.executemany(
                "UPDATE changes SET visible_at = ? WHERE seq = ?",
                [(now + lease_seconds, row[0]) for row in rows],
            )
        return [Change(*row) for row in rows]

    def wake(self) -> None:
        """Make every backed-off change due now (the index is back)."""
        now = time.time()
        with _translated(), self._database.write() as db:
            db.execute(
                "UPDATE changes SET visible_at = ? WHERE attempts > 0 AND visible_at > ?",
                (now, now),
            )

    def acknowledge(self, changes: Sequence[Change]) -> None:
        """Forget changes that were applied."""
        with _translated(), self._database.write() as db:
            db.executemany("DELETE FROM changes WHERE seq = ?", [(c.seq,) for c in changes])

    def retry_later(self, changes: Sequence[Change]) -> None:
        """Make failed changes due again after their backoff, counting the attempt."""
        now = time.time()
        with _translated(), self._database.write() as db:
            db.executemany(
                "UPDATE changes SET attempts = ?, visible_at = ? WHERE seq = ?",
                [(c.attempts + 1, now + retry_delay(c.attempts + 1), c.seq) for c in changes],
            )

    def backlog(self) -> Backlog:
        """Return how many changes wait and the commit time of the oldest."""
        with _translated():
            count, oldest = self._database.fetch("SELECT count(*), min(at) FROM changes")[0]
        return Backlog(int(count), oldest)


class SqliteAttemptLog:
    """Attempt counters in the content store's `attempts` table; expired rows are purged."""

    def __init__(self, repository: SqliteContentRepository) -> None:
        """Keep the counters in `repository`'s database."""
        self._database = repository.database

    def tally(self, key: str, now: float) -> Tally:
        """Return the live counter of `key` (count 0 when none, or expired at `now`)."""
        with _translated():
            rows = self._database.fetch(
                "SELECT attempts, expires_at FROM attempts WHERE key = ? AND expires_at > ?",
                (key, now),
            )
        return Tally(int(rows[0][0]), float(rows[0][1])) if rows else Tally(0, now)

    def add(self, key: str, window: float, now: float) -> Tally:
        """Count one attempt; start a window of `window` seconds when none is live at `now`."""
        with _translated(), self._database.write() as db:
            db.execute("DELETE FROM attempts WHERE expires_at <= ?", (now,))
            count, ends = db.execute(_COUNT_ATTEMPT, (key, window_end(now, window))).fetchone()
        return Tally(int(count), float(ends))

    def clear(self, key: str) -> None:
        """Forget the counter of `key`."""
        with _translated(), self._database.write() as db:
            db.execute("DELETE FROM attempts WHERE key = ?", (key,))


_COUNT_ATTEMPT = """INSERT INTO attempts (key, attempts, expires_at) VALUES (?, 1, ?)
                    ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1
                    RETURNING attempts, expires_at"""
_DUE = "SELECT 1 FROM changes WHERE visible_at <= ? LIMIT ?"
_BACKED_OFF = """SELECT seq, kind, record_id, at, attempts FROM changes
                 WHERE attempts > 0 AND visible_at > ? ORDER BY visible_at, seq LIMIT 1"""
_DUE_ROWS = """SELECT seq, kind, record_id, at, attempts FROM changes
               WHERE visible_at <= ? ORDER BY seq LIMIT ?"""


# records <-> JSON


def _dump(record: Artist | Artwork) -> str:
    return json.dumps(to_plain(record), separators=(",", ":"))


def _load_artist(text: str) -> Artist:
    return artist_from_plain(json.loads(text))


def _load_artwork(text: str) -> Artwork:
    return artwork_from_plain(json.loads(text))
