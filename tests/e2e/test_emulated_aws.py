"""End to end on emulated AWS: moto's standalone server and an OpenSearch-compatible server.

The uploads bucket notifies the queue (filtered on `originals/`), the queue dead-letters
after three receives, DynamoDB holds the records; the API runs on the AWS adapters over real
HTTP, the browser's presigned POST goes to the emulated S3, and a poller feeds the real
Lambda handler (`handlers.process_uploads.handler`, configured from the environment as on
Lambda) with what SQS delivers.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from content.dynamodb import table_definition
from copper.demo_art import artwork_jpeg
from copper.worker import Worker
from handlers import index_changes, process_uploads
from messaging.sqs import SqsQueue
from testkit.streams import DynamoStreamPoller

REGION = "eu-west-1"
UPLOADS, MEDIA, TABLE = "copper-uploads-e2e", "copper-media-e2e", "copper-content-e2e"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_resources(endpoint: str) -> tuple[str, str]:
    """Create the buckets, table and queues as serverless.yml declares them."""
    s3 = boto3.client("s3", endpoint_url=endpoint)
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    location = {"LocationConstraint": REGION}
    for bucket in (UPLOADS, MEDIA):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration=location)
    boto3.client("dynamodb", endpoint_url=endpoint).create_table(**table_definition(TABLE))
    dead = sqs.create_queue(QueueName="copper-dlq-e2e")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    redrive = {"deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"], "maxReceiveCount": 3}
    main = sqs.create_queue(
        QueueName="copper-uploads-e2e",
        Attributes={"VisibilityTimeout": "2", "RedrivePolicy": json.dumps(redrive)},
    )["QueueUrl"]
    main_arn = sqs.get_queue_attributes(QueueUrl=main, AttributeNames=["QueueArn"])
    s3.put_bucket_notification_configuration(
        Bucket=UPLOADS,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "copper-originals",
                    "QueueArn": main_arn["Attributes"]["QueueArn"],
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "originals/"}]}},
                }
            ]
        },
    )
    return main, dead


@pytest.fixture
def emulated_aws(
    monkeypatch: pytest.MonkeyPatch, aws_environment: None, request: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    """Start moto's server and the API on the AWS adapters; yield their URLs and the queue."""
    clone = request.getfixturevalue("osmem_clone")
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    queue_url, dead_url = create_resources(endpoint)
    api_port = free_port()
    api = f"http://127.0.0.1:{api_port}"
    environment = {
        "COPPER_BACKEND": "aws",
        "COPPER_TOKEN_SECRET": "e2e-secret-" + "x" * 40,
        "COPPER_UPLOADS_BUCKET": UPLOADS,
        "COPPER_MEDIA_BUCKET": MEDIA,
        "COPPER_MEDIA_BASE_URL": f"{endpoint}/{MEDIA}",
        "COPPER_DYNAMODB_TABLE": TABLE,
        "COPPER_QUEUE_URL": queue_url,
        "COPPER_DEAD_LETTER_QUEUE_URL": dead_url,
        "COPPER_MAX_RECEIVE_COUNT": "3",
        "COPPER_OPENSEARCH_URL": clone.url,
        "COPPER_PUBLIC_API_URL": api,
        "COPPER_LADDER": "320,640",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    from service.http.app import create_app

    server = make_server("127.0.0.1", api_port, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    process_uploads.consumer.cache_clear()
    index_changes.indexer.cache_clear()
    try:
        yield {"api": api, "queue": SqsQueue(queue_url, dead_url, max_receive_count=3)}
    finally:
        process_uploads.consumer.cache_clear()
        index_changes.indexer.cache_clear()
        server.shutdown()
        moto.stop()


def call(api: str, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
    """Call the API; return the JSON body (raising for an error status)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.request(method, f"{api}{path}", headers=headers, timeout=30, **kwargs)
    response.raise_for_status()
    return response.json() if response.content else None


def poll_until(worker: Worker, check: Any, timeout: float = 60) -> None:
    """Feed the handler from the queue until `check()` is true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the emulated flow did not converge")
        worker.run_once(wait_seconds=1)


def until_searchable(stream: DynamoStreamPoller, check: Any, timeout: float = 30) -> None:
    """Hand the table's stream to the indexer handler until `check()` is true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("search never caught up with the table's stream")
        stream.run_once()
        time.sleep(0.1)


def test_an_upload_on_emulated_aws_flows_from_presigned_post_to_a_searchable_work(
    emulated_aws: dict[str, Any],
) -> None:
    api = emulated_aws["api"]
    worker = Worker(emulated_aws["queue"], process_uploads.handler)
    stream = DynamoStreamPoller(TABLE, index_changes.handler)
    # GIVEN an artist and a work, uploaded through the presigned POST to S3
    session = call(
        api,
        "POST",
        "/auth/register",
        json={"email": "e2e@example.com", "password": "a long password", "display_name": "Eve"},
    )
    token = session["token"]
    work = call(api, "POST", "/me/artworks", token, json={"title": "Emulated Tide"})
    form = call(
        api, "POST", f"/me/artworks/{work['id']}/upload", token, json={"content_type": "image/jpeg"}
    )
    assert form["url"].startswith("http://127.0.0.1:")
    posted = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": ("tide.jpg", artwork_jpeg(5, 800), "image/jpeg")},
        timeout=30,
    )
    assert posted.status_code in (200, 204), posted.text
    call(api, "POST", f"/me/artworks/{work['id']}/publish", token)
    # WHEN the poller hands what S3 notified to the real handler
    poll_until(
        worker,
        lambda: call(api, "GET", f"/me/artworks/{work['id']}", token)["status"] == "ready",
    )
    # THEN the work is public, its renditions are in the media bucket, and search finds it
    public = call(api, "GET", f"/artworks/{work['id']}")
    assert {r["format"] for r in public["renditions"]} == {"avif", "webp", "jpeg"}
    first = public["renditions"][0]
    media = boto3.client("s3")  # private: on AWS, CloudFront reads it with origin access control
    stored = media.get_object(Bucket=MEDIA, Key=first["key"])
    assert stored["ContentType"] == f"image/{first['format']}"
    assert stored["ContentLength"] == first["bytes"]
    until_searchable(stream, lambda: call(api, "GET", "/search", params={"q": "tide"})["total"])
    # WHEN the artist deletes the work THEN the removal event cleans up after it
    call(api, "DELETE", f"/me/artworks/{work['id']}", token)
    poll_until(
        worker,
        lambda: media.list_objects_v2(Bucket=MEDIA).get("KeyCount", 0) == 0,
    )
    until_searchable(
        stream, lambda: call(api, "GET", "/search", params={"q": "tide"})["total"] == 0
    )
    assert emulated_aws["queue"].dead_letters() == []
