"""S3 event notifications on moto, completed to the shape AWS sends.

moto 5 notifies a queue of created objects but (1) its records carry no `versionId` and no
`sequencer`, and (2) a versioned bucket sends no ObjectRemoved event at all. The rehearsal's
uploads bucket is versioned, as the template says, so `install()` wraps moto's in-process
S3 backend: every record gets `versionId` (versioned buckets) and an increasing `sequencer`,
and DeleteObject sends `ObjectRemoved:DeleteMarkerCreated` (no version given: a delete
marker hides the object) or `ObjectRemoved:Delete` (one version removed), to the queues the
bucket's notification configuration names, filtered as S3 filters them.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

_lock = threading.Lock()
_last = [0]
_installed: list[bool] = []


def next_sequencer() -> str:
    """Return a hexadecimal sequencer larger than every one returned before."""
    with _lock:
        _last[0] = max(_last[0] + 1, time.time_ns())
        return format(_last[0], "016X")


def record(
    bucket: Any,
    event_name: str,
    key: str,
    version_id: str | None,
    size: int | None,
    etag: str | None,
) -> dict[str, Any]:
    """Return one S3 event record as AWS shapes it (event name without the `s3:` prefix)."""
    obj: dict[str, Any] = {"key": quote_plus(key), "sequencer": next_sequencer()}
    if size is not None:
        obj["size"] = size
    if etag:
        obj["eTag"] = etag.replace('"', "")
    if version_id:
        obj["versionId"] = version_id
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": bucket.region_name,
        "eventTime": now,
        "eventName": event_name.removeprefix("s3:"),
        "userIdentity": {"principalId": "AWS:REHEARSAL"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "",
            "bucket": {"name": bucket.name, "arn": bucket.arn},
            "object": obj,
        },
    }


def notify(account_id: str, bucket: Any, event_name: str, event: dict[str, Any]) -> None:
    """Send `event` to each queue of the bucket's configuration that matches it."""
    import json

    from moto.s3.notifications import _send_sqs_message

    configuration = bucket.notification_configuration
    if configuration is None:
        return
    key = event["s3"]["object"]["key"]
    for queue in configuration.queue:
        if queue.matches(event_name, _unquoted(key)):
            body = {"Records": [dict(event, s3=dict(event["s3"], configurationId=queue.id))]}
            region = queue.arn.split(":")[3]
            _send_sqs_message(
                account_id, json.loads(json.dumps(body)), queue.arn.split(":")[-1], region
            )


def _unquoted(key: str) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(key)


def install() -> None:
    """Complete moto's S3 notifications in this process (once)."""
    if _installed:
        return
    from moto.s3 import notifications
    from moto.s3.models import S3Backend

    original_delete = S3Backend.delete_object

    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        name = str(getattr(event_name, "value", event_name))
        if bucket.is_versioned and name.startswith("s3:ObjectRemoved"):
            return  # sent by delete_object below, with the version
        version = key.version_id if bucket.is_versioned else None
        event = record(bucket, name, key.name, version, key.size, key.etag)
        notify(account_id, bucket, name, event)

    def delete_object(
        self: Any,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> tuple[bool, dict[str, Any]]:
        bucket = self.get_bucket(bucket_name)
        deleted, meta = original_delete(self, bucket_name, key_name, version_id, bypass)
        if deleted and bucket.is_versioned:
            if version_id is None and meta.get("delete-marker") == "true":
                name = "s3:ObjectRemoved:DeleteMarkerCreated"
            else:
                name = "s3:ObjectRemoved:Delete"
            event = record(bucket, name, key_name, meta.get("version-id"), None, None)
            notify(self.account_id, bucket, name, event)
        return deleted, meta

    notifications.send_event = send_event
    setattr(S3Backend, "delete_object", delete_object)  # noqa: B010 (a method replaced)
    _installed.append(True)
