"""The rehearsal's story: an artist's first day on the emulated stack, and an operator's bad one.

Each step prints one line: PASS, FAIL or SKIP (an emulator lacks what the step needs), with
what it saw. A failed step does not stop the story unless later steps need what it made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import requests

from rehearsal.stack import Stack

STUDIO = "https://copper-studio-dev.herokuapp.com"
OUTSIDER = "https://elsewhere.example"
PASSWORD = "a long rehearsal password"
ADMIN = "ops@copper.example"
PHOTOS = (("Copper Tide", 11), ("Harbour Dusk", 23), ("Lichen Wall", 37))


class Failed(AssertionError):
    """A step saw something other than what it expects."""


class Skipped(Exception):
    """A step cannot run here: an emulator lacks the API it needs."""


@dataclass
class Story:
    """Runs the steps against a running stack and prints one line per step."""

    stack: Stack
    out: Callable[[str], None] = print
    results: list[tuple[str, str]] = field(default_factory=list)
    artist: str = ""
    admin: str = ""
    works: dict[str, str] = field(default_factory=dict)  # title → artwork id

    # --- plumbing ----------------------------------------------------------------------

    @property
    def api(self) -> str:
        """Return the HTTP API's URL."""
        assert self.stack.api is not None
        return self.stack.api.url

    def step(self, name: str, run: Callable[[], str]) -> bool:
        """Run one step and print its line; return whether it passed."""
        try:
            detail = run()
        except Skipped as gap:
            self._line("SKIP", name, str(gap))
            return True
        except (Failed, TimeoutError, requests.RequestException) as problem:
            self._line("FAIL", name, str(problem) or type(problem).__name__)
            return False
        self._line("PASS", name, detail)
        return True

    def _line(self, verdict: str, name: str, detail: str) -> None:
        self.results.append((verdict, name))
        self.out(f"{verdict:4}  {name}: {detail}")

    def call(self, method: str, path: str, token: str = "", **kwargs: Any) -> requests.Response:
        """Call the HTTP API."""
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.api + path, headers=headers, timeout=60, **kwargs)

    def json(self, method: str, path: str, token: str = "", expect: int = 200, **kw: Any) -> Any:
        """Call the API and return its JSON body, failing on another status."""
        response = self.call(method, path, token, **kw)
        if response.status_code != expect:
            raise Failed(f"{method} {path} answered {response.status_code}: {response.text[:200]}")
        return response.json() if response.content else None

    def client(self, service: str) -> Any:
        """Return a boto3 client on moto."""
        return boto3.client(service, endpoint_url=self.stack.endpoint)

    def physical(self, logical_id: str) -> str:
        """Return a resource's physical name (bucket, table, queue URL)."""
        return self.stack.provisioned.resolver.physical[logical_id]

    def searched(self, text: str) -> int:
        """Return how many works the search API finds for `text`."""
        return int(self.json("GET", "/search", params={"q": text})["total"])

    def status(self, title: str) -> str:
        """Return the status of one of the artist's works."""
        return str(self.json("GET", f"/me/artworks/{self.works[title]}", self.artist)["status"])

    # --- the story ---------------------------------------------------------------------

    def run(self) -> bool:
        """Run every step; return whether none failed."""
        self.describe()
        steps: list[tuple[str, Callable[[], str]]] = [
            ("functions start from the artefact under awslambdaric", self.functions_start),
            ("GET /healthz through the HTTP API", self.healthz),
            ("CORS from the template", self.cors),
            ("register an artist", self.register),
            ("create an admin with the copper CLI on the AWS backend", self.create_admin),
            ("presigned POST of real photos to the versioned uploads bucket", self.upload),
            ("S3 → SQS → processor: every work ready", self.processing),
            ("renditions in the media bucket", self.renditions),
            ("stream → indexer: search finds the published works", self.search),
            ("index outage: the indexer retries, then gives up", self.index_outage),
            (
                "store outage: the processor retries, then the message is dead-lettered",
                self.dead_letter,
            ),
            ("admin replay of the whole dead-letter queue", self.replay_all),
            ("admin replay of the dead letter: the work is ready and searchable", self.replay),
            ("index back: the audit repairs what the indexer gave up on", self.index_repair),
            ("delete a work: DeleteMarkerCreated on the versioned bucket", self.delete),
        ]
        for name, run in steps:
            if not self.step(name, run) and name in NEEDED:
                self.out(f"STOP  the steps after '{name}' need what it makes")
                break
        passed = sum(verdict == "PASS" for verdict, _ in self.results)
        failed = sum(verdict == "FAIL" for verdict, _ in self.results)
        skipped = sum(verdict == "SKIP" for verdict, _ in self.results)
        self.out(f"rehearsal: {passed} passed, {failed} failed, {skipped} skipped")
        return failed == 0

    def describe(self) -> None:
        """Print what was created from the template, what is emulated and what is not."""
        done = self.stack.provisioned
        for line in done.created:
            self.out(f"MADE  {line}")
        for note in done.notes:
            self.out(f"NOTE  {note}")
        skipped = ", ".join(
            f"{kind.split('::', 1)[1]} ×{n}" for kind, n in sorted(done.skipped.items())
        )
        self.out(f"NOTE  not created (no emulator here): {skipped}")
        for spec in self.stack.specs.values():
            if spec.loopback:
                self.out(f"NOTE  {spec.name}: {', '.join(spec.loopback)} point at loopback")
                break
        sources: list[Any] = [*self.stack.sqs_mappings, *self.stack.stream_mappings]
        for mapping in sources:
            settings = mapping.spec
            self.out(
                f"MAP   {settings.logical_id}: batch {settings.batch_size}, "
                f"window {settings.window_s:g} s, partial failures "
                f"{'on' if settings.report_failures else 'off'}"
                + (f", {settings.max_retries} retries" if settings.max_retries >= 0 else "")
                + (f", {len(settings.filters)} filter" if settings.filters else "")
            )

    def functions_start(self) -> str:
        deadline = time.monotonic() + 120
        running = self.stack.running
        while any(f.init_ms is None for f in running.values()):
            if time.monotonic() > deadline:
                slow = [name for name, f in running.items() if f.init_ms is None]
                raise Failed(f"no first poll from {', '.join(slow)}")
            time.sleep(0.2)
        inits = sorted(f.init_ms or 0 for f in running.values())
        return (
            f"{len(running)} functions polling; init {inits[0] / 1000:.1f}-{inits[-1] / 1000:.1f} s"
        )

    def healthz(self) -> str:
        body = self.json("GET", "/healthz")
        return f"200, status {body['status']} (contentApi, by route ANY /healthz)"

    def cors(self) -> str:
        ask = {
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        }
        allowed = self.call("OPTIONS", "/me/artworks", headers={"Origin": STUDIO, **ask})
        refused = self.call("OPTIONS", "/me/artworks", headers={"Origin": OUTSIDER, **ask})
        listed = self.call("GET", "/artworks", headers={"Origin": STUDIO})
        if allowed.headers.get("Access-Control-Allow-Origin") != STUDIO:
            raise Failed(f"the studio's preflight got {dict(allowed.headers)}")
        if "Access-Control-Allow-Origin" in refused.headers:
            raise Failed("an unlisted origin was allowed")
        if listed.headers.get("Access-Control-Allow-Origin") != STUDIO:
            raise Failed("a simple request from the studio got no CORS header")
        return (
            f"preflight from the studio {allowed.status_code} with max-age "
            f"{allowed.headers.get('Access-Control-Max-Age')}; other origins get no CORS headers"
        )

    def register(self) -> str:
        body = {"email": "mara@copper.example", "password": PASSWORD, "display_name": "Mara Quill"}
        session = self.json("POST", "/auth/register", expect=201, json=body)
        self.artist = session["token"]
        return "201, token issued (signed with the Secrets Manager secret)"

    def create_admin(self) -> str:
        environment = {
            **os.environ,
            **self.stack.resolved("AdminApiLambdaFunction"),
            "AWS_ENDPOINT_URL": self.stack.endpoint,
        }
        copper = str(Path(sys.executable).with_name("copper"))
        done = subprocess.run(
            [copper, "create-admin", ADMIN, "--name", "Ops", "--password", PASSWORD],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise Failed(f"copper create-admin exited {done.returncode}: {done.stderr[-300:]}")
        session = self.json("POST", "/auth/login", json={"email": ADMIN, "password": PASSWORD})
        self.admin = session["token"]
        return done.stderr.strip().splitlines()[-1]

    def _post_photo(self, title: str, seed: int) -> int:
        """Create a work, get its presigned POST and post a photo-like JPEG; return its bytes."""
        from testkit import images

        work = self.json("POST", "/me/artworks", self.artist, expect=201, json={"title": title})
        self.works[title] = work["id"]
        self.json("POST", f"/me/artworks/{work['id']}/publish", self.artist)
        form = self.json(
            "POST",
            f"/me/artworks/{work['id']}/upload",
            self.artist,
            json={"content_type": "image/jpeg"},
        )
        photo = images.jpeg(images.photo(1600, 1067, seed), camera=True, gps=True)
        posted = requests.post(
            form["url"],
            data=form["fields"],
            files={"file": (f"{seed}.jpg", photo, "image/jpeg")},
            timeout=60,
        )
        if posted.status_code not in (200, 201, 204):
            raise Failed(f"the presigned POST answered {posted.status_code}: {posted.text[:200]}")
        return len(photo)

    def upload(self) -> str:
        sizes = [self._post_photo(title, seed) for title, seed in PHOTOS]
        versions = self.client("s3").list_object_versions(
            Bucket=self.physical("UploadsBucket"), Prefix="originals/"
        )
        with_ids = [v for v in versions.get("Versions", []) if v["VersionId"] != "null"]
        if len(with_ids) != len(PHOTOS):
            raise Failed(f"expected {len(PHOTOS)} versioned originals, found {len(with_ids)}")
        kb = ", ".join(f"{size // 1024} KB" for size in sizes)
        return (
            f"{len(sizes)} photo-like JPEGs with camera EXIF and GPS ({kb}), each with a VersionId"
        )

    def _until(self, check: Callable[[], bool], seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} within {seconds:g} s")
            time.sleep(0.5)

    def processing(self) -> str:
        started = time.monotonic()
        self._until(
            lambda: all(self.status(t) == "ready" for t, _ in PHOTOS), 180, "not every work ready"
        )
        mapping = self.stack.sqs_mappings[0]
        return (
            f"{len(PHOTOS)} ready in {time.monotonic() - started:.0f} s; "
            f"{mapping.invocations} processor invocations so far"
        )

    def renditions(self) -> str:
        work = self.json("GET", f"/me/artworks/{self.works[PHOTOS[0][0]]}", self.artist)
        listed = self.client("s3").list_objects_v2(
            Bucket=self.physical("MediaBucket"), Prefix="renditions/"
        )
        keys = {item["Key"] for item in listed.get("Contents", [])}
        missing = [r["key"] for r in work["renditions"] if r["key"] not in keys]
        if missing:
            raise Failed(f"renditions not in the media bucket: {missing[:3]}")
        formats = sorted({r["format"] for r in work["renditions"]})
        count = len(work["renditions"])
        return f"{len(keys)} objects; '{PHOTOS[0][0]}' has {count} ({', '.join(formats)})"

    def search(self) -> str:
        self._until(
            lambda: self.searched("copper tide") >= 1, 60, "search never found 'copper tide'"
        )
        self._until(lambda: self.searched("lichen") >= 1, 60, "search never found 'lichen'")
        stream = self.stack.stream_mappings[0]
        return f"found; {stream.invocations} indexer invocations (stream records filtered on SK)"

    def index_outage(self) -> str:
        stream = self.stack.stream_mappings[0]
        before = stream.sent_to_destination
        self.stack.search_proxy.cut_off()
        work = self.works[PHOTOS[1][0]]
        current = self.json("GET", f"/me/artworks/{work}", self.artist)
        self.json(
            "PATCH",
            f"/me/artworks/{work}",
            self.artist,
            json={"title": "Verdigris Harbour", "version": current["version"]},
        )
        self._until(
            lambda: stream.sent_to_destination > before, 120, "no batch reached the destination"
        )
        down = self.call("GET", "/search", params={"q": "harbour"})
        if down.status_code != 503 or "error" not in down.json():
            raise Failed(f"search during the outage answered {down.status_code}: {down.text[:200]}")
        failures = self.client("sqs").get_queue_attributes(
            QueueUrl=self.physical("IndexFailuresQueue"),
            AttributeNames=["ApproximateNumberOfMessages"],
        )["Attributes"]["ApproximateNumberOfMessages"]
        self.stack.search_proxy.restore()
        self.changed_at = time.monotonic()
        if self.searched("verdigris") != 0:
            raise Failed("search already has the change the indexer gave up on")
        return (
            f"{stream.spec.max_retries} retries, then the batch went to the on-failure queue "
            f"({failures} message); search answered 503 {down.json()['error']['code']}, "
            "and is stale once back"
        )

    changed_at: float = 0.0

    def index_repair(self) -> str:
        # The audit leaves records changed within its grace period (60 s) to the indexer.
        repaired: list[Any] = []
        deadline = time.monotonic() + 150
        while self.searched("verdigris") != 1:
            if time.monotonic() > deadline:
                raise TimeoutError("POST /admin/audit/repair never brought the change to search")
            report = self.json("POST", "/admin/audit/repair", self.admin)
            repaired += report.get("repaired", [])
            time.sleep(5)
        waited = time.monotonic() - self.changed_at
        return (
            f"POST /admin/audit/repair re-synced {len(repaired)} document(s) "
            f"{waited:.0f} s after the change; found"
        )

    def dead_letter(self) -> str:
        self.stack.table_proxy.cut_off()
        self._post_photo("Patina Study", 53)
        dead = self.physical("UploadsDeadLetterQueue")
        sqs = self.client("sqs")

        def dead_lettered() -> bool:
            attributes = sqs.get_queue_attributes(
                QueueUrl=dead, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            return int(attributes["ApproximateNumberOfMessages"]) >= 1

        self._until(dead_lettered, 240, "the message never reached the dead-letter queue")
        self.stack.table_proxy.restore()
        listed = self.json("GET", "/admin/dlq", self.admin)["items"]
        if len(listed) != 1:
            raise Failed(f"GET /admin/dlq listed {len(listed)} dead letters")
        self.dead_letter_id = listed[0]["id"]
        receives = self.stack.sqs_mappings[0].failed_records
        return f"{receives} failed receives (maxReceiveCount 5), then the DLQ; /admin/dlq lists it"

    dead_letter_id: str = ""

    def replay(self) -> str:
        if not self.dead_letter_id:
            raise Failed("no dead letter to replay")
        body = self.json(
            "POST", "/admin/dlq/replay", self.admin, json={"ids": [self.dead_letter_id]}
        )
        self._until(
            lambda: self.status("Patina Study") == "ready", 120, "the replayed work is not ready"
        )
        self._until(lambda: self.searched("patina") == 1, 60, "the replayed work is not searchable")
        return f"moved {body['count']}; ready and found"

    def replay_all(self) -> str:
        response = self.call("POST", "/admin/dlq/replay", self.admin, json={})
        if response.status_code == 200:
            return f"move task {response.json().get('task', {}).get('status')}"
        text = response.text
        if "Traceback" in text or not text.startswith("{"):
            raise Failed(f"answered {response.status_code} without a JSON error: {text[:200]}")
        if response.status_code >= 500:
            error = response.json().get("error", {})
            raise Skipped(
                "moto lacks SQS StartMessageMoveTask, which a whole-queue replay uses; the API "
                f"answered {response.status_code} {error.get('code')}: {error.get('message')}"
            )
        raise Failed(f"answered {response.status_code}: {text[:200]}")

    def delete(self) -> str:
        title = PHOTOS[2][0]
        work = self.json("GET", f"/me/artworks/{self.works[title]}", self.artist)
        prefix = work["renditions"][0]["key"].rsplit("/", 2)[0] + "/"
        original_key = f"originals/{prefix.split('/', 1)[1]}"
        response = self.call("DELETE", f"/me/artworks/{work['id']}", self.artist)
        if response.status_code != 204:
            raise Failed(f"DELETE answered {response.status_code}: {response.text[:200]}")
        s3 = self.client("s3")
        versions = s3.list_object_versions(
            Bucket=self.physical("UploadsBucket"), Prefix=original_key
        )
        markers = [m for m in versions.get("DeleteMarkers", []) if m["IsLatest"]]
        if not markers:
            raise Failed("no delete marker on the original")
        self._until(lambda: self.searched("lichen") == 0, 60, "search still finds the deleted work")

        def cleaned() -> bool:
            listed = s3.list_objects_v2(Bucket=self.physical("MediaBucket"), Prefix=prefix)
            return int(listed.get("KeyCount", 0)) == 0

        self._until(cleaned, 60, "the renditions are still in the media bucket")
        kept = len(versions.get("Versions", []))
        return (
            f"delete marker is latest, {kept} noncurrent version kept; renditions gone; not found"
        )


NEEDED = {
    "functions start from the artefact under awslambdaric",
    "register an artist",
    "presigned POST of real photos to the versioned uploads bucket",
    "S3 → SQS → processor: every work ready",
}


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hold back what threads print to stderr while the stack stops (closed sockets)."""
    import io

    saved = sys.stderr
    sys.stderr = io.StringIO()
    try:
        yield
    finally:
        sys.stderr = saved


def main_json(stack: Stack) -> str:
    """Return the stack's invocation counts as JSON (for the closing line)."""
    return json.dumps(stack.invocations)
