"""S3 event notifications for the embedded blob store: the same JSON S3 sends to SQS."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from content.model import now
from kernel.keys import ORIGINALS_PREFIX
from messaging.sqlite import SqliteQueue


def s3_notification(
    event_name: str,
    bucket: str,
    key: str,
    sequencer: str,
    *,
    size: int | None = None,
    version_id: str | None = None,
    time: str | None = None,
) -> str:
    """Return an S3 event notification body as S3 sends it to SQS (key URL-encoded)."""
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/"), "sequencer": sequencer}
    if size is not None:
        obj["size"] = size
        obj["eTag"] = ""
    if version_id:
        obj["versionId"] = version_id
    record = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "local",
        "eventTime": time or "1970-01-01T00:00:00.000Z",
        "eventName": event_name,
        "s3": {"s3SchemaVersion": "1.0", "bucket": {"name": bucket}, "object": obj},
    }
    return json.dumps({"Records": [record]})


@dataclass
class LocalObjectEvents:
    """Sends an S3-shaped notification to the queue for each change under `prefix`."""

    queue: SqliteQueue
    bucket: str
    prefix: str = ORIGINALS_PREFIX

    def __call__(self, event_name: str, key: str, size: int | None) -> None:
        """Enqueue the notification of one object change (outside the prefix: nothing)."""
        if not key.startswith(self.prefix):
            return
        body = s3_notification(
            event_name, self.bucket, key, self.queue.next_sequencer(), size=size, time=now()
        )
        self.queue.send(body)
