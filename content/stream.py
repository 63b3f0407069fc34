"""Change-stream records as DynamoDB Streams shapes them (keys only), both ways.

The indexer function reads the keys of each stream record; the embedded change log is turned
into the same event, so one handler serves both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from content.changes import Change, RecordKind
from content.dynamodb import artist_key, artwork_key, changed_record

LOCAL_STREAM_ARN = (
    "arn:aws:dynamodb:local:000000000000:table/copper-content/stream/1970-01-01T00:00:00.000"
)


def stream_event(changes: Sequence[Change], stream_arn: str = LOCAL_STREAM_ARN) -> dict[str, Any]:
    """Return the Lambda event of a batch of changes, as a DynamoDB stream delivers it."""
    return {"Records": [_stream_record(change, stream_arn) for change in changes]}


def record_of(stream_record: dict[str, Any]) -> tuple[RecordKind, str] | None:
    """Return the record (kind and id) a stream record is about, or None for other items."""
    keys = stream_record.get("dynamodb", {}).get("Keys", {})
    return changed_record(keys)


def sequence_number(change: Change) -> str:
    """Return the stream sequence number a change is sent with (failures name it)."""
    return str(change.seq).rjust(21, "0")


def _stream_record(change: Change, stream_arn: str) -> dict[str, Any]:
    """Return one change as a DynamoDB Streams record (view type KEYS_ONLY)."""
    keys = (
        artwork_key(change.record_id) if change.kind == "artwork" else artist_key(change.record_id)
    )
    return {
        "eventID": str(change.seq),
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "local",
        "dynamodb": {
            "ApproximateCreationDateTime": int(change.at),
            "Keys": keys,
            "SequenceNumber": sequence_number(change),
            "SizeBytes": 64,
            "StreamViewType": "KEYS_ONLY",
        },
        "eventSourceARN": stream_arn,
    }
