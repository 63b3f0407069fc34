"""Fixtures of the queue contract: one queue per adapter (SQLite, and SQS through moto)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from moto import mock_aws

from content.dynamodb import table_definition
from messaging.dynamodb import DynamoFailureLog, DynamoHeartbeats, DynamoTaskStore
from messaging.heartbeat import Heartbeats
from messaging.queue import FailureLog, MessageQueue
from messaging.sqlite import SqliteFailureLog, SqliteHeartbeats, SqliteQueue, SqliteTaskStore
from messaging.sqs import SqsQueue
from messaging.tasks import TaskStore
from storage.sqlite import Database

MAX_RECEIVES = 3
VISIBILITY = 1
TABLE = "copper-content-test"

T = TypeVar("T")


def sqs_queues(client: Any, max_receives: int = MAX_RECEIVES) -> tuple[str, str]:
    """Create a queue with a DLQ redrive policy, as serverless.yml declares them."""
    dead = client.create_queue(QueueName="copper-dlq")["QueueUrl"]
    dead_arn = client.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    policy = {
        "deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"],
        "maxReceiveCount": max_receives,
    }
    main = client.create_queue(
        QueueName="copper-uploads",
        Attributes={"VisibilityTimeout": str(VISIBILITY), "RedrivePolicy": json.dumps(policy)},
    )["QueueUrl"]
    return main, dead


@pytest.fixture
def sqs_client(aws_environment: None) -> Iterator[Any]:
    """Yield an SQS client inside moto."""
    with mock_aws():
        yield boto3.client("sqs")


@pytest.fixture
def sqlite_queue(tmp_path: Path) -> SqliteQueue:
    """Return a local queue in a fresh database."""
    return SqliteQueue(
        tmp_path / "queue.db", visibility_timeout=VISIBILITY, max_receive_count=MAX_RECEIVES
    )


@pytest.fixture
def sqs_queue(sqs_client: Any) -> SqsQueue:
    """Return an SQS queue (moto) with its dead-letter queue."""
    main, dead = sqs_queues(sqs_client)
    return SqsQueue(main, dead, max_receive_count=MAX_RECEIVES, client=sqs_client)


@pytest.fixture(params=["sqlite", "sqs"])
def queue(request: pytest.FixtureRequest) -> MessageQueue:
    """Return each queue adapter in turn, empty."""
    return request.getfixturevalue(f"{request.param}_queue")


def each_adapter(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite: Callable[[Database], T],
    dynamodb: Callable[..., T],
) -> Iterator[T]:
    """Yield the SQLite adapter or the DynamoDB one (moto), as the fixture's param says."""
    if request.param == "sqlite":
        yield sqlite(SqliteQueue(tmp_path / "queue.db").database)
        return
    request.getfixturevalue("aws_environment")
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(TABLE))
        yield dynamodb(TABLE, client=client)


@pytest.fixture(params=["sqlite", "dynamodb"])
def task_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TaskStore]:
    """Return each task store adapter in turn, empty."""
    yield from each_adapter(request, tmp_path, SqliteTaskStore, DynamoTaskStore)


@pytest.fixture(params=["sqlite", "dynamodb"])
def failure_log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FailureLog]:
    """Return each failure log adapter in turn, empty."""
    yield from each_adapter(request, tmp_path, SqliteFailureLog, DynamoFailureLog)


@pytest.fixture(params=["sqlite", "dynamodb"])
def heartbeats(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Heartbeats]:
    """Return each heartbeat store adapter in turn, empty."""
    yield from each_adapter(request, tmp_path, SqliteHeartbeats, DynamoHeartbeats)
