"""Queue message bodies become typed requests; anything else is malformed, never guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.messages import (
    MalformedMessage,
    ObjectEvent,
    OriginalRef,
    ReprocessRequest,
    TestEvent,
    parse_body,
    reprocess_body,
)
from messaging.local_events import s3_notification

EVENTS = Path(__file__).parent.parent / "events"


def test_a_captured_s3_notification_is_an_object_created_event_with_a_decoded_key() -> None:
    body = (EVENTS / "s3-object-created.json").read_text()
    [event] = parse_body(body)
    assert isinstance(event, ObjectEvent)
    assert event.kind == "created"
    assert event.key == "originals/01ARTIST/01WORK/original"
    assert event.sequencer == "0062A8B9C4D1E2F3A4"
    assert event.size == 5123456
    assert event.original == OriginalRef("01ARTIST", "01WORK", "original")


def test_keys_are_url_decoded_as_s3_encodes_them_with_plus_for_space() -> None:
    body = s3_notification("ObjectCreated:Put", "b", "originals/a b/c+d/original", "0A")
    [event] = parse_body(body)
    assert isinstance(event, ObjectEvent)
    assert event.key == "originals/a b/c+d/original"


def test_a_removal_is_an_object_removed_event() -> None:
    [event] = parse_body(
        s3_notification("ObjectRemoved:Delete", "b", "originals/a/w/original", "0B")
    )
    assert isinstance(event, ObjectEvent) and event.kind == "removed"


def test_the_s3_test_event_is_recognised() -> None:
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"})
    assert parse_body(body) == [TestEvent()]


def test_a_message_may_carry_several_records() -> None:
    one = json.loads(s3_notification("ObjectCreated:Put", "b", "originals/a/1/original", "01"))
    two = json.loads(s3_notification("ObjectCreated:Put", "b", "originals/a/2/original", "02"))
    body = json.dumps({"Records": one["Records"] + two["Records"]})
    assert [event.key for event in parse_body(body)] == [
        "originals/a/1/original",
        "originals/a/2/original",
    ]


def test_a_reprocess_request_round_trips() -> None:
    assert parse_body(reprocess_body("artist", "work", "r1")) == [
        ReprocessRequest("artist", "work", "r1")
    ]


def test_an_event_without_a_sequencer_is_ordered_by_its_event_time() -> None:
    record = json.loads(s3_notification("ObjectCreated:Put", "b", "originals/a/w/original", "0"))
    del record["Records"][0]["s3"]["object"]["sequencer"]
    record["Records"][0]["eventTime"] = "2026-12-02T10:00:00.000Z"
    earlier = parse_body(json.dumps(record))[0]
    record["Records"][0]["eventTime"] = "2026-12-02T10:00:00.001Z"
    later = parse_body(json.dumps(record))[0]
    assert isinstance(earlier, ObjectEvent) and isinstance(later, ObjectEvent)
    assert earlier.sequencer < later.sequencer


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"hello": "world"}),
        json.dumps({"Records": []}),
        json.dumps({"Records": [{"eventSource": "aws:sns"}]}),
        json.dumps({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}),
        json.dumps({"copper": "reprocess", "artwork_id": "w"}),
        s3_notification("ObjectRestore:Completed", "b", "originals/a/w/original", "0C"),
        s3_notification("ObjectCreated:Put", "b", "originals/a/w/original", "not-hex"),
    ],
)
def test_anything_else_is_a_malformed_message(body: str) -> None:
    with pytest.raises(MalformedMessage):
        parse_body(body)


@pytest.mark.parametrize(
    ("key", "ref"),
    [
        ("originals/a/w/01jupload", OriginalRef("a", "w", "01jupload")),
        ("renditions/a/w/x/320px.webp", None),
        ("originals/a/w/u/extra", None),
        ("originals/a/original", None),
    ],
)
def test_only_an_originals_key_names_an_artwork(key: str, ref: OriginalRef | None) -> None:
    assert OriginalRef.of(key) == ref
