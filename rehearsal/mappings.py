"""The template's event source mappings, emulated: SQS → processor, the table's stream → indexer.

Each mapping reads its settings from its `AWS::Lambda::EventSourceMapping` (batch size,
batching window, `ReportBatchItemFailures`, retries, bisection, filter criteria, the
on-failure destination) and runs in a thread, one invocation at a time (Lambda would run up to
`MaximumConcurrency` in parallel).

One liberty is taken with time: a message the processor failed is made visible again at once
(ChangeMessageVisibility 0) instead of after the queue's visibility timeout (900 s in the
template), so maxReceiveCount receives take seconds, not an hour.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3

from rehearsal.template import REGION, Resolver, of_type

Invoke = Callable[[str, dict[str, Any]], "Answer"]


@dataclass(frozen=True)
class Answer:
    """A function's answer: its response, or the error it raised."""

    response: Any = None
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class MappingSpec:
    """One event source mapping's settings, resolved from the template."""

    logical_id: str
    function: str  # logical id of the function
    source_arn: str
    batch_size: int
    window_s: float
    report_failures: bool
    max_retries: int = -1
    bisect: bool = False
    filters: tuple[dict[str, Any], ...] = ()
    on_failure: str | None = None  # destination ARN


def specs(template: Mapping[str, Any], resolver: Resolver) -> list[MappingSpec]:
    """Return the template's event source mappings."""
    found = []
    for logical_id, resource in of_type(template, "AWS::Lambda::EventSourceMapping").items():
        props = resource["Properties"]
        destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        found.append(
            MappingSpec(
                logical_id=logical_id,
                function=props["FunctionName"]["Fn::GetAtt"][0],
                source_arn=str(resolver.resolve(props["EventSourceArn"])),
                batch_size=int(props.get("BatchSize", 10)),
                window_s=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                report_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                max_retries=int(props.get("MaximumRetryAttempts", -1)),
                bisect=bool(props.get("BisectBatchOnFunctionError", False)),
                filters=tuple(
                    json.loads(f["Pattern"])
                    for f in props.get("FilterCriteria", {}).get("Filters", [])
                ),
                on_failure=resolver.resolve(destination) if destination else None,
            )
        )
    return found


def matches(pattern: Any, value: Any) -> bool:
    """Return whether `value` matches a Lambda filter pattern (exact values, nested keys)."""
    if isinstance(pattern, list):
        return value in pattern
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(
            key in value and matches(sub, value[key]) for key, sub in pattern.items()
        )
    return bool(pattern == value)


@dataclass
class Poller:
    """Runs a poll function in a thread until stopped."""

    poll: Callable[[], int]
    idle_s: float = 0.2
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start polling."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling (after the invocation in flight)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.poll()
            except Exception as error:  # a poll failure is reported, and polling goes on
                self.errors.append(f"{type(error).__name__}: {error}")
                busy = 0
            if not busy:
                self._stop.wait(self.idle_s)


@dataclass
class SqsMapping:
    """SQS → function: batches, the batching window and partial batch responses."""

    spec: MappingSpec
    invoke: Invoke
    endpoint: str
    invocations: int = 0
    failed_records: int = 0

    def __post_init__(self) -> None:
        self._sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
        name = self.spec.source_arn.rsplit(":", 1)[1]
        self.queue_url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]

    def poll(self) -> int:
        """Gather one batch (up to the batch size, within the window) and invoke the function."""
        messages = self._receive(1, self.spec.batch_size)
        if not messages:
            return 0
        until = time.monotonic() + self.spec.window_s
        while len(messages) < self.spec.batch_size and (left := until - time.monotonic()) > 0:
            more = self._receive(1 if left >= 1 else 0, self.spec.batch_size - len(messages))
            messages += more
            if not more and left < 1:
                time.sleep(left)
        answer = self.invoke(self.spec.function, self._event(messages))
        self.invocations += 1
        failed = self._failures(messages, answer)
        self.failed_records += len(failed)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done[start : start + 10])
            ]
            self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        for message in messages:
            if message["MessageId"] in failed:  # the clock jump: visible again at once
                self._sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
        return len(messages)

    def _receive(self, wait_s: int, most: int) -> list[dict[str, Any]]:
        """Receive up to `most` messages."""
        answer = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(10, most),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        return messages

    def _failures(self, messages: list[dict[str, Any]], answer: Answer) -> set[str]:
        """Return the ids of the messages to retry."""
        if answer.error is not None or not self.spec.report_failures:
            return {m["MessageId"] for m in messages} if answer.error is not None else set()
        items = (answer.response or {}).get("batchItemFailures", [])
        return {str(item["itemIdentifier"]) for item in items}

    def _event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Return the SQS event Lambda's mapping delivers."""
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": {
                        key: m["Attributes"][key]
                        for key in (
                            "ApproximateReceiveCount",
                            "SentTimestamp",
                            "SenderId",
                            "ApproximateFirstReceiveTimestamp",
                        )
                        if key in m["Attributes"]
                    },
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.spec.source_arn,
                    "awsRegion": REGION,
                }
                for m in messages
            ]
        }


@dataclass
class StreamMapping:
    """DynamoDB stream → function: filters, batches, retries, bisection, on-failure destination.

    A partial batch failure checkpoints at the first failed record, which is retried with
    what follows it; a function error halves the batch when bisection is on. After
    `MaximumRetryAttempts` retries the batch's description goes to the on-failure destination
    and the mapping moves on, as Lambda does.
    """

    spec: MappingSpec
    invoke: Invoke
    endpoint: str
    invocations: int = 0
    retries: int = 0
    sent_to_destination: int = 0
    _buffer: list[dict[str, Any]] = field(default_factory=list)
    _iterators: dict[str, str] = field(default_factory=dict)
    _attempts: int = 0
    _size: int = 0

    def __post_init__(self) -> None:
        self._streams = boto3.client(
            "dynamodbstreams", endpoint_url=self.endpoint, region_name=REGION
        )
        self._sqs = boto3.client("sqs", endpoint_url=self.endpoint, region_name=REGION)
        self._size = self.spec.batch_size

    def poll(self) -> int:
        """Read new records; invoke the function with the next batch; handle its answer."""
        self._read()
        if not self._buffer:
            return 0
        batch = self._buffer[: self._size]
        answer = self.invoke(self.spec.function, {"Records": batch})
        self.invocations += 1
        if answer.error is None:
            items = (answer.response or {}).get("batchItemFailures", [])
            failed = {str(item["itemIdentifier"]) for item in items}
            if not failed or not self.spec.report_failures:
                self._advance(len(batch))
                return len(batch)
            first = next(
                i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed
            )
            self._advance(first, keep_attempts=first == 0)
        elif self.spec.bisect and len(batch) > 1:
            self._size = max(1, len(batch) // 2)
        self._retry_or_give_up()
        return len(batch)

    def _advance(self, count: int, keep_attempts: bool = False) -> None:
        """Drop the first `count` records of the buffer (they are done)."""
        del self._buffer[:count]
        if not keep_attempts:
            self._attempts = 0
            self._size = self.spec.batch_size

    def _retry_or_give_up(self) -> None:
        """Count a retry; past the limit send the batch to the destination and move on."""
        self._attempts += 1
        self.retries += 1
        if self.spec.max_retries < 0 or self._attempts <= self.spec.max_retries:
            time.sleep(min(0.05 * 2**self._attempts, 1.0))
            return
        batch = self._buffer[: self._size]
        if self.spec.on_failure:
            self._sqs.send_message(
                QueueUrl=self._sqs.get_queue_url(QueueName=self.spec.on_failure.rsplit(":", 1)[1])[
                    "QueueUrl"
                ],
                MessageBody=json.dumps(self._failure_record(batch)),
            )
            self.sent_to_destination += 1
        self._advance(len(batch))

    def _failure_record(self, batch: list[dict[str, Any]]) -> dict[str, Any]:
        """Return the invocation record Lambda sends to an on-failure destination."""
        return {
            "requestContext": {
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self._attempts,
                "functionArn": f"arn:aws:lambda:{REGION}:function:{self.spec.function}",
            },
            "responseContext": {"statusCode": 200, "functionError": None},
            "version": "1.0",
            "DDBStreamBatchInfo": {
                "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                "batchSize": len(batch),
                "streamArn": self.spec.source_arn,
            },
        }

    def _read(self) -> None:
        """Append every shard's new records that pass the filters to the buffer."""
        arn = self.spec.source_arn
        shards = self._streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            page = self._streams.get_records(ShardIterator=self._iterators[shard_id], Limit=1000)
            self._iterators[shard_id] = page["NextShardIterator"]
            for raw in page["Records"]:
                record = _as_lambda_record(raw, arn)
                if not self.spec.filters or any(matches(p, record) for p in self.spec.filters):
                    self._buffer.append(record)


def _as_lambda_record(raw: dict[str, Any], arn: str) -> dict[str, Any]:
    """Return a stream record as Lambda delivers it (creation time in epoch seconds)."""
    text = json.dumps(raw, default=lambda t: int(t.timestamp()))
    record: dict[str, Any] = json.loads(text)
    record["eventSourceARN"] = arn
    return record
