"""The failure log in DynamoDB: one item per failed message in the content table.

Items are `PK = FAILURE#<message id>`, `SK = FAILURE`, and expire (TTL attribute
`expires_at`) after the dead-letter queue's retention, when the message is gone anyway.
A message's last attempt before the dead-letter queue is one item of the partition
`PK = LAST_ATTEMPT` (`SK` = the message id), so the dead letters list with one query.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import boto3

from messaging.aws import translated
from messaging.heartbeat import Beat
from messaging.queue import Failure, LastAttempt
from messaging.tasks import Task, TaskNotFound

SORT_KEY = "FAILURE"
LAST_ATTEMPTS = "LAST_ATTEMPT"
RETENTION_SECONDS = 14 * 86400
BATCH_GET = 100
UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def _translated() -> AbstractContextManager[None]:
    """Translate DynamoDB and connection errors into the queue's own."""
    return translated("failure log", UNAVAILABLE_CODES, server_errors=False)


def _key(message_id: str) -> dict[str, Any]:
    """Return the item key of a message's failure."""
    return {"PK": {"S": f"FAILURE#{message_id}"}, "SK": {"S": SORT_KEY}}


class DynamoFailureLog:
    """The last error of each failed message, in a DynamoDB table."""

    def __init__(self, table_name: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 DynamoDB client), or make one from the environment."""
        self._table = table_name
        self._client = client if client is not None else boto3.client("dynamodb")

    def record(self, failure: Failure) -> None:
        """Store a message's latest failure, counting the attempts (one atomic update)."""
        with _translated():
            self._client.update_item(
                TableName=self._table,
                Key=_key(failure.message_id),
                UpdateExpression=(
                    "SET error_class = :class, error_message = :message, #at = :at, "
                    "expires_at = :expires ADD attempts :one"
                ),
                ExpressionAttributeNames={"#at": "at"},
                ExpressionAttributeValues={
                    ":class": {"S": failure.error_class},
                    ":message": {"S": failure.error_message or "-"},
                    ":at": {"N": repr(failure.at)},
                    ":expires": {"N": str(int(time.time()) + RETENTION_SECONDS)},
                    ":one": {"N": "1"},
                },
            )

    def get(self, message_ids: Sequence[str]) -> dict[str, Failure]:
        """Return the failures known for these ids."""
        ids = list(dict.fromkeys(message_ids))
        found: dict[str, Failure] = {}
        for start in range(0, len(ids), BATCH_GET):
            request = {self._table: {"Keys": [_key(i) for i in ids[start : start + BATCH_GET]]}}
            while request:
                with _translated():
                    response = self._client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    failure = _failure(item)
                    found[failure.message_id] = failure
                request = response.get("UnprocessedKeys") or {}
        return found

    def forget(self, message_ids: Sequence[str]) -> None:
        """Drop the failures and last attempts of these messages."""
        for message_id in message_ids:
            with _translated():
                self._client.delete_item(TableName=self._table, Key=_key(message_id))
                self._client.delete_item(TableName=self._table, Key=_attempt_key(message_id))

    def last_attempt(self, attempt: LastAttempt) -> None:
        """Remember a message whose last receive before the dead-letter queue has begun."""
        item = _attempt_key(attempt.message_id) | {
            "body": {"S": attempt.body},
            "sent_at": {"N": repr(attempt.sent_at)},
            "receive_count": {"N": str(attempt.receive_count)},
            "started_at": {"N": repr(attempt.started_at)},
            "expires_at": {"N": str(int(time.time()) + RETENTION_SECONDS)},
        }
        with _translated():
            self._client.put_item(TableName=self._table, Item=item)

    def last_attempts(self, limit: int = 1000) -> list[tuple[LastAttempt, Failure | None]]:
        """Return up to `limit` last attempts, oldest sent first, each with its failure."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": LAST_ATTEMPTS}},
        }
        attempts: list[LastAttempt] = []
        while True:
            with _translated():
                page = self._client.query(**request)
            attempts += [_attempt(item) for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        attempts = sorted(attempts, key=lambda a: (a.sent_at, a.message_id))[:limit]
        failures = self.get([a.message_id for a in attempts])
        return [(a, failures.get(a.message_id)) for a in attempts]


def _attempt_key(message_id: str) -> dict[str, Any]:
    """Return the item key of a message's last attempt."""
    return {"PK": {"S": LAST_ATTEMPTS}, "SK": {"S": message_id}}


def _attempt(item: dict[str, Any]) -> LastAttempt:
    """Return a LastAttempt from its item."""
    return LastAttempt(
        message_id=item["SK"]["S"],
        body=item["body"]["S"],
        sent_at=float(item["sent_at"]["N"]),
        receive_count=int(item["receive_count"]["N"]),
        started_at=float(item["started_at"]["N"]),
    )


def _failure(item: dict[str, Any]) -> Failure:
    """Return a Failure from its item."""
    return Failure(
        message_id=item["PK"]["S"].removeprefix("FAILURE#"),
        error_class=item["error_class"]["S"],
        error_message=item["error_message"]["S"],
        at=float(item["at"]["N"]),
        attempts=int(item["attempts"]["N"]),
    )


TASK_RETENTION_SECONDS = 7 * 86400


class DynamoTaskStore:
    """Background tasks as items `PK = TASK#<id>`, `SK = TASK` in the content table (TTL)."""

    def __init__(self, table_name: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 DynamoDB client), or make one from the environment."""
        self._table = table_name
        self._client = client if client is not None else boto3.client("dynamodb")

    def put(self, task: Task) -> None:
        """Store (or replace) a task."""
        item = {
            "PK": {"S": f"TASK#{task.id}"},
            "SK": {"S": "TASK"},
            "record": {"S": json.dumps(task.to_dict())},
            "expires_at": {"N": str(int(time.time()) + TASK_RETENTION_SECONDS)},
        }
        with _translated():
            self._client.put_item(TableName=self._table, Item=item)

    def get(self, task_id: str) -> Task:
        """Return a task, or raise TaskNotFound."""
        key = {"PK": {"S": f"TASK#{task_id}"}, "SK": {"S": "TASK"}}
        with _translated():
            item = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True)
        if "Item" not in item:
            raise TaskNotFound(task_id)
        return Task.from_dict(json.loads(item["Item"]["record"]["S"]))


HEARTBEAT_KEY = "HEARTBEAT"
HEARTBEAT_RETENTION_SECONDS = 86400


class DynamoHeartbeats:
    """Worker heartbeats as items `PK = HEARTBEAT`, `SK = <worker>` in the content table (TTL).

    One partition holds every worker's item, so the newest beat is one query; items of
    containers long gone expire.
    """

    def __init__(self, table_name: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 DynamoDB client), or make one from the environment."""
        self._table = table_name
        self._client = client if client is not None else boto3.client("dynamodb")

    def beat(self, worker: str, at: float | None = None) -> None:
        """Record that `worker` is alive now (or at `at`); an older time never replaces a newer."""
        when = time.time() if at is None else at
        with _translated():
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={"PK": {"S": HEARTBEAT_KEY}, "SK": {"S": worker}},
                    UpdateExpression="SET #at = :at, expires_at = :expires",
                    ConditionExpression="attribute_not_exists(#at) OR #at < :at",
                    ExpressionAttributeNames={"#at": "at"},
                    ExpressionAttributeValues={
                        ":at": {"N": repr(when)},
                        ":expires": {"N": str(int(when) + HEARTBEAT_RETENTION_SECONDS)},
                    },
                )
            except self._client.exceptions.ConditionalCheckFailedException:
                return  # a newer beat is already recorded

    def newest(self) -> Beat | None:
        """Return the most recent beat of any worker."""
        newest: Beat | None = None
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": HEARTBEAT_KEY}},
            "ConsistentRead": True,
        }
        while True:
            with _translated():
                response = self._client.query(**request)
            for item in response.get("Items", []):
                beat = Beat(item["SK"]["S"], float(item["at"]["N"]))
                if newest is None or beat.at > newest.at:
                    newest = beat
            if "LastEvaluatedKey" not in response:
                return newest
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
