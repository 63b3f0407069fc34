"""Every AWS call a function's code makes is one its role in the template allows.

The template tests hold each role to an exact list of grants; this holds the code to the
roles. The functions' use cases run on moto's S3, DynamoDB and SQS (the AWS flow of the event
flow tests), every botocore call is recorded, turned into the IAM action and resource it needs
(an S3 listing with its prefix), and looked up in the function's role: a call no statement
allows would be AccessDenied on AWS, which no emulator here enforces.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import Any
from unittest.mock import patch

import pytest
import pyvips
from botocore.client import BaseClient

from content.model import Status, Visibility
from content.profile import ProfileService
from content.profile_images import ProfileImages
from copper.worker import LambdaContext, sqs_event
from ingest.maintenance import DeadLetterFilter, ReprocessFilter
from kernel.keys import rendition_key
from service.http.app import create_app
from storage.blobstore import StorageUnavailable
from testkit import images
from testkit.outages import Switchable
from tests.deploy.test_template import Template, as_list, render, statements
from tests.integration.flow.conftest import MEDIA, TABLE, UPLOADS, Flow, aws_flow_on

BUCKETS = {UPLOADS: "${UploadsBucket.Arn}", MEDIA: "${MediaBucket.Arn}"}
TABLE_ARN = "${ContentTable.Arn}"
# botocore operations that IAM authorises as another action
AS_ACTION = {
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "HeadObject"): "s3:GetObject",
    ("sqs", "DeleteMessageBatch"): "sqs:DeleteMessage",
    ("sqs", "SendMessageBatch"): "sqs:SendMessage",
    ("sqs", "ChangeMessageVisibilityBatch"): "sqs:ChangeMessageVisibility",
}
TRANSACTION_PARTS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


@dataclass(frozen=True)
class Need:
    """One permission a call needs: an action on a resource (a listing: with its prefix)."""

    action: str
    resource: str
    prefix: str | None = None


@dataclass(frozen=True)
class Call:
    """One recorded botocore call."""

    service: str
    operation: str
    params: dict[str, Any]


@contextmanager
def recorded() -> Iterator[list[Call]]:
    """Record every botocore API call made inside the block."""
    calls: list[Call] = []
    original = BaseClient._make_api_call

    def record(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append(Call(client.meta.service_model.service_name, operation, dict(params)))
        return original(client, operation, params)

    with patch.object(BaseClient, "_make_api_call", record):
        yield calls


def needs(call: Call, queues: dict[str, str]) -> list[Need]:
    """Return the permissions a call needs, in the template's notation."""
    action = AS_ACTION.get((call.service, call.operation), f"{call.service}:{call.operation}")
    params = call.params
    if call.service == "s3":
        bucket = BUCKETS[params["Bucket"]]
        if action == "s3:ListBucket":
            return [Need(action, bucket, params.get("Prefix", ""))]
        if call.operation == "DeleteObject" and params.get("VersionId"):
            action = "s3:DeleteObjectVersion"
        return [Need(action, f"{bucket}/{params['Key']}")]
    if call.service == "dynamodb":
        return dynamodb_needs(call.operation, params)
    if call.service == "sqs":
        return [Need(action, queues[params["QueueUrl"]])]
    raise AssertionError(f"no IAM mapping for {call.service}:{call.operation}")


def dynamodb_needs(operation: str, params: dict[str, Any]) -> list[Need]:
    """Return what a DynamoDB call needs: the table, or its index, per item of a batch."""
    if operation == "TransactWriteItems":
        parts = [next(iter(item.items())) for item in params["TransactItems"]]
        return [Need(f"dynamodb:{TRANSACTION_PARTS[kind]}", table_arn(p)) for kind, p in parts]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        action = "dynamodb:BatchGetItem" if operation == "BatchGetItem" else "dynamodb:PutItem"
        return [Need(action, table_arn({"TableName": name})) for name in params["RequestItems"]]
    resource = table_arn(params)
    if params.get("IndexName"):
        resource = f"{resource}/index/{params['IndexName']}"
    return [Need(f"dynamodb:{operation}", resource)]


def table_arn(params: dict[str, Any]) -> str:
    """Return the template's name for the table a request names."""
    assert params["TableName"] == TABLE, params["TableName"]
    return TABLE_ARN


def allowed(template: Template, function: str, need: Need) -> bool:
    """Return whether a statement of the function's role allows the need."""
    for statement in statements(template, function):
        if need.action not in as_list(statement["Action"]):
            continue
        targets = [render(r) for r in as_list(statement["Resource"])]
        if not any(fnmatchcase(need.resource, pattern) for pattern in targets):
            continue
        prefixes = statement.get("Condition", {}).get("StringLike", {}).get("s3:prefix")
        if need.prefix is None or prefixes is None:
            return True
        if any(fnmatchcase(need.prefix, pattern) for pattern in as_list(prefixes)):
            return True
    return False


def denied(template: Template, function: str, calls: list[Call], flow: Flow) -> list[str]:
    """Return each distinct permission the calls needed that the role does not grant."""
    settings = flow.services.settings
    queues = {
        settings.queue_url: "${UploadsQueue.Arn}",
        settings.dead_letter_queue_url: "${UploadsDeadLetterQueue.Arn}",
    }
    wanted = {need for call in calls for need in needs(call, queues)}
    return sorted(
        f"{need.action} on {need.resource}" + (f" (prefix {need.prefix!r})" if need.prefix else "")
        for need in wanted
        if not allowed(template, function, need)
    )


@pytest.fixture
def flow(aws_environment: None, osmem_clone: Any) -> Iterator[Flow]:
    """Yield the event flow on moto (S3, DynamoDB, SQS) and an OpenSearch clone."""
    with aws_flow_on(osmem_clone.url) as running:
        yield running


def portrait(seed: int) -> bytes:
    """Return a photo-like JPEG portrait."""
    return images.jpeg(images.photo(500, 400, seed=seed))


def logo() -> bytes:
    """Return a small opaque PNG logo."""
    blue = pyvips.Image.black(120, 60) + [0, 0, 255]
    return blue.bandjoin(255).cast("uchar").copy(interpretation="srgb").pngsave_buffer()


ACCOUNT = {"email": "iris@example.com", "password": "a long enough password"}


def drifted_gallery(flow: Flow) -> None:
    """Leave something for every kind of repair: the audit then takes each of its paths."""
    services = flow.services
    artist = flow.artist()
    ready, stuck = flow.artwork(artist, "Ready"), flow.artwork(artist, "Stuck")
    flow.store_original(ready)
    flow.send("created", ready, "0A")
    flow.drain()
    reprocess = services.artworks.request_reprocess
    failing = Switchable(services.media, lambda: StorageUnavailable("down (simulated)"))
    failing.fail_when(lambda method, _args: method == "delete")
    ProfileImages(services.repository, services.media, "", reprocess).set_portrait(
        artist.id, portrait(1)
    )
    ProfileImages(services.repository, failing, "", reprocess).set_portrait(artist.id, portrait(2))
    record = flow.record(ready)
    services.media.delete(record.renditions[0]["key"])  # a ready work lost a rendition
    stray = rendition_key(artist.id, "01HGONE", "s1", "w320.webp")
    services.media.put(stray, b"webp", "image/webp")  # a rendition of no work
    services.blobs.put("originals/nobody/nothing/u1", b"x", "image/jpeg")  # no work's original
    overdue = replace(
        flow.record(stuck), status=Status.PROCESSING, deadline="2020-01-01T00:00:00.000Z"
    )
    services.repository.save_artwork(overdue, flow.record(stuck).version)


@pytest.mark.parametrize("function", ["AuditLambdaFunction", "AdminApiLambdaFunction"])
def test_the_audit_and_its_repairs_call_only_what_the_role_allows(
    template: Template, flow: Flow, function: str
) -> None:
    # GIVEN a gallery with something for every repair to do
    drifted_gallery(flow)
    auditor = replace(flow.services.auditor(), grace=-1.0)
    # WHEN the audit repairs (the hourly function, or the admin API's POST /admin/audit/repair)
    with recorded() as calls:
        report = auditor.audit(repair=True)
    kinds = {finding.kind for finding in report.repaired}
    assert {"orphan_original", "orphan_rendition", "orphan_profile_file"} <= kinds
    assert {"missing_renditions", "overdue"} <= kinds
    assert ("s3", "HeadObject") in {(call.service, call.operation) for call in calls}
    # THEN every call it made is one the role allows
    assert denied(template, function, calls, flow) == []


def test_the_sweeper_calls_only_what_its_role_allows(template: Template, flow: Flow) -> None:
    drifted_gallery(flow)
    with recorded() as calls:
        report = flow.services.sweeper().sweep()
    assert report.expired and calls
    assert denied(template, "SweepLambdaFunction", calls, flow) == []


def test_the_processor_calls_only_what_its_role_allows(template: Template, flow: Flow) -> None:
    # GIVEN an upload's event
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    messages = flow.receive(1)
    # WHEN the handler processes the batch (the poller's receive and delete are the mapping's)
    with recorded() as calls:
        response = flow.worker.handler(sqs_event(messages), LambdaContext())
    assert response == {"batchItemFailures": []} and calls
    assert flow.record(artwork).status is Status.READY
    # THEN every call it made is one the role allows
    assert denied(template, "ProcessUploadsLambdaFunction", calls, flow) == []


def test_the_mapping_calls_the_processor_polls_with_are_allowed(
    template: Template, flow: Flow
) -> None:
    # Lambda's event source mapping receives and deletes with the function's own role
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    with recorded() as calls:
        [message] = flow.receive(1)
        flow.services.queue.delete(message.receipt)
    assert denied(template, "ProcessUploadsLambdaFunction", calls, flow) == []


def test_a_call_outside_the_role_is_found(template: Template, flow: Flow) -> None:
    # the check itself: the sweeper's role may not put objects in the media bucket
    with recorded() as calls:
        flow.services.media.put("renditions/x/y/s/w.webp", b"x", "image/webp")
    assert denied(template, "SweepLambdaFunction", calls, flow) == [
        "s3:PutObject on ${MediaBucket.Arn}/renditions/x/y/s/w.webp"
    ]


def test_the_indexer_calls_only_what_its_role_allows(template: Template, flow: Flow) -> None:
    # GIVEN a published, processed work and its artist's rename waiting on the stream
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    flow.services.artworks.set_visibility(artist.id, artwork.id, Visibility.PUBLISHED)
    flow.drain(search=False)
    ProfileService(flow.services.repository, flow.services.artworks.request_reprocess).edit(
        artist.id, {"display_name": "Ada Mezzotint"}
    )
    # WHEN the stream's records reach the indexer's handler (reading the stream is the mapping's)
    calls: list[Call] = []
    handle = flow.stream.handler  # type: ignore[attr-defined]

    def recording_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with recorded() as made:
            response = handle(event, context)
        calls.extend(made)
        return response

    flow.stream.handler = recording_handler  # type: ignore[attr-defined]
    flow.settle_search()
    assert calls and flow.documents() == 1
    # THEN every call it made is one the role allows
    assert denied(template, "IndexChangesLambdaFunction", calls, flow) == []


def test_an_artists_day_through_the_content_api_calls_only_what_its_role_allows(
    template: Template, flow: Flow
) -> None:
    http = create_app(flow.services, parts=("content",)).test_client()
    with recorded() as calls:
        # an artist registers, logs in, creates a work and asks for its upload form
        answers = [http.post("/auth/register", json=ACCOUNT | {"display_name": "Iris Aquatint"})]
        token = http.post("/auth/login", json=ACCOUNT).json["token"]  # type: ignore[index]
        auth = {"Authorization": f"Bearer {token}"}
        work = http.post("/me/artworks", json={"title": "Harbour"}, headers=auth).json
        assert work is not None
        me = f"/me/artworks/{work['id']}"
        form = http.post(f"{me}/upload", json={"content_type": "image/jpeg"}, headers=auth).json
    assert form is not None
    # (the browser posts the file to S3 and the processor renders it)
    flow.raw_uploads.put(form["fields"]["key"], images.jpeg(images.photo(640, 480)), "image/jpeg")
    record = flow.services.repository.get_artwork(work["id"])
    flow.send("created", record, "0A", key=form["fields"]["key"])
    flow.drain(search=False)
    jpeg = {**auth, "Content-Type": "image/jpeg"}
    png = {**auth, "Content-Type": "image/png"}
    with recorded() as more:
        # edits, publishes, crops, arranges; a portrait, a logo, a series; visitors read it all
        answers += [
            http.patch("/me", json={"bio": "Etchings of the estuary."}, headers=auth),
            http.patch(me, json={"title": "Harbour at dusk"}, headers=auth),
            http.post(f"{me}/publish", headers=auth),
            http.put(f"{me}/focal-point", json={"focal_point": [0.3, 0.6]}, headers=auth),
            http.get(f"{me}/resembles", headers=auth),
            http.put("/me/portrait", data=portrait(3), headers=jpeg),
            http.put("/me/portrait", data=portrait(4), headers=jpeg),
            http.put("/me/logo", data=logo(), headers=png),
            http.get("/me/logo", headers=auth),
            http.delete("/me/logo", headers=auth),
            http.post("/me/series", json={"title": "Harbour studies"}, headers=auth),
            http.put("/me/work-order", json={"work_order": [work["id"]]}, headers=auth),
            http.get("/artworks"),
            http.get(f"/artworks/{work['id']}"),
            http.get("/artists"),
            http.get("/artists?shuffle=2026-12-07&limit=4"),
            http.get("/artists/iris-aquatint"),
            http.get("/artists/iris-aquatint/artworks"),
            http.get("/artists/iris-aquatint/artworks/harbour-at-dusk"),
            http.post(f"{me}/reprocess", headers=auth),
            http.delete(me, headers=auth),
        ]
    refused = [(a.request.path, a.status_code) for a in answers if a.status_code >= 400]
    assert refused == [(f"{me}/resembles", 404)]  # it resembles nothing (after the lookups)
    assert denied(template, "ContentApiLambdaFunction", calls + more, flow) == []


def test_an_admins_dead_letter_tools_call_only_what_the_admin_api_allows(
    template: Template, flow: Flow
) -> None:
    # GIVEN two messages dead-lettered after their three receives
    first, second = (flow.services.queue.send(f"not an event {n}") for n in (1, 2))
    flow.drain(search=False)
    maintenance = flow.services.maintenance()
    with recorded() as calls:
        # WHEN an admin lists, peeks, replays one by id and the other by its error, then
        # purges (a replay of everything is an SQS move task, which moto does not offer)
        assert {v.id for v in maintenance.listed_dead_letters()} == {first, second}
        maintenance.dead_letter(first, peek=True)
        maintenance.replay(DeadLetterFilter(ids=(first,)))
        maintenance.replay(DeadLetterFilter(error_class="MalformedMessage"))
        maintenance.purge()
        maintenance.reprocess(ReprocessFilter(status=Status.READY))
    # THEN every call is one the admin API's role allows
    operations = {call.operation for call in calls}
    assert {"ReceiveMessage", "SendMessage", "DeleteMessage", "PurgeQueue"} <= operations
    assert denied(template, "AdminApiLambdaFunction", calls, flow) == []
