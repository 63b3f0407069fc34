"""The content store's change stream: every committed write names its record, on both backends.

SQLite writes its change log in the record's own transaction (an outbox); DynamoDB streams
the table's keys (moto's DynamoDB Streams). Either way the indexer handler gets the same
stream records and reads which record changed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from content.changes import retry_delay
from content.dynamodb import DynamoContentRepository
from content.repository import Conflict, ContentRepository, StoreUnavailable, VersionConflict
from content.sqlite import SqliteChangeLog, SqliteContentRepository
from content.stream import record_of, stream_event
from copper.worker import ChangeFeed

from .conftest import TABLE_NAME
from .test_repository_contract import make_artist, make_artwork


def stream_records(repository: ContentRepository) -> list[tuple[str, str] | None]:
    """Return, in order, which record each change of the store's stream names."""
    if isinstance(repository, SqliteContentRepository):
        changes = SqliteChangeLog(repository).claim(1000, 60)
        return [record_of(record) for record in stream_event(changes)["Records"]]
    streams = boto3.client("dynamodbstreams")
    arn = boto3.client("dynamodb").describe_table(TableName=TABLE_NAME)["Table"]["LatestStreamArn"]
    found: list[tuple[str, str] | None] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        found += [record_of(r) for r in streams.get_records(ShardIterator=iterator)["Records"]]
    return found


def test_every_committed_write_of_a_record_reaches_the_stream(
    repository: ContentRepository,
) -> None:
    artist = make_artist(1)
    repository.add_artist(artist)
    work = make_artwork(2, artist.id)
    repository.add_artwork(work)
    saved = repository.save_artwork(work, work.version)
    with pytest.raises(VersionConflict):  # a refused write is no change
        repository.save_artwork(work, work.version)
    repository.update_artist(artist, artist.version)
    records = [record for record in stream_records(repository) if record is not None]
    assert records == [
        ("artist", artist.id),
        ("artwork", work.id),
        ("artwork", saved.id),
        ("artist", artist.id),
    ]


def test_a_change_is_committed_with_its_record_or_not_at_all(tmp_path: Path) -> None:
    # GIVEN the change log table made unwritable, as a failing disk would
    repository = SqliteContentRepository(tmp_path / "content.db")
    artist = make_artist(1)
    repository.add_artist(artist)
    raw = sqlite3.connect(tmp_path / "content.db")
    raw.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    raw.commit()
    # WHEN a record is written THEN it is not stored without its change
    with pytest.raises(Conflict):  # the trigger's abort reads as a broken rule
        repository.add_artwork(make_artwork(2, artist.id))
    assert list(repository.iter_artworks()) == []


def test_a_claimed_change_is_hidden_until_its_lease_ends_and_a_failed_one_backs_off(
    tmp_path: Path,
) -> None:
    repository = SqliteContentRepository(tmp_path / "content.db")
    log = SqliteChangeLog(repository)
    repository.add_artist(make_artist(1))
    [change] = log.claim(10, lease_seconds=60)
    assert log.claim(10, lease_seconds=60) == []  # another worker sees nothing meanwhile
    log.retry_later([change])
    assert log.claim(10, lease_seconds=60) == []  # backing off
    assert log.backlog().count == 1
    log.acknowledge([change])
    assert log.backlog().count == 0 and log.backlog().oldest_at is None


def test_retry_delays_double_and_are_capped() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 7, 20)] == [0.5, 1.0, 2.0, 30.0, 30.0]


def test_once_a_probe_reaches_the_index_every_backed_off_change_is_due_at_once(
    tmp_path: Path,
) -> None:
    # GIVEN three changes that failed several times while the index was down
    repository = SqliteContentRepository(tmp_path / "content.db")
    log = SqliteChangeLog(repository)
    for n in (1, 2, 3):
        repository.add_artist(make_artist(n))
    handled: list[int] = []
    index_up = False

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        records = event["Records"]
        handled.append(len(records))
        failed = [] if index_up else records
        numbers = [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in failed]
        return {"batchItemFailures": numbers}

    feed = ChangeFeed(log, handler, probe_every=0)
    for _ in range(4):
        feed.run_once()
        log.wake()  # skip the backoff waits in this test
    assert feed.backing_off and log.backlog().count == 3
    for change in log.claim(10, 0):
        log.retry_later([replace(change, attempts=6)])  # each now waits 30 s
    # WHEN the index is back THEN one probe succeeds and wakes the rest
    index_up = True
    assert feed.run_once() == 1
    assert not feed.backing_off
    assert feed.run_once() == 2
    assert log.backlog().count == 0


def test_a_locked_change_log_is_store_unavailable(tmp_path: Path) -> None:
    repository = SqliteContentRepository(tmp_path / "content.db", busy_timeout=0.1)
    repository.add_artist(make_artist(1))
    holder = sqlite3.connect(tmp_path / "content.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreUnavailable):
            SqliteChangeLog(repository).claim(10, 60)
    finally:
        holder.execute("ROLLBACK")


def test_dynamodb_streams_keys_only_and_guard_items_name_no_record(
    dynamodb_repository: DynamoContentRepository,
) -> None:
    artist = make_artist(1)
    dynamodb_repository.add_artist(artist)
    records = stream_records(dynamodb_repository)
    # the profile and its three uniqueness guards (e-mail, name, slug) are written together
    assert sorted(r for r in records if r is not None) == [("artist", artist.id)]
    assert records.count(None) == 3
