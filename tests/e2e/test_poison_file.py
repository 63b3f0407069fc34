"""A file that kills its worker on every attempt ends `failed`, with the cause, and the artist
can go on: real `copper dev`, real worker processes killed by a real SIGKILL.

The workers run with a test hook on their path (testkit/crash_hook) that makes the
pipeline SIGKILL its own process on a file carrying a marker, as an out-of-memory kill or a
crash in a native decoder would. `copper dev` restarts each killed worker; the queue
dead-letters the message after its receives; the workers' sweeper fails the work.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import requests

from copper.demo_art import artwork_jpeg
from copper.seed import register, upload_artwork, upload_original
from testkit.cli import COPPER
from tests.e2e.test_copper_dev_supervision import copper_dev, eventually

MARKER = "COPPER-POISON-7f3a"
HOOK = Path(__file__).parents[2] / "testkit" / "crash_hook"


def poison_jpeg() -> bytes:
    """Return a valid JPEG that carries the marker in a comment segment."""
    image = artwork_jpeg(5, 320)
    comment = MARKER.encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return image[:2] + segment + image[2:]


def work(api: str, token: str, artwork_id: str) -> dict[str, Any]:
    """Return the artist's view of one work."""
    response = requests.get(
        f"{api}/me/artworks/{artwork_id}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    response.raise_for_status()
    return response.json()


def test_a_file_that_kills_its_worker_every_time_leaves_its_work_failed_not_processing(
    tmp_path: Path,
) -> None:
    settings = {
        "PYTHONPATH": str(HOOK),
        "COPPER_TEST_CRASH_MARKER": MARKER,
        "COPPER_VISIBILITY_TIMEOUT": "2",
        "COPPER_MAX_RECEIVE_COUNT": "2",
        "COPPER_SWEEP_INTERVAL": "1",
    }
    with copper_dev(tmp_path, workers=1, environment=settings) as dev:
        artist = register(dev.api, "Ada Verdigris", "", "ada@example.com")
        # GIVEN an upload whose file kills the worker that processes it, on every attempt
        poisoned = upload_artwork(dev.api, artist.token, poison_jpeg(), {"title": "Poison"})
        # THEN copper dev restarts the killed workers, and the work ends failed (not stuck in
        # processing) with the cause recorded
        failed = eventually(
            lambda: (
                (found := work(dev.api, artist.token, poisoned))["status"] == "failed" and found
            ),
            "the poisoned work is failed",
            timeout=120,
        )
        assert failed["error_class"] == "WorkerLost"
        assert "could not process" in failed["rejection_reason"]
        assert "killed by SIGKILL; restarting" in dev.said()
        letters = subprocess.run(
            [str(COPPER), "dlq", "list", "--json"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
            env=dev.environment,
        )
        [letter] = json.loads(letters.stdout)
        assert (letter["artwork_id"], letter["error_class"]) == (poisoned, "WorkerLost")
        # AND the artist can act: a new file through a new form makes the work ready
        upload_original(dev.api, artist.token, poisoned, artwork_jpeg(6, 320))
        eventually(
            lambda: work(dev.api, artist.token, poisoned)["status"] == "ready",
            "the work is ready with its new file",
            timeout=60,
        )
        # AND other uploads were never held up for good
        healthy = upload_artwork(dev.api, artist.token, artwork_jpeg(7, 320), {"title": "Fine"})
        eventually(
            lambda: work(dev.api, artist.token, healthy)["status"] == "ready",
            "a healthy upload is ready",
            timeout=60,
        )
        time.sleep(0)  # nothing else to wait for
