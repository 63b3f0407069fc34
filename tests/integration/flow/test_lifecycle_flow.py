"""No work waits forever, on both backends: deadlines, dead letters, audits and retries.

A message whose processing never reports back (a crashed, killed or timed-out worker) is
emulated by receiving it without handling it until the queue dead-letters it, as SQS does.
"""

from __future__ import annotations

import time
from dataclasses import replace

from content import lifecycle
from content.model import Status
from copper.demo_art import artwork_jpeg
from copper.worker import Worker
from handlers.process_uploads import build_handler
from ingest.consumer import Consumer
from search.document import document_for
from service.processing import build_processor

from .conftest import MAX_RECEIVES, PIPELINE, Flow

PAST = "2020-01-01T00:00:00.000Z"


def lose_every_attempt(flow: Flow, message_id: str) -> None:
    """Receive a message until it is dead-lettered, never finishing an attempt."""
    deadline = time.monotonic() + 30
    while message_id not in {letter.id for letter in flow.services.queue.dead_letters()}:
        flow.services.queue.receive(10)
        assert time.monotonic() < deadline, "the message was never dead-lettered"
        time.sleep(0.3)


def test_a_message_that_never_reports_back_fails_its_work_as_worker_lost(flow: Flow) -> None:
    # GIVEN an upload whose every processing attempt dies without a word
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    message_id = flow.send("created", artwork, "0A")
    lose_every_attempt(flow, message_id)
    [letter] = flow.services.maintenance().dead_letters()
    assert letter.receive_count >= MAX_RECEIVES and letter.error_class == "WorkerLost"
    # WHEN the sweeper runs
    report = flow.services.sweeper().sweep()
    # THEN the work is failed with the cause recorded, and says so to its artist
    assert report.dead_lettered == [artwork.id]
    failed = flow.record(artwork)
    assert (failed.status, failed.error_class) == (Status.FAILED, "WorkerLost")
    assert failed.rejection_reason == lifecycle.DEAD_LETTERED
    assert flow.services.sweeper().sweep().dead_lettered == []  # idempotent
    # AND the artist can act on it: retry, and it becomes ready
    flow.services.maintenance().purge()
    flow.services.artworks.request_reprocess(artist.id, artwork.id)
    flow.drain()
    assert flow.record(artwork).status is Status.READY
    assert flow.audit().ok


def test_an_attempt_lost_before_a_later_failure_is_recorded_as_worker_lost(flow: Flow) -> None:
    # GIVEN an attempt that died, then one that failed with an error
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    message_id = flow.send("created", artwork, "0A")
    flow.services.queue.receive(10)  # an attempt that never reports back
    time.sleep(1.2)
    flow.uploads.down = True
    flow.drain(search=False)
    flow.uploads.down = False
    # THEN the failure log counts the lost attempt too
    failures = flow.services.failures.get([message_id])
    assert failures[message_id].attempts == MAX_RECEIVES


def test_a_work_processing_past_its_deadline_is_failed_and_can_be_retried(flow: Flow) -> None:
    # GIVEN a work stuck in processing past its deadline
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    flow.drain()
    ready = flow.record(artwork)
    stuck = replace(ready, status=Status.PROCESSING, deadline=PAST)
    flow.services.repository.save_artwork(stuck, ready.version)
    flow.settle_search()
    assert [f.kind for f in flow.audit().unresolved] == ["overdue"]
    # WHEN the sweeper runs THEN it is failed with a readable reason
    assert flow.services.sweeper().sweep().expired == [artwork.id]
    failed = flow.record(artwork)
    assert (failed.status, failed.error_class) == (Status.FAILED, "ProcessingOverdue")
    assert failed.rejection_reason == lifecycle.PROCESSING_OVERDUE
    # AND Retry makes it ready again
    flow.services.artworks.request_reprocess(artist.id, artwork.id)
    flow.drain()
    assert flow.record(artwork).status is Status.READY
    assert flow.audit().ok


def test_an_upload_that_never_arrives_fails_the_work_and_a_new_form_still_works(
    flow: Flow,
) -> None:
    # GIVEN a form whose file never arrived, past its deadline
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.upload_key(artwork)
    waiting = flow.record(artwork)
    flow.services.repository.save_artwork(replace(waiting, deadline=PAST), waiting.version)
    # WHEN the sweeper runs THEN the work is failed, its form void
    flow.services.sweeper().sweep()
    failed = flow.record(artwork)
    assert (failed.status, failed.error_class, failed.upload_id) == (
        Status.FAILED,
        "UploadNotReceived",
        None,
    )
    # AND a new form delivers the file
    flow.upload_key(artwork)
    flow.store_original(artwork)
    flow.send("created", artwork, "01")
    flow.drain()
    assert flow.record(artwork).status is Status.READY
    assert flow.audit().ok


def test_a_retry_after_a_failed_save_reuses_the_renditions_it_stored(flow: Flow) -> None:
    # GIVEN a processor whose pipeline runs are counted, and a store that refuses the
    # final save of the work once
    runs: list[str] = []

    def counted(path, settings):  # type: ignore[no-untyped-def]
        runs.append(str(path))
        return processor_pipeline(path, settings)

    processor = build_processor(flow.services, PIPELINE)
    processor_pipeline = processor.pipeline
    processor = replace(processor, pipeline=counted, uploads=flow.services.blobs)
    consumer = Consumer(processor, flow.services.failures, flow.services.queue.max_receive_count)
    worker = Worker(flow.services.queue, build_handler(lambda: consumer), wait_seconds=0)
    refusals = iter([True])
    flow.store.fail_when(lambda name, _: name == "apply_event" and next(refusals, False))
    artwork = flow.artwork(flow.artist())
    flow.store_original(artwork)
    flow.send("created", artwork, "0A")
    # WHEN the message fails once and is retried
    deadline = time.monotonic() + 30
    while flow.record(artwork).status is not Status.READY:
        worker.drain()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    # THEN the pipeline ran once: the retry found the stored renditions by their manifest
    assert len(runs) == 1
    record = flow.record(artwork)
    assert sorted(flow.media_keys(artwork)) == sorted(r["key"] for r in record.renditions)
    flow.drain()
    assert flow.audit().ok


def test_the_audit_repairs_what_drifted_and_reports_the_rest(flow: Flow) -> None:
    # GIVEN a ready work, then drift everywhere around it
    artist = flow.artist()
    artwork = flow.artwork(artist)
    flow.store_original(artwork, artwork_jpeg(3, 480))
    flow.send("created", artwork, "0A")
    flow.drain()
    stranger = f"originals/{artist.id}/01NOSUCHWORK0000000000000/u1"
    flow.raw_uploads.put(stranger, b"x", "image/jpeg")  # an original no work uses
    stray = f"renditions/{artist.id}/{artwork.id}/0000000000000000/320.webp"
    flow.services.media.put(stray, b"x", "image/webp")  # a rendition no record names
    ghost = replace(flow.record(artwork), id="01GHOSTWORK00000000000000A")
    flow.index.inner.upsert([document_for(ghost, flow.services.repository.get_artist(artist.id))])
    waiting = flow.artwork(artist, "Arrived but never announced")
    unannounced = flow.store_original(waiting)  # its event was lost
    flow.settle_search()
    # WHEN the audit runs
    kinds = sorted(finding.kind for finding in flow.audit().unresolved)
    assert kinds == ["orphan_original", "orphan_rendition", "search_orphan", "unprocessed_original"]
    # THEN --repair converges all of it
    repaired = flow.audit(repair=True)
    assert len(repaired.repaired) == 4 and repaired.ok
    flow.drain()
    assert not flow.raw_uploads.exists(stranger) and not flow.services.media.exists(stray)
    assert flow.raw_uploads.exists(unannounced)
    assert flow.record(waiting).status is Status.READY
    assert flow.audit().ok
