"""The event-flow commands as an operator runs them: the installed `copper` script."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from content.model import Status
from copper.demo_art import artwork_image, artwork_jpeg
from ingest.maintenance import DeadLetterFilter
from kernel.keys import original_key
from messaging.local_events import s3_notification
from messaging.sqlite import SqliteQueue
from service.bootstrap import Services, build_services
from service.settings import ServiceSettings
from testkit.cli import COPPER

SECRET = "cli-test-secret-" + "x" * 32


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return an empty data directory."""
    return tmp_path / "var"


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of a `copper` process on this data directory."""
    return os.environ | {
        "COPPER_DATA_DIR": str(data_dir),
        "COPPER_TOKEN_SECRET": SECRET,
        "COPPER_VISIBILITY_TIMEOUT": "1",
        "COPPER_MAX_RECEIVE_COUNT": "2",
        "COPPER_LADDER": "320",
        **extra,
    }


def services(data_dir: Path) -> Services:
    """Build the services the CLI will see, in this process."""
    settings = ServiceSettings(
        data_dir=str(data_dir), token_secret=SECRET, visibility_timeout=1, max_receive_count=2
    )
    return build_services(settings)


def copper(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run `copper` with arguments; return the finished process."""
    return subprocess.run(
        [str(COPPER), *args],
        env=environment(data_dir),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def upload(found: Services, image: bytes) -> str:
    """Create a work and store its original (the local store raises the S3 event)."""
    artist = found.accounts.register(
        f"{len(image)}@example.com", "a long enough password", f"Ada Verdigris {len(image)}"
    )
    artwork = found.artworks.create(artist.id, {"title": "Tide"})
    form = found.uploads.issue(artist.id, artwork.id, "image/jpeg")
    found.blobs.put(form.fields["key"], image, "image/jpeg")
    return artwork.id


def test_the_worker_processes_uploads_and_the_audit_is_clean(data_dir: Path) -> None:
    found = services(data_dir)
    work = upload(found, artwork_jpeg(1, 480))
    assert copper(data_dir, "audit").returncode == 0  # queued: pending, not missing
    result = copper(data_dir, "worker", "--once")
    assert result.returncode == 0, result.stderr
    assert found.repository.get_artwork(work).status is Status.READY
    audit = copper(data_dir, "audit", "--json")
    assert audit.returncode == 0
    assert json.loads(audit.stdout)["counts"]["ready"] == 1


def test_a_worker_killed_mid_message_loses_nothing(data_dir: Path) -> None:
    # GIVEN a large original and a worker process that has taken its message
    found = services(data_dir)
    big = artwork_image(2, 600).resize(8).jpegsave_buffer(Q=85)
    work = upload(found, big)
    worker = subprocess.Popen(
        [str(COPPER), "worker"],
        env=environment(data_dir, COPPER_LADDER="320,640,1024,1600,2400"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while found.queue.counts()["in_flight"] == 0:
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.01)
    # WHEN it is killed in the middle of processing
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    assert found.repository.get_artwork(work).status is not Status.READY
    # THEN the message reappears after the visibility timeout and another worker finishes it
    time.sleep(1.2)
    assert copper(data_dir, "worker", "--once").returncode == 0
    assert found.repository.get_artwork(work).status is Status.READY
    assert copper(data_dir, "audit").returncode == 0


def test_dead_letters_are_listed_shown_replayed_and_purged(data_dir: Path) -> None:
    # GIVEN two malformed messages that died after two receives
    found = services(data_dir)
    first = found.queue.send("not json")
    second = found.queue.send('{"Records": [{"eventSource": "aws:sns"}]}')
    for _ in range(3):
        copper(data_dir, "worker", "--once")
        time.sleep(1.1)
    listed = copper(data_dir, "dlq", "list", "--json")
    assert listed.returncode == 0
    letters = json.loads(listed.stdout)
    assert {letter["id"] for letter in letters} == {first, second}
    assert {letter["error_class"] for letter in letters} == {"MalformedMessage"}
    table = copper(data_dir, "dlq", "list").stdout
    assert first in table and "MalformedMessage" in table
    shown = copper(data_dir, "dlq", "show", first)
    assert json.loads(shown.stdout)["error_class"] == "MalformedMessage"
    assert copper(data_dir, "dlq", "show", "missing-id").returncode == 1
    # WHEN one is replayed with a dry run, then for real
    dry = copper(data_dir, "dlq", "replay", "--id", first, "--dry-run")
    assert "would move 1" in dry.stdout
    assert len(found.queue.dead_letters()) == 2
    moved = copper(data_dir, "dlq", "replay", "--id", first, "--rate", "5")
    assert "moved 1" in moved.stdout
    assert [letter.id for letter in found.queue.dead_letters()] == [second]
    # AND the rest is purged only after confirmation
    refused = copper(data_dir, "dlq", "purge", stdin="n\n")
    assert refused.returncode == 1 and len(found.queue.dead_letters()) == 1
    assert "purged 1" in copper(data_dir, "dlq", "purge", "--yes").stdout
    assert found.queue.dead_letters() == []


def test_the_audit_finds_an_original_whose_event_was_lost_and_repairs_it(
    data_dir: Path,
) -> None:
    found = services(data_dir)
    work = upload(found, artwork_jpeg(1, 480))
    found.queue.purge_dead_letters()
    for message in found.queue.receive(10):  # the event is lost (deleted unprocessed)
        found.queue.delete(message.receipt)
    result = copper(data_dir, "audit", "--grace", "0")
    assert result.returncode == 1
    assert "UNPROCESSED_ORIGINAL: originals/" in result.stdout and work in result.stdout
    # AND the audit's repair sends its event again, so a worker makes it ready
    repaired = copper(data_dir, "audit", "--grace", "0", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "REPAIRED unprocessed_original" in repaired.stdout
    assert copper(data_dir, "worker", "--once").returncode == 0
    assert found.repository.get_artwork(work).status is Status.READY


def test_reprocess_queues_outdated_works(data_dir: Path) -> None:
    found = services(data_dir)
    work = upload(found, artwork_jpeg(1, 480))
    copper(data_dir, "worker", "--once")
    assert "would queue 0" in copper(data_dir, "reprocess", "--outdated", "--dry-run").stdout
    assert "would queue 1" in copper(data_dir, "reprocess", "--status", "ready", "--dry-run").stdout
    before = found.repository.get_artwork(work)
    assert "queued 1" in copper(data_dir, "reprocess", "--status", "ready").stdout
    pending = found.repository.get_artwork(work)
    assert pending.status is Status.READY and pending.reprocess_request
    copper(data_dir, "worker", "--once")
    after = found.repository.get_artwork(work)
    assert after.status is Status.READY and after.reprocess_request is None
    assert {r["key"] for r in after.renditions} != {r["key"] for r in before.renditions}


def dead_letter(data_dir: Path, body: str) -> str:
    """Put one message straight into the dead-letter queue (received past its limit)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fast = SqliteQueue(data_dir / "queue.db", visibility_timeout=0, max_receive_count=1)
    message_id = fast.send(body)
    while fast.receive(10):
        pass
    return message_id


def object_event(artist_id: str, artwork_id: str) -> str:
    """Return the S3 notification of a work's original."""
    key = original_key(artist_id, artwork_id, "01upload")
    return s3_notification("ObjectCreated:Put", "uploads", key, "00A1")


def test_dead_letters_are_chosen_by_artist_age_and_count(data_dir: Path) -> None:
    # GIVEN two dead letters of one artist and one of another
    found = services(data_dir)
    ada = found.accounts.register("ada@example.com", "a long enough password", "Ada Verdigris")
    bo = found.accounts.register("bo@example.com", "a long enough password", "Bo Lindqvist")
    ada_letters = {
        dead_letter(
            data_dir, object_event(ada.id, found.artworks.create(ada.id, {"title": "Tide"}).id)
        )
        for _ in range(2)
    }
    dead_letter(data_dir, object_event(bo.id, found.artworks.create(bo.id, {"title": "Ebb"}).id))
    # THEN --artist (by slug) picks Ada's, --older-than nothing this fresh
    by_artist = copper(data_dir, "dlq", "replay", "--artist", ada.slug, "--dry-run")
    assert "would move 2" in by_artist.stdout and all(i in by_artist.stdout for i in ada_letters)
    assert (
        "would move 0"
        in copper(data_dir, "dlq", "replay", "--older-than", "1h", "--dry-run").stdout
    )
    unknown = copper(data_dir, "dlq", "replay", "--artist", "nobody", "--dry-run")
    assert unknown.returncode == 2 and "no artist 'nobody'" in unknown.stderr
    # AND a clock two hours on sees all three as older than an hour
    later = replace(found.maintenance(), clock=lambda: time.time() + 7200)
    assert len(later.dead_letters(DeadLetterFilter(older_than=3600))) == 3
    # WHEN --limit 1 moves one of Ada's
    moved = copper(data_dir, "dlq", "replay", "--artist", ada.slug, "--limit", "1")
    assert "moved 1" in moved.stdout
    assert len(found.queue.dead_letters()) == 2 and found.queue.counts()["visible"] == 1


def test_a_whole_queue_replay_reports_its_task_and_unknown_tasks_are_clear_errors(
    data_dir: Path,
) -> None:
    dead_letter(data_dir, "not json")
    replayed = copper(data_dir, "dlq", "replay")
    assert replayed.returncode == 0 and "COMPLETED" in replayed.stdout, replayed.stdout
    for command in ("status", "cancel"):
        result = copper(data_dir, "dlq", command, "no-such-handle")
        assert result.returncode == 1
        assert "no move task 'no-such-handle'" in result.stderr
        assert "Traceback" not in result.stderr


def test_reprocess_picks_older_pipeline_versions_missing_renditions_and_one_artist(
    data_dir: Path,
) -> None:
    # GIVEN two processed works, one made by an older pipeline, one missing its renditions
    found = services(data_dir)
    old, bare = upload(found, artwork_jpeg(1, 480)), upload(found, artwork_jpeg(2, 400))
    copper(data_dir, "worker", "--once")
    copper(data_dir, "worker", "--once")
    for work, change in ((old, {"pipeline_version": "2026.9.3"}), (bare, {"renditions": ()})):
        artwork = found.repository.get_artwork(work)
        found.repository.save_artwork(replace(artwork, **change), artwork.version)
    # THEN each filter names exactly its work
    outdated = copper(data_dir, "reprocess", "--outdated", "--dry-run").stdout
    assert "would queue 1" in outdated and old in outdated
    missing = copper(data_dir, "reprocess", "--missing-renditions", "--dry-run").stdout
    assert "would queue 1" in missing and bare in missing
    artist = found.repository.get_artist(found.repository.get_artwork(bare).artist_id)
    mine = copper(data_dir, "reprocess", "--artist", artist.slug, "--dry-run").stdout
    assert "would queue 1" in mine and bare in mine
