"""The admin listing of dead letters reads the failure log: it receives nothing from the queue.

Receiving a dead letter (SQS has no peek) raises its receive count and hides it for a
while; the listing the studio polls must not. The queue is read only when asked
(`?peek=true`, `copper dlq list --peek`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from moto import mock_aws

from content.dynamodb import table_definition
from content.model import Role
from copper.cli.root import main
from ingest.consumer import Consumer
from ingest.maintenance import MOVE_MARGIN
from ingest.messages import MalformedMessage
from messaging.queue import WORKER_LOST
from messaging.sqs import SqsQueue
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings
from tests.integration.messaging.conftest import MAX_RECEIVES, sqs_queues

TABLE = "copper-content-test"
PASSWORD = "a long admin password"
POISON = '{"not": "an S3 event"}'


@pytest.fixture(params=["local", "aws"])
def services(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Services]:
    """Yield the services of each backend family (AWS on moto), set in the environment too."""
    secret = secrets.token_urlsafe(40)
    if request.param == "local":
        environment = {"COPPER_DATA_DIR": str(tmp_path), "COPPER_TOKEN_SECRET": secret}
        environment["COPPER_MAX_RECEIVE_COUNT"] = str(MAX_RECEIVES)
        environment["COPPER_VISIBILITY_TIMEOUT"] = "1"
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield build_services(
            ServiceSettings(
                data_dir=str(tmp_path),
                token_secret=secret,
                max_receive_count=MAX_RECEIVES,
                visibility_timeout=1,
            )
        )
        return
    request.getfixturevalue("aws_environment")
    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition(TABLE))
        queue_url, dead_url = sqs_queues(boto3.client("sqs"))
        environment = {
            "COPPER_BACKEND": "aws",
            "COPPER_TOKEN_SECRET": secret,
            "COPPER_DYNAMODB_TABLE": TABLE,
            "COPPER_QUEUE_URL": queue_url,
            "COPPER_DEAD_LETTER_QUEUE_URL": dead_url,
            "COPPER_OPENSEARCH_URL": "http://127.0.0.1:9",
            "COPPER_MAX_RECEIVE_COUNT": str(MAX_RECEIVES),
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield build_services(
            ServiceSettings(
                backend="aws",
                token_secret=secret,
                dynamodb_table=TABLE,
                queue_url=queue_url,
                dead_letter_queue_url=dead_url,
                opensearch_url="http://127.0.0.1:9",
                max_receive_count=MAX_RECEIVES,
            )
        )


def kill(services: Services, body: str = POISON) -> str:
    """Send a message every attempt fails on until the queue dead-letters it; return its id.

    The attempts are dated a minute ago, so the last one's visibility timeout has passed.
    """
    consumer = Consumer(
        processor=None,  # type: ignore[arg-type]  # a malformed body never reaches it
        failures=services.failures,
        max_receive_count=MAX_RECEIVES,
        clock=lambda: time.time() - 60,
    )
    message_id = services.queue.send(body)
    for _ in range(MAX_RECEIVES):
        [message] = services.queue.receive(1)
        with pytest.raises(MalformedMessage):
            consumer.handle_message(
                message.id, message.body, message.receive_count, message.sent_at
            )
        services.queue.release(message.receipt)
    assert services.queue.receive(1) == []  # the next receive dead-letters it
    return message_id


def receives_counted(services: Services) -> list[str]:
    """Count the SQS ReceiveMessage calls the services make from now on (AWS only)."""
    calls: list[str] = []
    if isinstance(services.queue, SqsQueue):
        events = services.queue._client.meta.events
        events.register("before-call.sqs.ReceiveMessage", lambda **kwargs: calls.append("x"))
    return calls


def admin_client(services: Services) -> tuple[FlaskClient, dict[str, str]]:
    """Return a test client of the API and an admin's headers."""
    services.accounts.register("admin@example.com", PASSWORD, "Admin", role=Role.ADMIN)
    client = create_app(services).test_client()
    login = {"email": "admin@example.com", "password": PASSWORD}
    token = client.post("/auth/login", json=login).get_json()["token"]
    return client, {"Authorization": f"Bearer {token}"}


def test_listing_dead_letters_receives_nothing_and_shows_why_each_died(
    services: Services,
) -> None:
    message_id = kill(services)
    client, headers = admin_client(services)
    calls = receives_counted(services)
    first = client.get("/admin/dlq", headers=headers).get_json()["items"]
    again = client.get("/admin/dlq", headers=headers).get_json()["items"]
    assert calls == []
    assert first == again
    [item] = first
    assert item["id"] == message_id
    assert (item["error_class"], item["receive_count"]) == ("MalformedMessage", MAX_RECEIVES)
    assert set(item) >= {"age_seconds", "artist_name", "artwork_title", "key", "sent_at"}
    shown = client.get(f"/admin/dlq/{message_id}", headers=headers).get_json()
    assert shown["body"] == POISON
    assert calls == []


def test_the_queue_itself_is_read_only_when_asked(services: Services) -> None:
    message_id = kill(services)
    client, headers = admin_client(services)
    calls = receives_counted(services)
    [item] = client.get("/admin/dlq?peek=true", headers=headers).get_json()["items"]
    assert item["id"] == message_id and item["error_class"] == "MalformedMessage"
    assert calls or not isinstance(services.queue, SqsQueue)
    invalid = client.get("/admin/dlq?peek=maybe", headers=headers)
    assert invalid.status_code == 400


def test_a_replayed_or_purged_dead_letter_leaves_the_listing(services: Services) -> None:
    first, second = kill(services), kill(services, '{"also": "not an event"}')
    client, headers = admin_client(services)
    replay = client.post("/admin/dlq/replay", json={"ids": [first]}, headers=headers)
    assert replay.get_json()["count"] == 1
    assert [i["id"] for i in client.get("/admin/dlq", headers=headers).get_json()["items"]] == [
        second
    ]
    client.post("/admin/dlq/purge", json={"confirm": True}, headers=headers)
    assert client.get("/admin/dlq", headers=headers).get_json()["items"] == []


@pytest.mark.parametrize("services", ["aws"], indirect=True)
def test_on_sqs_a_last_attempt_is_listed_once_its_visibility_timeout_has_passed(
    services: Services,
) -> None:
    consumer = Consumer(processor=None, failures=services.failures, max_receive_count=MAX_RECEIVES)  # type: ignore[arg-type]
    message_id = services.queue.send(POISON)
    consumer._note_last_attempt(message_id, POISON, MAX_RECEIVES, 100.0)  # then it crashed
    maintenance = services.maintenance()
    assert maintenance.listed_dead_letters() == []  # it may still be running
    later = maintenance.clock() + services.queue.visibility_timeout + MOVE_MARGIN + 1
    maintenance.clock = lambda: later
    [lost] = maintenance.listed_dead_letters()
    assert (lost.id, lost.error_class) == (message_id, WORKER_LOST)


@pytest.mark.parametrize("services", ["aws"], indirect=True)
def test_a_dead_letter_the_failure_log_missed_is_still_listed(services: Services) -> None:
    message_id = kill(services)
    services.failures.forget([message_id])  # as when the store was down at its last attempt
    [item] = services.maintenance().listed_dead_letters()
    assert item.id == message_id


def test_copper_dlq_list_reads_the_failure_log_and_peeks_when_asked(services: Services) -> None:
    message_id = kill(services)
    listed = CliRunner().invoke(main, ["dlq", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert message_id in listed.output and "MalformedMessage" in listed.output
    peeked = CliRunner().invoke(main, ["dlq", "list", "--peek"])
    assert peeked.exit_code == 0, peeked.output
    assert message_id in peeked.output
