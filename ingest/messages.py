"""Queue message bodies as typed requests: S3 notifications, S3 test events, reprocess requests.

Pure parsing, no I/O. S3 URL-encodes object keys in notifications (spaces as '+'), so keys
are decoded with `unquote_plus`. One SQS message may carry several S3 records.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote_plus

from kernel.keys import parse_original_key

REPROCESS = "reprocess"
SEQUENCER_WIDTH = 16


class MalformedMessage(ValueError):
    """A message that is neither an S3 notification nor a reprocess request."""


@dataclass(frozen=True)
class ObjectEvent:
    """One S3 record: an object created or removed."""

    kind: Literal["created", "removed"]
    name: str
    bucket: str
    key: str
    sequencer: str
    size: int | None = None
    version_id: str | None = None
    time: str | None = None

    @property
    def original(self) -> OriginalRef | None:
        """Return the artist and artwork this key is the original of, if it is one."""
        return OriginalRef.of(self.key)


@dataclass(frozen=True)
class OriginalRef:
    """The artist, artwork and upload form an original's key names."""

    artist_id: str
    artwork_id: str
    upload_id: str | None = None

    @classmethod
    def of(cls, key: str) -> OriginalRef | None:
        """Return the reference in `originals/{artist}/{artwork}/{upload}`, else None."""
        parsed = parse_original_key(key)
        return cls(*parsed) if parsed else None


@dataclass(frozen=True)
class ReprocessRequest:
    """Render an uploaded work again (new settings, a new pipeline version, a retry)."""

    artist_id: str
    artwork_id: str
    request_id: str


@dataclass(frozen=True)
class TestEvent:
    """The `s3:TestEvent` S3 sends when a notification is configured: nothing to do."""

    __test__ = False  # not a pytest class


Request = ObjectEvent | ReprocessRequest | TestEvent


def parse_body(body: str) -> list[Request]:
    """Return the requests in a message body, or raise MalformedMessage."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError) as error:
        raise MalformedMessage("the message body is not JSON") from error
    if not isinstance(data, dict):
        raise MalformedMessage("the message body is not a JSON object")
    if data.get("Event") == "s3:TestEvent":
        return [TestEvent()]
    if data.get("copper") == REPROCESS:
        return [_reprocess(data)]
    records = data.get("Records")
    if not isinstance(records, list) or not records:
        raise MalformedMessage("the message has no S3 Records")
    return [_object_event(record) for record in records]


def artwork_of(body: str) -> str | None:
    """Return the artwork a message is about (the correlation id from upload to record)."""
    try:
        requests = parse_body(body)
    except MalformedMessage:
        return None
    for request in requests:
        if isinstance(request, ReprocessRequest):
            return request.artwork_id
        if isinstance(request, ObjectEvent) and request.original:
            return request.original.artwork_id
    return None


def reprocess_body(artist_id: str, artwork_id: str, request_id: str) -> str:
    """Return the message body of a reprocess request."""
    return json.dumps(
        {
            "copper": REPROCESS,
            "artist_id": artist_id,
            "artwork_id": artwork_id,
            "request_id": request_id,
        }
    )


def _reprocess(data: dict[str, Any]) -> ReprocessRequest:
    """Return a reprocess request, or raise MalformedMessage."""
    values = [data.get(name) for name in ("artist_id", "artwork_id", "request_id")]
    named = [value for value in values if isinstance(value, str) and value]
    if len(named) != len(values):
        raise MalformedMessage("a reprocess request names artist_id, artwork_id and request_id")
    return ReprocessRequest(*named)


def _time_sequencer(event_time: Any) -> str:
    """Return a sequencer made from the event time, for emulators whose events lack one.

    S3 itself always sends a sequencer; this keeps emulated events ordered by time.
    """
    try:
        moment = datetime.fromisoformat(str(event_time).replace("Z", "+00:00"))
    except ValueError as error:
        raise MalformedMessage("an S3 record has neither a sequencer nor an event time") from error
    return format(int(moment.timestamp() * 1_000_000), "X").rjust(SEQUENCER_WIDTH, "0")


def _object_event(record: Any) -> ObjectEvent:
    """Return one S3 record as an ObjectEvent, or raise MalformedMessage."""
    try:
        if record.get("eventSource") != "aws:s3":
            raise MalformedMessage("a record is not from aws:s3")
        name = str(record["eventName"])
        s3 = record["s3"]
        obj = s3["object"]
        key = unquote_plus(str(obj["key"]))
        sequencer = str(obj.get("sequencer") or _time_sequencer(record.get("eventTime")))
        bucket = str(s3["bucket"]["name"])
    except (KeyError, TypeError, AttributeError) as error:
        raise MalformedMessage(f"an S3 record lacks {error}") from error
    if not re.fullmatch(r"[0-9A-Fa-f]+", sequencer):
        raise MalformedMessage("an S3 record has a sequencer that is not hexadecimal")
    if name.startswith("ObjectCreated:"):
        kind: Literal["created", "removed"] = "created"
    elif name.startswith("ObjectRemoved:"):
        kind = "removed"
    else:
        raise MalformedMessage(f"unexpected S3 event {name}")
    size = obj.get("size")
    return ObjectEvent(
        kind=kind,
        name=name,
        bucket=bucket,
        key=key,
        sequencer=sequencer,
        size=size if isinstance(size, int) else None,
        version_id=obj.get("versionId") or None,
        time=record.get("eventTime"),
    )
