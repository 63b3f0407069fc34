"""The queue in Amazon SQS: the production adapter, with the DLQ set by a RedrivePolicy.

SQS moves a message to the dead-letter queue itself once it has been received
`maxReceiveCount` times. Dead letters are read by receiving them with a short visibility
timeout and releasing them at once (SQS has no peek). A selective redrive sends each chosen
body to the main queue and only then deletes it from the DLQ; the whole DLQ moves back with
StartMessageMoveTask, whose progress and cancellation are SQS's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

from messaging.aws import translated
from messaging.queue import (
    DEFAULT_MAX_RECEIVE_COUNT,
    MAX_BATCH,
    DeadLetter,
    Message,
    MoveTask,
    NoSuchMoveTask,
    OperationUnsupported,
    QueueError,
)
from storage.aws import error_code

PEEK_VISIBILITY = 30
MAX_WAIT = 20
UNAVAILABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "RequestThrottled",
        "ServiceUnavailable",
        "InternalError",
        "KmsThrottled",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
STALE_RECEIPT_CODES = frozenset({"ReceiptHandleIsInvalid", "InvalidParameterValue"})
NO_SUCH_TASK_CODE = "ResourceNotFoundException"  # what CancelMessageMoveTask answers


MOVE_HINT = (
    "Replay chosen messages instead (a filter, --limit or --rate moves them one by one), "
    "or use the SQS console's redrive."
)


def _translated(operation: str = "") -> AbstractContextManager[None]:
    """Translate SQS and connection errors into the queue's own."""
    hint = MOVE_HINT if "MessageMoveTask" in operation else ""
    return translated("SQS", UNAVAILABLE_CODES, server_errors=True, operation=operation, hint=hint)


class SqsQueue:
    """A work queue and its dead-letter queue in SQS."""

    reads_dead_letters_freely = False  # each dead letter is received, then released

    def __init__(
        self,
        queue_url: str,
        dead_letter_queue_url: str,
        *,
        max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT,
        client: Any = None,
    ) -> None:
        """Use the two queues (the main queue's RedrivePolicy names the DLQ)."""
        self._client = client or boto3.client("sqs")
        self._url = queue_url
        self._dead_url = dead_letter_queue_url
        self.max_receive_count = max_receive_count
        self._visibility: float | None = None

    @property
    def visibility_timeout(self) -> float:
        """Return the queue's VisibilityTimeout attribute (read once)."""
        if self._visibility is None:
            with _translated():
                attributes = self._client.get_queue_attributes(
                    QueueUrl=self._url, AttributeNames=["VisibilityTimeout"]
                )["Attributes"]
            self._visibility = float(attributes["VisibilityTimeout"])
        return self._visibility

    def send(self, body: str) -> str:
        """Enqueue a message; return its id."""
        with _translated():
            return self._client.send_message(QueueUrl=self._url, MessageBody=body)["MessageId"]

    def receive(self, max_messages: int = MAX_BATCH, wait_seconds: float = 0) -> list[Message]:
        """Return up to `max_messages` visible messages (long-polling up to `wait_seconds`)."""
        raw = self._receive(self._url, max_messages, wait_seconds)
        return [
            Message(
                id=m["MessageId"],
                body=m["Body"],
                receipt=m["ReceiptHandle"],
                receive_count=int(m["Attributes"]["ApproximateReceiveCount"]),
                sent_at=int(m["Attributes"]["SentTimestamp"]) / 1000,
            )
            for m in raw
        ]

    def delete(self, receipt: str) -> None:
        """Delete a received message; an outdated receipt deletes nothing."""
        self._ignoring_stale(self._client.delete_message, QueueUrl=self._url, ReceiptHandle=receipt)

    def release(self, receipt: str) -> None:
        """Make a received message visible again at once."""
        self._ignoring_stale(
            self._client.change_message_visibility,
            QueueUrl=self._url,
            ReceiptHandle=receipt,
            VisibilityTimeout=0,
        )

    def counts(self) -> dict[str, int]:
        """Return the approximate numbers of visible, in-flight and dead messages."""
        main = self._attributes(self._url)
        dead = self._attributes(self._dead_url)
        return {
            "visible": int(main["ApproximateNumberOfMessages"]),
            "in_flight": int(main["ApproximateNumberOfMessagesNotVisible"]),
            "dead": int(dead["ApproximateNumberOfMessages"])
            + int(dead["ApproximateNumberOfMessagesNotVisible"]),
        }

    def oldest_waiting_age(self) -> float | None:
        """Return None: SQS tells the age of its oldest message only through CloudWatch."""
        return None

    def dead_letters(self, limit: int = 1000) -> list[DeadLetter]:
        """Return up to `limit` dead letters, oldest first (received briefly, then released)."""
        with self._peeked(limit) as messages:
            letters = [
                DeadLetter(
                    id=m["MessageId"],
                    body=m["Body"],
                    receive_count=int(m["Attributes"]["ApproximateReceiveCount"]),
                    sent_at=int(m["Attributes"]["SentTimestamp"]) / 1000,
                )
                for m in messages
            ]
        return sorted(letters, key=lambda letter: (letter.sent_at, letter.id))

    def redrive(self, ids: Sequence[str]) -> list[str]:
        """Send each chosen dead letter to the queue, then delete it from the DLQ."""
        wanted = set(ids)
        moved: list[str] = []
        with self._peeked(len(wanted) * 10 + 100, keep=wanted) as messages:
            for m in messages:
                if m["MessageId"] not in wanted:
                    continue
                with _translated():
                    self._client.send_message(QueueUrl=self._url, MessageBody=m["Body"])
                    self._client.delete_message(
                        QueueUrl=self._dead_url, ReceiptHandle=m["ReceiptHandle"]
                    )
                moved.append(m["MessageId"])
        return [message_id for message_id in ids if message_id in moved]

    def redrive_all(self) -> MoveTask:
        """Start an SQS message move task from the DLQ back to its source queue."""
        with _translated("StartMessageMoveTask"):
            response = self._operation("StartMessageMoveTask")(
                SourceArn=self._arn(self._dead_url), DestinationArn=self._arn(self._url)
            )
        return self.move_status(response["TaskHandle"])

    def move_status(self, handle: str) -> MoveTask:
        """Return the state of a move task started by `redrive_all`; NoSuchMoveTask if unknown."""
        with _translated("ListMessageMoveTasks"):
            tasks = self._operation("ListMessageMoveTasks")(
                SourceArn=self._arn(self._dead_url), MaxResults=10
            )["Results"]
        for task in tasks:
            if task.get("TaskHandle") == handle or (
                task.get("Status") != "RUNNING" and "TaskHandle" not in task
            ):
                return MoveTask(
                    handle,
                    task["Status"],
                    int(task.get("ApproximateNumberOfMessagesMoved", 0)),
                    task.get("ApproximateNumberOfMessagesToMove"),
                )
        raise NoSuchMoveTask(f"no move task {handle}")

    def cancel_move(self, handle: str) -> MoveTask:
        """Cancel a running move task; NoSuchMoveTask if SQS knows no running task by it."""
        with _translated("CancelMessageMoveTask"):
            try:
                moved = self._operation("CancelMessageMoveTask")(TaskHandle=handle)
            except ClientError as e:
                if error_code(e) == NO_SUCH_TASK_CODE:
                    raise NoSuchMoveTask(f"no running move task {handle}") from e
                raise
        return MoveTask(handle, "CANCELLING", int(moved.get("ApproximateNumberOfMessagesMoved", 0)))

    def purge_dead_letters(self) -> int:
        """Purge the DLQ (SQS allows one purge a minute); return the approximate count."""
        count = self.counts()["dead"]
        with _translated():
            self._client.purge_queue(QueueUrl=self._dead_url)
        return count

    # plumbing

    def _receive(
        self, url: str, max_messages: int, wait_seconds: float, visibility: int | None = None
    ) -> list[dict[str, Any]]:
        """Receive raw messages with their receive count and send time."""
        request: dict[str, Any] = {
            "QueueUrl": url,
            "MaxNumberOfMessages": max(1, min(max_messages, MAX_BATCH)),
            "WaitTimeSeconds": int(min(max(wait_seconds, 0), MAX_WAIT)),
            "AttributeNames": ["ApproximateReceiveCount", "SentTimestamp"],
        }
        if visibility is not None:
            request["VisibilityTimeout"] = visibility
        with _translated():
            return self._client.receive_message(**request).get("Messages", [])

    @contextmanager
    def _peeked(self, limit: int, keep: set[str] | None = None) -> Iterator[list[dict[str, Any]]]:
        """Receive up to `limit` dead letters, then release the ones still there."""
        seen: dict[str, dict[str, Any]] = {}
        while len(seen) < limit:
            batch = self._receive(self._dead_url, MAX_BATCH, 0, PEEK_VISIBILITY)
            fresh = [m for m in batch if m["MessageId"] not in seen]
            if not fresh:
                break
            seen.update((m["MessageId"], m) for m in fresh)
            if keep is not None and keep <= seen.keys():
                break
        try:
            yield list(seen.values())
        finally:
            for m in seen.values():
                self._ignoring_stale(
                    self._client.change_message_visibility,
                    QueueUrl=self._dead_url,
                    ReceiptHandle=m["ReceiptHandle"],
                    VisibilityTimeout=0,
                )

    def _operation(self, name: str) -> Any:
        """Return the client's method for an SQS action; an SDK without it is unsupported."""
        method = getattr(self._client, xform_name(name), None)
        if method is None:
            hint = MOVE_HINT if "MessageMoveTask" in name else ""
            raise OperationUnsupported("SQS", name, hint)
        return method

    def _attributes(self, url: str) -> dict[str, str]:
        """Return a queue's message counts."""
        with _translated():
            return self._client.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]

    def _arn(self, url: str) -> str:
        """Return a queue's ARN."""
        with _translated():
            attributes = self._client.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"]
            )["Attributes"]
        return attributes["QueueArn"]

    @staticmethod
    def _ignoring_stale(call: Any, **request: Any) -> None:
        """Make a call that takes a receipt; an outdated receipt is not an error."""
        try:
            with _translated():
                call(**request)
        except QueueError as e:
            cause = e.__cause__
            if isinstance(cause, ClientError) and error_code(cause) in STALE_RECEIPT_CODES:
                return
            raise
