"""The event flow's guarantees, on both backends: idempotent, order-safe, nothing lost."""

from __future__ import annotations

from dataclasses import replace

import boto3

from content.lifecycle import DEAD_LETTERED as FAILED_REASON
from content.model import Status, Visibility
from copper.demo_art import artwork_image, artwork_jpeg
from copper.worker import LambdaContext, Worker, sqs_event
from handlers.process_uploads import build_handler
from ingest.maintenance import DeadLetterFilter, ReprocessFilter
from messaging.local_events import s3_notification
from service.processing import build_consumer

from .conftest import CORRUPT_JPEG, PIPELINE, Flow


def test_an_upload_becomes_ready_with_renditions_facts_and_a_search_document(flow: Flow) -> None:
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    flow.drain()
    record = flow.record(artwork)
    assert record.status is Status.READY
    assert record.facts and record.facts["width"] == 480
    assert sorted(flow.media_keys(artwork)) == sorted(r["key"] for r in record.renditions)
    assert {r["format"] for r in record.renditions} == {"webp", "jpeg"}
    assert all(r["url"].endswith(r["key"]) for r in record.renditions)
    assert record.original and record.original.sequencer == "0A"
    assert flow.documents() == 1
    assert flow.audit().ok


def test_the_same_event_twice_gives_one_record_one_rendition_set_and_one_document(
    flow: Flow,
) -> None:
    # GIVEN one S3 event delivered as two SQS messages (different message ids)
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    first, second = flow.send("created", artwork, "0A"), flow.send("created", artwork, "0A")
    assert first != second
    # WHEN both are handled
    flow.drain()
    # THEN the work was processed once
    record = flow.record(artwork)
    assert record.status is Status.READY
    assert sorted(flow.media_keys(artwork)) == sorted(r["key"] for r in record.renditions)
    assert len(flow.media_keys(artwork)) == 4  # 320 px and thumb, in WebP and JPEG
    assert flow.documents() == 1
    assert flow.audit().ok


def test_a_removal_that_arrives_before_its_creation_leaves_the_work_deleted(flow: Flow) -> None:
    # GIVEN an original uploaded and then removed, whose events arrive in reverse order
    artwork = flow.artwork(flow.artist())
    key = flow.store_original(artwork)
    flow.raw_uploads.delete(key)
    flow.send("removed", artwork, "0B")
    flow.drain()
    flow.send("created", artwork, "0A")
    flow.drain()
    # THEN the late creation is stale: the work stays deleted, with nothing rendered
    record = flow.record(artwork)
    assert record.status is Status.DELETED
    assert flow.media_keys(artwork) == []
    assert flow.documents() == 0
    assert flow.audit().ok


def test_a_late_creation_never_revives_a_work_the_artist_deleted(flow: Flow) -> None:
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.services.artworks.delete(artist.id, artwork.id)
    flow.send("created", artwork, "0F")
    flow.drain()
    assert flow.record(artwork).status is Status.DELETED
    assert flow.media_keys(artwork) == []
    assert flow.audit().ok


def test_a_file_replaced_through_a_new_form_wins_and_the_old_forms_events_are_no_ops(
    flow: Flow,
) -> None:
    # GIVEN a processed original
    artist = flow.artist()
    artwork = flow.artwork(artist)
    first_key = flow.store_original(artwork, artwork_jpeg(1, 480))
    flow.send("created", artwork, "0A")
    flow.drain()
    first = flow.record(artwork)
    # WHEN the artist replaces it through a new form, and stale copies of the first
    # upload's event arrive afterwards
    new_key = flow.upload_key(artwork)
    assert flow.record(artwork).status is Status.READY  # public until the new file is done
    flow.store_original(artwork, artwork_jpeg(2, 640))
    flow.send("created", artwork, "0B", key=new_key)
    flow.drain()
    flow.send("created", artwork, "0A", key=first_key)
    flow.send("created", artwork, "09FFFF", key=first_key)
    flow.drain()
    # THEN the newer image stands, with only its own renditions, and the old file is gone
    record = flow.record(artwork)
    assert record.original and (record.original.key, record.original.sequencer) == (new_key, "0B")
    assert record.facts and record.facts["width"] == 640
    assert record.facts["phash"] != (first.facts or {})["phash"]
    assert sorted(flow.media_keys(artwork)) == sorted(r["key"] for r in record.renditions)
    assert list(flow.raw_uploads.list("originals/")) == [new_key]
    assert flow.documents() == 1
    assert flow.audit().ok


def test_a_form_used_again_never_replaces_the_image_of_a_ready_work(flow: Flow) -> None:
    # GIVEN a ready work whose form was used once
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork, artwork_jpeg(1, 480))
    flow.send("created", artwork, "0A")
    flow.drain()
    before = flow.record(artwork)
    # WHEN a second event arrives for the same key (the form posted again)
    flow.send("created", artwork, "0B")
    flow.drain()
    # THEN nothing changes: the record, its renditions and its search document stand
    after = flow.record(artwork)
    assert (after.version, after.renditions) == (before.version, before.renditions)
    assert flow.audit().ok


def test_a_file_from_a_form_the_work_no_longer_uses_is_ignored_and_removed(flow: Flow) -> None:
    # GIVEN a work whose first form was replaced by a second before any upload
    artwork = flow.artwork(flow.artist())
    stale_key = flow.upload_key(artwork)
    flow.upload_key(artwork)
    # WHEN a file arrives through the first form
    flow.raw_uploads.put(stale_key, artwork_jpeg(1, 480), "image/jpeg")
    flow.send("created", artwork, "0A", key=stale_key)
    flow.drain()
    # THEN it is not processed and not kept
    assert flow.record(artwork).status is Status.AWAITING_UPLOAD
    assert not flow.raw_uploads.exists(stale_key)
    assert flow.audit().ok


def test_a_refused_file_is_not_kept_and_the_artist_can_upload_a_new_one(flow: Flow) -> None:
    # GIVEN a corrupt upload, rejected
    artist = flow.artist()
    artwork = flow.artwork(artist)
    refused_key = flow.store_original(artwork, CORRUPT_JPEG)
    flow.send("created", artwork, "0A")
    flow.drain()
    assert flow.record(artwork).status is Status.REJECTED
    assert not flow.raw_uploads.exists(refused_key)
    assert flow.audit().ok
    # WHEN the artist uploads a good file through a new form
    flow.upload_key(artwork)
    flow.store_original(artwork)
    flow.send("created", artwork, "01")
    flow.drain()
    # THEN the work is ready
    assert flow.record(artwork).status is Status.READY
    assert flow.audit().ok


def test_a_mixed_batch_reports_exactly_the_record_whose_original_could_not_be_read(
    flow: Flow,
) -> None:
    # GIVEN a batch: a good image, a corrupt one, one whose original cannot be read, a good one
    artist = flow.artist()
    good, corrupt, unreadable, other = (flow.artwork(artist, t) for t in "ABCD")
    for artwork in (good, unreadable, other):
        flow.store_original(artwork)
    flow.store_original(corrupt, CORRUPT_JPEG)
    flow.uploads.fail_when(
        lambda name, args: name == "download_to" and f"/{unreadable.id}/" in args[0]
    )
    ids = {a.id: flow.send("created", a, "0A") for a in (good, corrupt, unreadable, other)}
    # WHEN the handler gets them in one batch
    messages = flow.receive(4)
    response = flow.worker.handler(sqs_event(messages), LambdaContext())
    # THEN only the unreadable record is reported; the corrupt one is a permanent rejection
    assert response == {"batchItemFailures": [{"itemIdentifier": ids[unreadable.id]}]}
    assert flow.record(good).status is Status.READY
    assert flow.record(other).status is Status.READY
    rejected = flow.record(corrupt)
    assert rejected.status is Status.REJECTED
    assert rejected.rejection_reason and "damaged" in rejected.rejection_reason
    # AND once the store recovers, the retry converges
    flow.acknowledge_all_but(messages, ids[unreadable.id])
    flow.uploads.heal()
    flow.drain()
    assert flow.record(unreadable).status is Status.READY
    assert flow.documents() == 4  # the rejected work keeps its (draft) document
    assert flow.audit().ok


def test_an_index_outage_delays_search_but_not_processing_and_search_catches_up_after_it(
    flow: Flow,
) -> None:
    # GIVEN a published work, and then an index outage
    artist = flow.artist()
    shown, hidden = flow.artwork(artist, "Shown"), flow.artwork(artist, "Hidden")
    for artwork in (shown, hidden):
        flow.store_original(artwork)
        flow.send("created", artwork, "0A")
        flow.services.artworks.set_visibility(artist.id, artwork.id, Visibility.PUBLISHED)
    flow.drain()
    assert {s.artwork_id for s in flow.index.inner.stamps() if s.visible} == {shown.id, hidden.id}
    flow.index.down = True
    # WHEN during the outage a new work is uploaded, one is unpublished and one retitled
    late = flow.artwork(artist, "Late")
    flow.store_original(late)
    flow.send("created", late, "0A")
    flow.services.artworks.set_visibility(artist.id, hidden.id, Visibility.DRAFT)
    flow.services.artworks.edit(artist.id, shown.id, {"title": "Shown again"})
    flow.drain(search=False)
    # THEN processing went on: the new work is ready, nothing was dead-lettered
    assert flow.record(late).status is Status.READY
    assert flow.services.maintenance().dead_letters() == []
    # AND when the outage ends, search reflects every change without a reindex or a replay
    flow.index.down = False
    flow.settle_search()
    stamps = {stamp.artwork_id: stamp for stamp in flow.index.inner.stamps()}
    assert stamps[hidden.id].visible is False
    assert stamps[shown.id].title == "Shown again"
    assert stamps[late.id].version == flow.record(late).version
    assert flow.audit().ok


def test_a_content_store_outage_dead_letters_the_message_and_a_replay_converges(
    flow: Flow,
) -> None:
    outage_then_replay(flow, "store", "StoreUnavailable")


def test_an_uploads_store_outage_dead_letters_the_message_and_a_replay_converges(
    flow: Flow,
) -> None:
    outage_then_replay(flow, "uploads", "StorageUnavailable")


def outage_then_replay(flow: Flow, part: str, error_class: str) -> None:
    """Upload during an outage, let it die, recover, replay, and check the converged state."""
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    switch = {"index": flow.index, "store": flow.store, "uploads": flow.uploads}[part]
    # GIVEN the index (or store) is down when the upload's event arrives
    switch.down = True
    message_id = flow.send("created", artwork, "0A")
    flow.drain(search=False)
    switch.down = False
    flow.settle_search()
    # THEN after three receives the message is a dead letter with its error recorded
    [letter] = flow.services.maintenance().dead_letters()
    assert (letter.id, letter.error_class, letter.artwork_id) == (
        message_id,
        error_class,
        artwork.id,
    )
    assert letter.receive_count >= 3
    if part != "store":  # the store was up, so the artist sees the failure and a retry
        failed = flow.record(artwork)
        assert (failed.status, failed.rejection_reason) == (Status.FAILED, FAILED_REASON)
    assert flow.audit().counts["dead_letters"] == 1
    assert flow.audit().ok
    # WHEN the admin replays the failed messages of that class
    dry = flow.services.maintenance().replay(
        DeadLetterFilter(error_class=error_class), dry_run=True
    )
    assert [m.id for m in dry.messages] == [message_id]
    assert len(flow.services.maintenance().dead_letters()) == 1
    flow.services.maintenance().replay(DeadLetterFilter(error_class=error_class))
    flow.drain()
    # THEN the work is ready, indexed once, and every original is accounted for
    assert flow.services.maintenance().dead_letters() == []
    record = flow.record(artwork)
    assert record.status is Status.READY
    assert flow.documents() == 1
    report = flow.audit()
    assert report.ok and report.counts["ready"] == 1


def test_a_batch_handled_but_never_acknowledged_is_redelivered_without_duplicates(
    flow: Flow,
) -> None:
    # GIVEN a worker that processed a batch and died before deleting its messages
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    messages = flow.services.queue.receive(10)
    flow.worker.handler(sqs_event(messages), LambdaContext())
    keys = sorted(flow.media_keys(artwork))
    # WHEN the messages reappear after the visibility timeout and are handled again
    flow.drain()
    # THEN nothing is lost and nothing doubled
    assert flow.record(artwork).status is Status.READY
    assert sorted(flow.media_keys(artwork)) == keys
    assert flow.documents() == 1
    assert flow.audit().ok


def test_malformed_and_non_s3_messages_end_in_the_dead_letters_and_test_events_are_dropped(
    flow: Flow,
) -> None:
    queue = flow.services.queue
    malformed = queue.send("this is not JSON")
    foreign = queue.send('{"Records": [{"eventSource": "aws:sns", "Sns": {}}]}')
    queue.send('{"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"}')
    flow.drain()
    letters = {letter.id: letter for letter in flow.services.maintenance().dead_letters()}
    assert set(letters) == {malformed, foreign}
    assert {letter.error_class for letter in letters.values()} == {"MalformedMessage"}
    assert flow.audit().ok


def test_the_same_image_from_another_artist_is_flagged_as_a_possible_duplicate(
    flow: Flow,
) -> None:
    # GIVEN a work by one artist, processed and indexed
    image = artwork_jpeg(9, 480)
    original = flow.artwork(flow.artist("Ada Verdigris"), "Harbour")
    flow.store_original(original, image)
    flow.send("created", original, "0A")
    flow.drain()
    # WHEN the same artist uploads it again THEN it is not a duplicate of their own work
    again = flow.artwork(flow.services.repository.get_artist(original.artist_id), "Harbour II")
    flow.store_original(again, image)
    flow.send("created", again, "0A")
    flow.drain()
    assert flow.record(again).possible_duplicate_of is None
    # WHEN another artist uploads the same picture, re-encoded smaller
    copy = flow.artwork(flow.artist("Rufus Ochre"), "My harbour")
    flow.store_original(copy, artwork_image(9, 480).resize(0.8).jpegsave_buffer(Q=70))
    flow.send("created", copy, "0A")
    flow.drain()
    # THEN it is flagged, naming the first artist's earliest matching work
    assert flow.record(copy).possible_duplicate_of == original.id
    assert flow.record(original).possible_duplicate_of is None


def test_an_artist_retries_a_work_that_failed_in_an_outage_and_it_becomes_ready(
    flow: Flow,
) -> None:
    # GIVEN a work that failed for good while the uploads store was down
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.uploads.down = True
    flow.send("created", artwork, "0A")
    flow.drain(search=False)
    flow.uploads.down = False
    assert flow.record(artwork).status is Status.FAILED
    # WHEN the artist presses retry (POST /me/artworks/{id}/reprocess)
    retried = flow.services.artworks.request_reprocess(artist.id, artwork.id)
    assert retried.status is Status.PROCESSING
    flow.drain()
    # THEN the work is ready, searchable, and every original is accounted for
    assert flow.record(artwork).status is Status.READY
    assert flow.documents() == 1
    assert flow.audit().ok


def test_a_new_pipeline_version_renders_again_while_a_repeated_event_stays_a_duplicate(
    flow: Flow,
) -> None:
    # GIVEN a work made by the current pipeline
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    flow.drain()
    before = flow.record(artwork)
    # WHEN a newer pipeline is deployed: its worker sees the same event again, then the
    # outdated works are queued for reprocessing
    newer = replace(PIPELINE, version="2099.1.1")
    consumer = build_consumer(flow.services, newer)
    worker = Worker(flow.services.queue, build_handler(lambda: consumer), wait_seconds=0)
    flow.send("created", artwork, "0A")
    worker.drain()
    assert flow.record(artwork).version == before.version  # a duplicate: nothing rendered
    maintenance = replace(flow.services.maintenance(), pipeline_version=newer.version)
    assert maintenance.reprocess(ReprocessFilter(outdated=True)) == [artwork.id]
    worker.drain()
    # THEN the work carries new renditions under the new version, and the old ones are gone
    after = flow.record(artwork)
    assert (after.status, after.pipeline_version) == (Status.READY, "2099.1.1")
    new_keys = {r["key"] for r in after.renditions}
    assert new_keys.isdisjoint(r["key"] for r in before.renditions)
    assert set(flow.media_keys(artwork)) == new_keys
    flow.drain()
    assert flow.audit().ok


def test_on_a_versioned_bucket_a_form_posted_again_loses_only_the_version_it_added(
    aws_flow: Flow,
) -> None:
    # GIVEN a ready work whose original is one version of its key
    flow = aws_flow
    artwork = flow.artwork(flow.artist())
    key = flow.upload_key(artwork)
    s3 = boto3.client("s3")
    image = artwork_jpeg(4, 480)
    first = s3.put_object(Bucket=flow.bucket, Key=key, Body=image)["VersionId"]
    body = s3_notification("ObjectCreated:Post", flow.bucket, key, "0A", version_id=first)
    flow.services.queue.send(body)
    flow.drain()
    before = flow.record(artwork)
    assert before.status is Status.READY
    # WHEN the same form is posted again, with an HTML page declared as an image
    second = s3.put_object(Bucket=flow.bucket, Key=key, Body=b"<html>not art</html>")
    again = s3_notification(
        "ObjectCreated:Post", flow.bucket, key, "0B", version_id=second["VersionId"]
    )
    flow.services.queue.send(again)
    flow.drain()
    # THEN the work is untouched and only the added version is gone
    assert flow.record(artwork).version == before.version
    versions = s3.list_object_versions(Bucket=flow.bucket, Prefix=key).get("Versions", [])
    assert [v["VersionId"] for v in versions] == [first]
    assert s3.get_object(Bucket=flow.bucket, Key=key)["Body"].read() == image
    assert flow.audit().ok
