"""The content store in one DynamoDB table: the AWS adapter of `ContentRepository`.

Single-table design; every key attribute is a string (S). Items and their keys:

- artist:       PK `ARTIST#<id>`, SK `PROFILE`; GSI1PK `ARTISTS`, GSI1SK `<slug>`
- e-mail guard: PK `EMAIL#<lower-case e-mail>`, SK `EMAIL`; attribute `artist_id`
- slug guard:   PK `SLUG#<slug>`, SK `SLUG`; attribute `artist_id`
- name guard:   PK `NAME#<name_key(display name)>`, SK `NAME`; attribute `artist_id`
                (artists only: an admin's name is not held; see `guarded_name`)
- work slug guard: PK `WORKSLUG#<artist_id>#<slug>`, SK `WORKSLUG`; attribute `artwork_id`
                (claimed in one transaction with every write of a work that has a slug)
- artwork:      PK `ARTWORK#<id>`, SK `ARTWORK`; GSI1PK `ARTIST#<artist_id>`, GSI1SK `<id>`;
                and, only while ready and published, GSI2PK `PUBLISHED`,
                GSI2SK `<published_at>#<id>` (see `content.cursor.published_key`)
- attempts:     PK `ATTEMPTS#<key>`, SK `ATTEMPTS`; `attempts`, `expires_at` (the TTL)
                (`DynamoAttemptLog`: failed log-ins per account and per client)

- Table key: PK (HASH), SK (RANGE).
- GSI1 (projection ALL), overloaded: "works by artist" (query `ARTIST#<id>`, newest first
  by ULID) and "artists by slug" (query `ARTISTS`, ascending).
- GSI2 (projection ALL), sparse: "published, newest first" (query `PUBLISHED`, descending).
- Billing: PAY_PER_REQUEST. `table_definition()` returns exactly these `create_table`
  arguments; the deployment and the tests build the table from it.
- Stream: KEYS_ONLY. It feeds the search indexer (`handlers/index_changes.py`), which reads
  the changed record itself.

Record fields are top-level attributes; nested values (watermark, original, renditions,
facts, focal point) are JSON strings so floats stay exact. The guard items make e-mail,
display name and slug unique through `TransactWriteItems` with `attribute_not_exists(PK)`; a
work's slug guard is written with each write of the work, on condition that it is new or
already the work's own (`attribute_not_exists(PK) OR artwork_id = :id`). Listings
read the GSIs, which are eventually consistent; single-record reads are consistent.
`ARTISTS` and `PUBLISHED` are each one GSI partition (about 1,000 writes/s): ample for a
gallery; shard those keys if it ever is not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from botocore.exceptions import ClientError

from content.attempts import Tally, window_end
from content.changes import RecordKind
from content.codec import artist_from_plain, artwork_from_plain, known, to_plain
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
    email_key,
    guarded_name,
    public_by_slug,
    visible_artwork,
)
from storage.aws import UNREACHABLE, error_code

Item = dict[str, dict[str, Any]]

GSI1 = "GSI1"
GSI2 = "GSI2"
ARTISTS_PARTITION = "ARTISTS"
PUBLISHED_PARTITION = "PUBLISHED"
_KEY_ATTRIBUTES = ("PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")
_ARTIST_JSON = frozenset({"watermark", "series", "links", "portrait"})
_ARTWORK_JSON = frozenset({"original", "renditions", "facts", "focal_point"})

# Error codes of the service (and of transaction cancellation reasons) that are transient.
_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
    }
)
_UNAVAILABLE_REASONS = frozenset(
    {
        "ProvisionedThroughputExceeded",
        "ThrottlingError",
        "RequestLimitExceeded",
        "InternalServerError",
        "TransactionConflict",
    }
)


def table_definition(table_name: str) -> dict[str, Any]:
    """Return the `create_table` arguments of the content table (keys, GSIs, billing)."""

    def key(hash_name: str, range_name: str) -> list[dict[str, str]]:
        return [
            {"AttributeName": hash_name, "KeyType": "HASH"},
            {"AttributeName": range_name, "KeyType": "RANGE"},
        ]

    return {
        "TableName": table_name,
        "KeySchema": key("PK", "SK"),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in _KEY_ATTRIBUTES
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": key(f"{index}PK", f"{index}SK"),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in (GSI1, GSI2)
        ],
        "BillingMode": "PAY_PER_REQUEST",
        # Keys only: the indexer reads the record itself (the latest state, no password hash).
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    }


class DynamoContentRepository:
    """Artists and artworks in one DynamoDB table, with conditional writes."""

    def __init__(self, table_name: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 DynamoDB client), or make one from the environment."""
        self._table = table_name
        if client is None:
            import boto3  # only here: the stream records' key helpers need no SDK

            client = boto3.client("dynamodb")
        self._client = client

    # artists

    def add_artist(self, artist: Artist) -> None:
        """Store a new artist; Conflict if the id, email or slug is taken."""
        new = "attribute_not_exists(PK)"
        writes = {
            "id": {"Put": _put(self._table, _artist_item(artist), new)},
            "email": {
                "Put": _put(self._table, _guard("EMAIL", email_key(artist.email), artist.id), new)
            },
            "slug": {"Put": _put(self._table, _guard("SLUG", artist.slug, artist.id), new)},
        }
        name = guarded_name(artist)
        if name is not None:
            writes["name"] = {"Put": _put(self._table, _guard("NAME", name, artist.id), new)}
        failed = self._transact(writes)
        _refuse_taken(failed, artist)

    def get_artist(self, artist_id: str) -> Artist:
        """Return an artist by id, or raise NotFound."""
        item = self._get(artist_key(artist_id))
        if item is None:
            raise NotFound(f"no artist {artist_id}")
        return _artist_from_item(item)

    def find_artist_by_email(self, email: str) -> Artist:
        """Return an artist by e-mail (case-insensitive), or raise NotFound."""
        return self._artist_by_guard("EMAIL", email_key(email))

    def find_artist_by_slug(self, slug: str) -> Artist:
        """Return an artist by slug, or raise NotFound."""
        return self._artist_by_guard("SLUG", slug)

    def update_artist(self, artist: Artist, expected_version: int) -> Artist:
        """Replace an artist if its stored version is `expected_version`; return it at +1."""
        current = self.get_artist(artist.id)
        if current.version != expected_version:
            raise VersionConflict(f"artist {artist.id} is at version {current.version}")
        saved = replace(artist, version=expected_version + 1, updated_at=now())
        writes = {
            "version": {"Put": _put_versioned(self._table, _artist_item(saved), expected_version)}
        }
        writes |= self._guard_moves(
            "email", email_key(current.email), email_key(saved.email), saved.id
        )
        writes |= self._guard_moves("slug", current.slug, saved.slug, saved.id)
        writes |= self._name_moves(current, saved)
        failed = self._transact(writes)
        if "version" in failed or any(name.startswith("old ") for name in failed):
            self.get_artist(artist.id)
            raise VersionConflict(f"artist {artist.id} changed since it was read")
        _refuse_taken(failed, saved)
        return saved

    def list_artists(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artist]:
        """Return artists ordered by slug."""
        size = page_limit(limit)
        start = None
        if cursor is not None:
            slug, artist_id = artists_after(cursor)
            start = {**artist_key(artist_id), "GSI1PK": _s(ARTISTS_PARTITION), "GSI1SK": _s(slug)}
        items = self._query(GSI1, ARTISTS_PARTITION, start, size + 1, forward=True)
        artists = [_artist_from_item(item) for item in items]
        return artists_page(artists, size)

    # artworks

    def add_artwork(self, artwork: Artwork) -> None:
        """Store a new artwork; Conflict if the id exists, SlugTaken if its slug is."""
        put = _put(self._table, _artwork_item(artwork), "attribute_not_exists(PK)")
        try:
            self._write_artwork(artwork, put)
        except ClientError as e:
            if error_code(e) == "ConditionalCheckFailedException":
                raise Conflict(f"artwork {artwork.id} exists") from e
            raise

    def find_public_artwork(self, artist_id: str, slug: str) -> Artwork:
        """Return the artist's ready, published work under `slug`, or raise NotFound."""
        guard = self._get(_work_slug_key(artist_id, slug))
        item = self._get(artwork_key(guard["artwork_id"]["S"])) if guard is not None else None
        return public_by_slug(_artwork_from_item(item) if item else None, artist_id, slug)

    def get_artwork(self, artwork_id: str, owner_id: str | None = None) -> Artwork:
        """Return an artwork; NotFound if missing or, when `owner_id` is given, not theirs."""
        item = self._get(artwork_key(artwork_id))
        artwork = _artwork_from_item(item) if item is not None else None
        return visible_artwork(artwork, artwork_id, owner_id)

    def save_artwork(
        self, artwork: Artwork, expected_version: int, owner_id: str | None = None
    ) -> Artwork:
        """Replace an artwork if its version (and owner, when given) match; return it at +1."""
        saved = replace(artwork, version=expected_version + 1, updated_at=now())
        request = _put_versioned(self._table, _artwork_item(saved), expected_version)
        if owner_id is not None:
            request["ConditionExpression"] += " AND artist_id = :owner"
            request["ExpressionAttributeValues"][":owner"] = _s(owner_id)
        try:
            self._write_artwork(saved, request)
        except ClientError as e:
            if error_code(e) != "ConditionalCheckFailedException":
                raise
            stored = self.get_artwork(artwork.id, owner_id)  # NotFound if gone or not theirs
            raise VersionConflict(f"artwork {artwork.id} is at version {stored.version}") from e
        return saved

    def apply_event(self, artwork: Artwork, expected_version: int, sequencer: str) -> Artwork:
        """Save a change caused by an S3 event unless `sequencer` is not newer than the stored."""
        original = check_event_record(artwork, sequencer)
        # S3 orders sequencers after right-padding the shorter with zeros, which a
        # ConditionExpression cannot express. So: read, compare in Python, then write on
        # condition that the version (and so the stored sequencer) has not moved since.
        check_event_applies(self.get_artwork(artwork.id), expected_version, sequencer, original.key)
        saved = replace(artwork, version=expected_version + 1, updated_at=now())
        try:
            self._write_artwork(
                saved, _put_versioned(self._table, _artwork_item(saved), expected_version)
            )
        except ClientError as e:
            if error_code(e) != "ConditionalCheckFailedException":
                raise
            check_event_applies(
                self.get_artwork(artwork.id), expected_version, sequencer, original.key
            )
            raise VersionConflict(f"artwork {artwork.id} changed since it was read") from e
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
        partition = f"ARTIST#{artist_id}"
        start = None
        if cursor is not None:
            after = by_artist_after(cursor, artist_id)
            start = {**artwork_key(after), "GSI1PK": _s(partition), "GSI1SK": _s(after)}
        only_public = None if include_drafts else "attribute_exists(GSI2PK)"
        items = self._query(GSI1, partition, start, size + 1, forward=False, where=only_public)
        works = [_artwork_from_item(item) for item in items]
        return by_artist_page(works, size)

    def list_published(
        self, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> Page[Artwork]:
        """Return ready, published works, newest published first."""
        size = page_limit(limit)
        start = None
        if cursor is not None:
            sort_key, artwork_id = published_after(cursor)
            start = {
                **artwork_key(artwork_id),
                "GSI2PK": _s(PUBLISHED_PARTITION),
                "GSI2SK": _s(sort_key),
            }
        items = self._query(GSI2, PUBLISHED_PARTITION, start, size + 1, forward=False)
        works = [_artwork_from_item(item) for item in items]
        return published_page(works, size)

    def iter_artworks(self) -> Iterator[Artwork]:
        """Yield every artwork (any status), a scan page at a time, in no particular order."""
        return self._scan_artworks("SK = :artwork", {":artwork": _s("ARTWORK")})

    def list_overdue(self, at: str, limit: int = 500) -> list[Artwork]:
        """Return up to `limit` works whose deadline is at or before `at`, earliest first.

        A filtered scan: the sweeper runs every few minutes on a gallery-sized table.
        """
        overdue = self._scan_artworks(
            "SK = :artwork AND #deadline <= :at",
            {":artwork": _s("ARTWORK"), ":at": _s(at)},
            {"#deadline": "deadline"},
        )
        return sorted(overdue, key=lambda a: (a.deadline or "", a.id))[:limit]

    def _scan_artworks(
        self, where: str, values: dict[str, Any], names: dict[str, str] | None = None
    ) -> Iterator[Artwork]:
        """Yield the artworks a filtered scan finds, a page at a time."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": where,
            "ExpressionAttributeValues": values,
        }
        if names:
            request["ExpressionAttributeNames"] = names
        while True:
            response = self._call("scan", **request)
            yield from (_artwork_from_item(item) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # plumbing

    def _write_artwork(self, artwork: Artwork, put: dict[str, Any]) -> None:
        """Put an artwork item; with a slug, claim its guard in the same transaction.

        A failed condition on the item is ConditionalCheckFailedException, as a lone put
        raises it; a slug held by another work is SlugTaken.
        """
        if artwork.slug is None:
            self._call("put_item", **put)
            return
        claim = _put(
            self._table,
            _work_slug_guard(artwork),
            "attribute_not_exists(PK) OR artwork_id = :artwork",
        )
        claim["ExpressionAttributeValues"] = {":artwork": _s(artwork.id)}
        failed = self._transact({"artwork": {"Put": put}, "slug": {"Put": claim}})
        if "artwork" in failed:
            raise ClientError(
                {"Error": {"Code": "ConditionalCheckFailedException", "Message": str(failed)}},
                "TransactWriteItems",
            )
        if failed:
            raise SlugTaken(f"work slug {artwork.slug!r} is taken")

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        """Call the client; throttling, server and connection errors become StoreUnavailable."""
        return _call(self._client, operation, **kwargs)

    def _get(self, key: Item) -> Item | None:
        response = self._call("get_item", TableName=self._table, Key=key, ConsistentRead=True)
        return response.get("Item")

    def _artist_by_guard(self, kind: str, value: str) -> Artist:
        guard = self._get(_guard_key(kind, value))
        if guard is None:
            raise NotFound(f"no artist with that {kind.lower()}")
        return self.get_artist(guard["artist_id"]["S"])

    def _guard_moves(self, name: str, old: str, new: str, artist_id: str) -> dict[str, Any]:
        """Return the writes that move a uniqueness guard from `old` to `new` (none if equal)."""
        if old == new:
            return {}
        kind = name.upper()
        return {
            name: {
                "Put": _put(self._table, _guard(kind, new, artist_id), "attribute_not_exists(PK)")
            },
            f"old {name}": {
                "Delete": {
                    "TableName": self._table,
                    "Key": _guard_key(kind, old),
                    "ConditionExpression": "artist_id = :id",
                    "ExpressionAttributeValues": {":id": _s(artist_id)},
                }
            },
        }

    def _name_moves(self, current: Artist, saved: Artist) -> dict[str, Any]:
        """Return the writes that move the name guard; an artist stored before names were
        guarded (no guard of their own) only claims the new one."""
        old, new = guarded_name(current), guarded_name(saved)
        held = self._get(_guard_key("NAME", old)) if old is not None else None
        mine = held is not None and held["artist_id"]["S"] == saved.id
        if old == new and (mine or new is None):
            return {}
        moves: dict[str, Any] = {}
        if new is not None and not (old == new and held is not None):
            claim = _put(self._table, _guard("NAME", new, saved.id), "attribute_not_exists(PK)")
            moves["name"] = {"Put": claim}
        if mine and old != new:
            moves["old name"] = self._guard_moves("name", str(old), "", saved.id)["old name"]
        return moves

    def _transact(self, writes: dict[str, dict[str, Any]]) -> list[str]:
        """Write all or nothing; return the names of the writes whose condition failed."""
        try:
            self._call("transact_write_items", TransactItems=list(writes.values()))
        except ClientError as e:
            if error_code(e) != "TransactionCanceledException":
                raise
            reasons = [reason.get("Code") for reason in e.response.get("CancellationReasons", [])]
            if _UNAVAILABLE_REASONS.intersection(reasons):
                raise StoreUnavailable(f"content store busy: {reasons}") from e
            failed = [
                name
                for name, reason in zip(writes, reasons, strict=False)
                if reason == "ConditionalCheckFailed"
            ]
            if not failed:
                raise  # cancelled for a reason that is neither a rule nor transient: a bug
            return failed
        return []

    def _query(
        self,
        index: str,
        partition: str,
        start: Item | None,
        want: int,
        *,
        forward: bool,
        where: str | None = None,
    ) -> list[Item]:
        """Return up to `want` items of one index partition from `start`, after the filter."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": f"{index}PK = :partition",
            "ExpressionAttributeValues": {":partition": _s(partition)},
            "ScanIndexForward": forward,
            "Limit": want,
        }
        if where:
            request["FilterExpression"] = where
        if start:
            request["ExclusiveStartKey"] = start
        items: list[Item] = []
        while len(items) < want:
            response = self._call("query", **request)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return items[:want]


def _call(client: Any, operation: str, **kwargs: Any) -> dict[str, Any]:
    """Call `client`; throttling, server and connection errors become StoreUnavailable."""
    try:
        answer: dict[str, Any] = getattr(client, operation)(**kwargs)
        return answer
    except ClientError as e:
        if error_code(e) in _UNAVAILABLE_CODES:
            raise StoreUnavailable(f"content store unavailable: {error_code(e)}") from e
        raise
    except UNREACHABLE as e:
        raise StoreUnavailable(f"content store unreachable: {type(e).__name__}") from e


ATTEMPTS_SORT_KEY = "ATTEMPTS"
ATTEMPT_ROUNDS = 3  # a new window and a concurrent attempt may cross; then count again


class DynamoAttemptLog:
    """Attempt counters as items `PK = ATTEMPTS#<key>`, `SK = ATTEMPTS` in the content table.

    `attempts` counts, `expires_at` ends the window and is the table's TTL attribute, so
    DynamoDB deletes dead counters; reads ignore an expired one TTL has not removed yet.
    The sort key is outside the stream filter (ARTWORK, PROFILE): counters never reach the
    indexer.
    """

    def __init__(self, table_name: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 DynamoDB client), or make one from the environment."""
        self._table = table_name
        if client is None:
            import boto3  # only here, as above

            client = boto3.client("dynamodb")
        self._client = client

    def tally(self, key: str, now: float) -> Tally:
        """Return the live counter of `key` (count 0 when none, or expired at `now`)."""
        response = _call(
            self._client,
            "get_item",
            TableName=self._table,
            Key=_attempts_key(key),
            ConsistentRead=True,
        )
        item = response.get("Item")
        if item is None or float(item["expires_at"]["N"]) <= now:
            return Tally(0, now)
        return Tally(int(item["attempts"]["N"]), float(item["expires_at"]["N"]))

    def add(self, key: str, window: float, now: float) -> Tally:
        """Count one attempt; start a window of `window` seconds when none is live at `now`."""
        for _ in range(ATTEMPT_ROUNDS):
            try:
                return self._count_in_window(key, now)
            except ClientError as e:
                if error_code(e) != "ConditionalCheckFailedException":
                    raise
            try:
                return self._start_window(key, window, now)
            except ClientError as e:
                if error_code(e) != "ConditionalCheckFailedException":
                    raise
        raise StoreUnavailable("content store busy: attempt counter contended")

    def clear(self, key: str) -> None:
        """Forget the counter of `key`."""
        _call(self._client, "delete_item", TableName=self._table, Key=_attempts_key(key))

    def _count_in_window(self, key: str, now: float) -> Tally:
        """Add one to a live counter; ConditionalCheckFailed when there is none."""
        response = self._update(
            Key=_attempts_key(key),
            UpdateExpression="ADD attempts :one",
            ConditionExpression="expires_at > :now",
            ExpressionAttributeValues={":one": {"N": "1"}, ":now": {"N": repr(now)}},
        )
        item = response["Attributes"]
        return Tally(int(item["attempts"]["N"]), float(item["expires_at"]["N"]))

    def _start_window(self, key: str, window: float, now: float) -> Tally:
        """Start a counter at one; ConditionalCheckFailed when another started it meanwhile."""
        ends = window_end(now, window)
        self._update(
            Key=_attempts_key(key),
            UpdateExpression="SET attempts = :one, expires_at = :ends",
            ConditionExpression="attribute_not_exists(expires_at) OR expires_at <= :now",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":ends": {"N": str(int(ends))},
                ":now": {"N": repr(now)},
            },
        )
        return Tally(1, ends)

    def _update(self, **kwargs: Any) -> dict[str, Any]:
        """Update one counter item, returning its new attributes."""
        return _call(
            self._client, "update_item", TableName=self._table, ReturnValues="ALL_NEW", **kwargs
        )


def _attempts_key(key: str) -> Item:
    """Return the item key of one attempt counter."""
    return {"PK": _s(f"ATTEMPTS#{key}"), "SK": _s(ATTEMPTS_SORT_KEY)}


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _put(table: str, item: Item, condition: str) -> dict[str, Any]:
    """Return a conditional Put (usable as `put_item` kwargs or inside `{"Put": ...}`)."""
    return {"TableName": table, "Item": item, "ConditionExpression": condition}


def _put_versioned(table: str, item: Item, expected_version: int) -> dict[str, Any]:
    """Return a Put that succeeds only over a stored record at `expected_version`."""
    return {
        "TableName": table,
        "Item": item,
        "ConditionExpression": "attribute_exists(PK) AND #version = :expected",
        "ExpressionAttributeNames": {"#version": "version"},
        "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
    }


# keys and items


def artist_key(artist_id: str) -> Item:
    """Return the table key of an artist's profile item."""
    return {"PK": _s(f"ARTIST#{artist_id}"), "SK": _s("PROFILE")}


def artwork_key(artwork_id: str) -> Item:
    """Return the table key of an artwork's item."""
    return {"PK": _s(f"ARTWORK#{artwork_id}"), "SK": _s("ARTWORK")}


def changed_record(keys: Item) -> tuple[RecordKind, str] | None:
    """Return which record a stream record's keys name (None: a guard item, not a record)."""
    partition = keys.get("PK", {}).get("S", "")
    kind, _, record_id = partition.partition("#")
    sort = keys.get("SK", {}).get("S")
    if kind == "ARTWORK" and sort == "ARTWORK" and record_id:
        return "artwork", record_id
    if kind == "ARTIST" and sort == "PROFILE" and record_id:
        return "artist", record_id
    return None


def _guard_key(kind: str, value: str) -> Item:
    return {"PK": _s(f"{kind}#{value}"), "SK": _s(kind)}


def _guard(kind: str, value: str, artist_id: str) -> Item:
    return {**_guard_key(kind, value), "artist_id": _s(artist_id)}


def _work_slug_key(artist_id: str, slug: str) -> Item:
    return {"PK": _s(f"WORKSLUG#{artist_id}#{slug}"), "SK": _s("WORKSLUG")}


def _work_slug_guard(artwork: Artwork) -> Item:
    return {
        **_work_slug_key(artwork.artist_id, str(artwork.slug)),
        "artwork_id": _s(artwork.id),
    }


def _refuse_taken(failed: list[str], artist: Artist) -> None:
    """Raise NameTaken or Conflict for the uniqueness writes that failed (none: return)."""
    if failed and failed[0] == "name":
        raise NameTaken(f"artist name {artist.display_name!r} is taken")
    if failed:
        raise Conflict(f"artist {failed[0]} is taken")


def _artist_item(artist: Artist) -> Item:
    return {
        **_attributes(to_plain(artist), _ARTIST_JSON),
        **artist_key(artist.id),
        "GSI1PK": _s(ARTISTS_PARTITION),
        "GSI1SK": _s(artist.slug),
    }


def _artwork_item(artwork: Artwork) -> Item:
    item = {
        **_attributes(to_plain(artwork), _ARTWORK_JSON),
        **artwork_key(artwork.id),
        "GSI1PK": _s(f"ARTIST#{artwork.artist_id}"),
        "GSI1SK": _s(artwork.id),
    }
    sort_key = published_key(artwork)
    if sort_key is not None:
        item |= {"GSI2PK": _s(PUBLISHED_PARTITION), "GSI2SK": _s(sort_key)}
    return item


def _attributes(record: dict[str, Any], json_fields: frozenset[str]) -> Item:
    """Return DynamoDB attributes of a record's fields; None values are left out."""
    item: Item = {}
    for name, value in record.items():
        if value is None:
            continue
        if name in json_fields:
            item[name] = _s(json.dumps(value, separators=(",", ":")))
        elif isinstance(value, bool):
            item[name] = {"BOOL": value}
        elif isinstance(value, int):
            item[name] = {"N": str(value)}
        elif isinstance(value, str):
            item[name] = _s(value)
        elif isinstance(value, list | tuple):
            item[name] = {"L": [_s(str(part)) for part in value]}
        else:
            raise TypeError(f"cannot store {name}={value!r}")
    return item


def _plain(item: Item, cls: type, json_fields: frozenset[str]) -> dict[str, Any]:
    """Return the fields of `cls` found in an item, decoded to plain Python values."""
    data: dict[str, Any] = {}
    for name, attribute in known(cls, item).items():
        ((kind, value),) = attribute.items()
        if name in json_fields:
            data[name] = json.loads(value)
        elif kind == "N":
            data[name] = int(value)
        elif kind == "L":
            data[name] = tuple(part["S"] for part in value)
        elif kind == "NULL":
            data[name] = None
        else:
            data[name] = value
    return data


def _artist_from_item(item: Item) -> Artist:
    return artist_from_plain(_plain(item, Artist, _ARTIST_JSON))


def _artwork_from_item(item: Item) -> Artwork:
    return artwork_from_plain(_plain(item, Artwork, _ARTWORK_JSON))
