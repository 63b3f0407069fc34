"""Lambda's DynamoDB Streams event source, emulated over moto's stream for the AWS flow tests.

It reads the content table's stream shard by shard (from the start), hands each batch to the
indexer handler as Lambda would (records with their `eventSourceARN`), and keeps the records
the handler reports failed to hand them over again on the next poll (Lambda retries them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from copper.worker import LambdaContext

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class DynamoStreamPoller:
    """Polls a table's stream and invokes the indexer handler with each batch."""

    table: str
    handler: Handler
    batch_size: int = 100
    _iterators: dict[str, str] = field(default_factory=dict)
    _retry: list[dict[str, Any]] = field(default_factory=list)

    def run_once(self) -> int:
        """Hand the failed records and one batch per shard to the handler; return how many."""
        records = self._retry + self._read()
        self._retry = []
        if not records:
            return 0
        response = self.handler({"Records": records}, LambdaContext(function_name="indexer"))
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        self._retry = [r for r in records if r["dynamodb"]["SequenceNumber"] in failed]
        return len(records)

    def drain(self, max_batches: int = 100) -> int:
        """Poll until a poll finds nothing new; return how many records were handed over."""
        handed = 0
        for _ in range(max_batches):
            count = self.run_once()
            if count == 0 or count == len(self._retry):
                return handed + count
            handed += count
        return handed

    def settled(self) -> bool:
        """Return whether no failed record waits for a retry."""
        return not self._retry

    def _read(self) -> list[dict[str, Any]]:
        """Return the next records of every shard."""
        streams = boto3.client("dynamodbstreams")
        arn = boto3.client("dynamodb").describe_table(TableName=self.table)["Table"][
            "LatestStreamArn"
        ]
        records: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            page = streams.get_records(
                ShardIterator=self._iterators[shard_id], Limit=self.batch_size
            )
            self._iterators[shard_id] = page["NextShardIterator"]
            records += [record | {"eventSourceARN": arn} for record in page["Records"]]
        return records


def drain_changes(services: Any) -> int:
    """Index every pending change of a local stack's change log, as its workers would."""
    from copper.worker import ChangeFeed
    from handlers.index_changes import build_handler

    feed = ChangeFeed(services.changes, build_handler(lambda: services.indexer))
    return feed.drain()
