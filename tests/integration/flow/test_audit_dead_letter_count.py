"""The audit counts the dead letters the admin listing shows: the same ones, malformed included.

The studio shows both numbers on two pages (the audit's "In the dead-letter queue" and the
dead-letter list); an admin must never see them disagree. On SQS a dead letter someone else
is reading is hidden from receives for a while, so both must come from the same source.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import boto3

from content.model import Role
from messaging.sqs import SqsQueue
from service.http.app import create_app
from tests.integration.flow.conftest import Flow

PASSWORD = "a long admin password"


def listing(flow: Flow) -> list[dict[str, Any]]:
    """Return the admin API's dead-letter listing, as the studio reads it (GET /admin/dlq)."""
    email = f"admin-{time.monotonic_ns()}@example.com"
    flow.services.accounts.register(email, PASSWORD, "Admin", role=Role.ADMIN)
    client = create_app(flow.services).test_client()
    token = client.post("/auth/login", json={"email": email, "password": PASSWORD}).json["token"]
    answer = client.get("/admin/dlq", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json["items"]
    return items


def listed_once_settled(flow: Flow, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    """Return the listing once it shows `count` dead letters (a listing may lag the move)."""
    deadline = time.monotonic() + timeout
    while len(items := listing(flow)) < count:
        assert time.monotonic() < deadline, f"the listing shows {len(items)} of {count}"
        time.sleep(0.3)
    return items


def test_the_audit_counts_what_the_dead_letter_listing_shows_malformed_included(
    flow: Flow,
) -> None:
    # GIVEN a malformed message and an upload that failed in an outage, both dead-lettered
    malformed = flow.services.queue.send("this is not JSON")
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    flow.uploads.down = True
    failed = flow.send("created", artwork, "0A")
    flow.drain(search=False)
    flow.uploads.down = False
    # WHEN the admin reads the dead-letter list and the audit
    items = listed_once_settled(flow, 2)
    # THEN the list shows both, and the audit counts the same number
    assert {item["id"] for item in items} == {malformed, failed}
    assert flow.audit().counts["dead_letters"] == len(listing(flow)) == 2


def test_the_audit_and_the_listing_agree_while_someone_else_reads_a_dead_letter(
    flow: Flow,
) -> None:
    # GIVEN two malformed dead letters
    for body in ("this is not JSON", '{"not": "an S3 event"}'):
        flow.services.queue.send(body)
    flow.drain(search=False)
    listed_once_settled(flow, 2)
    # AND on SQS, another reader holds one of them (hidden from receives for a minute)
    if isinstance(flow.services.queue, SqsQueue):
        dead_url = flow.services.settings.dead_letter_queue_url
        held = boto3.client("sqs").receive_message(
            QueueUrl=dead_url, MaxNumberOfMessages=1, VisibilityTimeout=60
        )
        assert len(held.get("Messages", [])) == 1
    # WHEN the admin reads both THEN the numbers agree
    assert flow.audit().counts["dead_letters"] == len(listing(flow))


def test_an_overdue_work_names_its_deadline_as_people_read_it(local_flow: Flow) -> None:
    # GIVEN a form whose file never arrived, audited a month later
    artwork = local_flow.artwork(local_flow.artist())
    local_flow.upload_key(artwork)
    deadline = local_flow.record(artwork).deadline
    auditor = replace(local_flow.services.auditor(), clock=lambda: time.time() + 30 * 86_400)
    # WHEN the audit reports it
    [overdue] = [f for f in auditor.audit().findings if f.kind == "overdue"]
    # THEN its deadline reads as a UTC date and time, not as a timestamp
    at = datetime.fromisoformat(str(deadline).replace("Z", "+00:00")).astimezone(UTC)
    assert overdue.detail == f"awaiting_upload past its deadline, {at:%-d %b %Y, %H:%M} UTC"
    assert str(deadline) not in overdue.detail
