"""The local stack for integration and browser tests: a real API over HTTP and a worker.

`LocalStack(tmp_path)` builds the services on the embedded backend in a temporary data
directory, serves the backend API (content, search, local uploads at `POST /uploads` and
renditions at `GET /media/<key>`) on a free loopback port, and runs a worker thread that
feeds the local queue to the real processing handler (`handlers.process_uploads`). Uploads
made through it go the real way: signed form, local S3 event, queue, handler.

    with LocalStack(tmp_path) as stack:
        artist = stack.register("Ada Verdigris")
        artwork_id = stack.upload(artist.token, artwork_jpeg(1), {"title": "Tide"})
        stack.wait_for(artwork_id, artist.token, {"ready"})
        stack.index_down = True   # the next index calls raise SearchUnavailable
        stack.uploads_down = True  # the processor cannot read originals

The pipeline uses a short ladder (320, 640, 1024) so tests stay quick; pass `pipeline=`
for other settings.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import make_server

from copper.seed import SeededArtist, register, upload_artwork
from copper.worker import ChangeFeed, Worker
from handlers.index_changes import build_handler as index_handler
from handlers.process_uploads import build_handler
from pipeline.settings import PipelineSettings
from search.errors import SearchUnavailable
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.processing import build_consumer
from service.settings import ServiceSettings
from storage.blobstore import StorageUnavailable
from testkit.outages import Switchable

TEST_PIPELINE = PipelineSettings(ladder=(320, 640, 1024))
FINAL = frozenset({"ready", "rejected", "failed", "deleted"})


class _Deferred:
    """A WSGI app set after the server is bound (the API needs the port in its settings)."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve with the app set later."""
        return self.app(environ, start_response)


class LocalStack:
    """The backend API on a free port plus one worker, over a temporary data directory."""

    def __init__(
        self,
        data_dir: Path,
        *,
        cors_origins: Iterable[str] = (),
        pipeline: PipelineSettings = TEST_PIPELINE,
        visibility_timeout: int = 1,
        max_receive_count: int = 3,
        worker: bool = True,
    ) -> None:
        """Build the services and bind the server (call `start`, or use `with`)."""
        self.data_dir = Path(data_dir)
        deferred = _Deferred()
        self._server = make_server("127.0.0.1", 0, deferred, threaded=True)
        self.port = self._server.server_address[1]
        self.api_url = f"http://127.0.0.1:{self.port}"
        self.settings = ServiceSettings(
            data_dir=str(self.data_dir),
            public_api_url=self.api_url,
            media_base_url=f"{self.api_url}/media",
            cors_origins=tuple(cors_origins),
            token_secret=secrets.token_urlsafe(40),
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
        )
        from service.bootstrap import build_adapters

        self.index = Switchable(
            build_adapters(self.settings).search,
            lambda: SearchUnavailable("the search index is down (simulated outage)"),
        )
        self.services: Services = build_services(self.settings, search=self.index)  # type: ignore[arg-type]
        deferred.app = create_app(self.services)
        self.uploads = Switchable(
            self.services.blobs,
            lambda: StorageUnavailable("the uploads store is down (simulated outage)"),
        )
        consumer = build_consumer(replace(self.services, blobs=self.uploads), pipeline)
        feed = ChangeFeed(self.services.changes, index_handler(lambda: self.services.indexer))  # type: ignore[arg-type]
        self.worker = Worker(
            self.services.queue,
            build_handler(lambda: consumer),
            wait_seconds=0.2,
            changes=feed,
        )
        self._run_worker = worker
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def index_down(self) -> bool:
        """Return whether the simulated index outage is on."""
        return self.index.down

    @index_down.setter
    def index_down(self, down: bool) -> None:
        """Switch the simulated index outage on or off."""
        self.index.down = down

    @property
    def uploads_down(self) -> bool:
        """Return whether the processor's simulated uploads-store outage is on."""
        return self.uploads.down

    @uploads_down.setter
    def uploads_down(self, down: bool) -> None:
        """Switch the processor's uploads-store outage on or off (uploads still land)."""
        self.uploads.down = down

    def start(self) -> LocalStack:
        """Start serving and (unless disabled) the worker."""
        self._threads.append(threading.Thread(target=self._server.serve_forever, daemon=True))
        if self._run_worker:
            self._threads.append(
                threading.Thread(target=self.worker.run, args=(self._stop,), daemon=True)
            )
        for thread in self._threads:
            thread.start()
        return self

    def close(self) -> None:
        """Stop the worker and the server."""
        self._stop.set()
        self._server.shutdown()
        for thread in self._threads:
            thread.join(timeout=30)

    def __enter__(self) -> LocalStack:
        """Start the stack."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop the stack."""
        self.close()

    # artists and artworks

    def register(self, display_name: str, bio: str = "") -> SeededArtist:
        """Register an artist over the API."""
        email = f"{display_name.split()[0].lower()}.{secrets.token_hex(3)}@example.com"
        return register(self.api_url, display_name, bio, email)

    def upload(
        self, token: str, image: bytes, fields: dict[str, Any], *, publish: bool = True
    ) -> str:
        """Create an artwork and upload its original through the signed form."""
        artwork_id = upload_artwork(self.api_url, token, image, fields)
        if not publish:
            self.call("POST", f"/me/artworks/{artwork_id}/unpublish", token)
        return artwork_id

    def call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        """Call the API and return the JSON body (raising for an error status)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.request(
            method, f"{self.api_url}{path}", headers=headers, timeout=30, **kwargs
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def wait_for_search(self, query: str, total: int, timeout: float = 20) -> dict[str, Any]:
        """Wait until `GET /search?q=query` finds `total` works (the change log is drained
        by the worker); return the result."""
        deadline = time.monotonic() + timeout
        while (found := self.call("GET", "/search", params={"q": query}))["total"] != total:
            if time.monotonic() > deadline:
                raise TimeoutError(f"search for {query!r} found {found['total']}, not {total}")
            time.sleep(0.1)
        return found

    def artwork(self, artwork_id: str, token: str) -> dict[str, Any]:
        """Return the artist's view of one of their works."""
        return self.call("GET", f"/me/artworks/{artwork_id}", token)

    def wait_for(
        self,
        artwork_id: str,
        token: str,
        statuses: Iterable[str] = FINAL,
        timeout: float = 60,
    ) -> dict[str, Any]:
        """Wait until the work reaches one of `statuses`; return it (TimeoutError if not)."""
        wanted = set(statuses)
        deadline = time.monotonic() + timeout
        while True:
            artwork = self.artwork(artwork_id, token)
            if artwork["status"] in wanted:
                return artwork
            if time.monotonic() > deadline:
                raise TimeoutError(f"{artwork_id} is {artwork['status']}, not {sorted(wanted)}")
            time.sleep(0.1)
