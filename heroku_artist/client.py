"""What the studio asks of the backend API: named calls with typed answers, a Flask extension."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, NotRequired, Protocol, TypedDict
from urllib.parse import quote

from flask import Flask, current_app, has_request_context, request

from heroku_artist.api import HttpTransport
from heroku_artist.vouch import HEADER as VOUCH_HEADER
from heroku_artist.vouch import vouch

log = logging.getLogger("heroku_artist.client")

EXTENSION = "studio_api"

Work = dict[str, Any]
"""An artist's own work as the API answers it (the templates read it whole)."""
DeadLetter = dict[str, Any]
"""A dead-lettered message: ids, error, artist, age (and its body when shown alone)."""
Audit = dict[str, Any]
"""The audit report: counts, findings left and repaired."""
Task = dict[str, Any]
"""A background task (a reindex) and how far it got."""


class Account(TypedDict):
    """The signed-in artist's own account."""

    id: str
    slug: str
    display_name: str
    bio: str
    email: str
    role: str
    copyright_line: str
    watermark: dict[str, Any]
    contact_email: str
    cover_artwork_id: str | None
    links: list[dict[str, str]]
    portrait: list[dict[str, Any]]
    logo: bool
    version: int


class SignedIn(TypedDict):
    """A registration's or log-in's answer: the account and its API token."""

    artist: Account
    token: str


class WorkPage(TypedDict):
    """A page of the artist's works, and the cursor of the next one."""

    items: list[Work]
    next_cursor: str | None


class Resembled(TypedDict):
    """The work a possible duplicate resembles: in full if the artist's own, else only a
    public work's title, artist and renditions (never its id)."""

    own: bool
    artwork_id: str | None
    title: str | None
    artist: str | None
    status: str | None
    renditions: list[dict[str, Any]]


class UploadForm(TypedDict):
    """A signed one-shot form to post one original straight to storage."""

    url: str
    fields: dict[str, str]
    expires_at: str
    max_bytes: int


class MoveTask(TypedDict):
    """A move of the whole dead-letter queue back to the queue."""

    handle: str
    status: str
    moved: int
    to_move: int | None


class Replay(TypedDict):
    """What a replay moved (or would move), with its move task when the whole queue moves."""

    dry_run: bool
    count: int
    messages: list[DeadLetter]
    task: NotRequired[MoveTask]


class Reprocess(TypedDict):
    """The works sent for rendering again (or, in a dry run, that would be)."""

    dry_run: bool
    count: int
    artwork_ids: list[str]


class Transport(Protocol):
    """How the studio reaches the API (HTTP, or a fake in tests)."""

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
        raw: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request and return its decoded JSON body (None when empty)."""


def path(template: str, *parts: str) -> str:
    """Return an API path with each part URL-quoted (ids never escape their segment)."""
    return template.format(*(quote(part, safe="") for part in parts))


class StudioClient:
    """The backend API as the studio uses it, attached to an app with `init_app`.

    Calls raise the wire's errors: `ApiError` for a refusal, `ApiUnavailable` when the API
    cannot answer. Calls that act for an artist take the artist's token first.
    """

    def __init__(self, transport: Transport | None = None) -> None:
        self.transport = transport
        self.timeout: float | None = None
        self.admin_timeout: float | None = None
        self.vouch_secret: bytes | None = None

    def init_app(self, app: Flask) -> None:
        """Reach the API over HTTP (unless given a transport) and attach to `app`."""
        if self.transport is None:
            self.transport = HttpTransport.from_config(app.config)
        self.timeout = float(app.config["API_TIMEOUT"])
        self.admin_timeout = float(app.config["ADMIN_API_TIMEOUT"])
        self.vouch_secret = str(app.config.get("API_VOUCH_SECRET") or "").encode("utf-8") or None
        if self.vouch_secret is None:
            log.warning(
                "FLASK_API_VOUCH_SECRET is not set: the API counts every failed log-in made "
                "through the studio against the studio's own address, so its per-address limit "
                "pauses log-ins for every artist at once; set it to the API's client vouch secret "
                "for per-browser limits (docs/deploy.md)"
            )
        app.extensions[EXTENSION] = self

    def send(
        self,
        method: str,
        api_path: str,
        token: str | None = None,
        json: dict[str, Any] | None = None,
        **options: Any,
    ) -> Any:
        """Send one request through the transport and return its JSON body."""
        if self.transport is None:
            raise RuntimeError("the studio's API client is not attached to an app")
        return self.transport.call(method, api_path, token=token, json=json, **options)

    def vouched(self, method: str, api_path: str) -> dict[str, str]:
        """Return the header vouching for the browser's address on this call (none without
        the secret or outside a browser's request)."""
        if self.vouch_secret is None or not has_request_context() or not request.remote_addr:
            return {}
        value = vouch(self.vouch_secret, request.remote_addr, method, api_path, time.time())
        return {VOUCH_HEADER: value}

    def send_admin(self, method: str, api_path: str, token: str, json: Any = None) -> Any:
        """Call the admin API (long operations get the admin timeout)."""
        return self.send(method, api_path, token, json, timeout=self.admin_timeout)

    # -- accounts --

    def register(self, email: str, display_name: str, password: str) -> SignedIn:
        """Create an account and return it with its token."""
        body = {"email": email, "display_name": display_name, "password": password}
        headers = self.vouched("POST", "/auth/register")
        return self.send("POST", "/auth/register", json=body, headers=headers)

    def login(self, email: str, password: str) -> SignedIn:
        """Return the account and a token for these credentials."""
        body = {"email": email, "password": password}
        headers = self.vouched("POST", "/auth/login")
        return self.send("POST", "/auth/login", json=body, headers=headers)

    def profile(self, token: str) -> Account:
        """Return the artist's own account."""
        return self.send("GET", "/me", token)

    def update_profile(self, token: str, changes: dict[str, Any], version: int | None) -> Account:
        """Save profile changes made from `version` (None: whatever the account holds)."""
        return self.send("PATCH", "/me", token, {**changes, "version": version})

    def put_image(self, token: str, kind: str, data: bytes, content_type: str) -> Account:
        """Upload the artist's `portrait` or watermark `logo` as a raw image body."""
        api_path = path("/me/{}", kind)
        return self.send("PUT", api_path, token, data=data, content_type=content_type)

    def delete_image(self, token: str, kind: str) -> Account:
        """Remove the artist's `portrait` or watermark `logo`."""
        return self.send("DELETE", path("/me/{}", kind), token)

    def logo(self, token: str) -> bytes:
        """Return the artist's watermark logo as PNG bytes."""
        return bytes(self.send("GET", "/me/logo", token, raw=True))

    # -- the artist's works --

    def my_artworks(self, token: str, cursor: str | None = None, limit: int = 100) -> WorkPage:
        """Return a page of the artist's works, newest first."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self.send("GET", "/me/artworks", token, params=params)

    def artwork(self, token: str, artwork_id: str) -> Work:
        """Return one of the artist's works."""
        return self.send("GET", path("/me/artworks/{}", artwork_id), token)

    def create_artwork(self, token: str, title: str, title_from_file: bool = False) -> Work:
        """Create a work awaiting its upload (its title a stand-in from the file's name)."""
        body: dict[str, Any] = {"title": title}
        if title_from_file:
            body["title_from_file"] = True
        return self.send("POST", "/me/artworks", token, body)

    def resembles(self, token: str, artwork_id: str) -> Resembled:
        """Return what the artist may see of the work their work resembles."""
        return self.send("GET", path("/me/artworks/{}/resembles", artwork_id), token)

    def update(
        self, token: str, artwork_id: str, fields: dict[str, Any], version: int | None
    ) -> Work:
        """Save a work's details edited from `version`."""
        body = {**fields, "version": version}
        return self.send("PATCH", path("/me/artworks/{}", artwork_id), token, body)

    def set_focal_point(self, token: str, artwork_id: str, point: list[float] | None) -> Work:
        """Set (or, with None, clear) the point the thumbnail is cropped around."""
        body = {"focal_point": point}
        return self.send("PUT", path("/me/artworks/{}/focal-point", artwork_id), token, body)

    def publish(self, token: str, artwork_id: str) -> Work:
        """Show the work to visitors once it is ready."""
        return self.send("POST", path("/me/artworks/{}/publish", artwork_id), token)

    def unpublish(self, token: str, artwork_id: str) -> Work:
        """Make the work a draft again."""
        return self.send("POST", path("/me/artworks/{}/unpublish", artwork_id), token)

    def reprocess(self, token: str, artwork_id: str) -> Work:
        """Send the work's kept original through processing again."""
        return self.send("POST", path("/me/artworks/{}/reprocess", artwork_id), token)

    def delete(self, token: str, artwork_id: str) -> None:
        """Delete the work and its files."""
        self.send("DELETE", path("/me/artworks/{}", artwork_id), token)

    def upload_form(self, token: str, artwork_id: str, content_type: str) -> UploadForm:
        """Return a fresh one-shot form to upload the work's original."""
        body = {"content_type": content_type}
        return self.send("POST", path("/me/artworks/{}/upload", artwork_id), token, body)

    # -- series and the page order --

    def series(self, token: str) -> list[dict[str, Any]]:
        """Return the artist's series (slug, title, description), in their order."""
        items: list[dict[str, Any]] = self.send("GET", "/me/series", token)["items"]
        return items

    def create_series(self, token: str, title: str, description: str = "") -> dict[str, Any]:
        """Create a series; return it with its slug."""
        body = {"title": title, "description": description}
        return dict(self.send("POST", "/me/series", token, body))

    def update_series(self, token: str, slug: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Rename or describe a series; return it."""
        return dict(self.send("PATCH", path("/me/series/{}", slug), token, fields))

    def delete_series(self, token: str, slug: str) -> None:
        """Delete a series (its works are then in none)."""
        self.send("DELETE", path("/me/series/{}", slug), token)

    def set_work_order(self, token: str, ids: list[str]) -> list[str]:
        """Save the order of the artist's works on their page; return it."""
        order: list[str] = self.send("PUT", "/me/work-order", token, {"work_order": ids})[
            "work_order"
        ]
        return order

    def public_works(self, slug: str, cursor: str | None = None, limit: int = 100) -> WorkPage:
        """Return a page of an artist's published works as visitors see them, in their order."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self.send("GET", path("/artists/{}/artworks", slug), params=params)

    # -- administration --

    def health(self) -> object:
        """Return the API's health as it answers it (`/healthz`)."""
        return self.send("GET", "/healthz", timeout=self.timeout)

    def audit(self, token: str) -> Audit:
        """Return the audit of stores, queues and records."""
        return self.send_admin("GET", "/admin/audit", token)

    def repair(self, token: str) -> Audit:
        """Repair what the audit can repair and return the audit after it."""
        return self.send_admin("POST", "/admin/audit/repair", token)

    def dead_letters(self, token: str) -> list[DeadLetter]:
        """Return every dead-lettered message (without its body)."""
        answer: list[DeadLetter] = self.send_admin("GET", "/admin/dlq", token)["items"]
        return answer

    def dead_letter(self, token: str, message_id: str) -> DeadLetter:
        """Return one dead-lettered message with its body."""
        return self.send_admin("GET", path("/admin/dlq/{}", message_id), token)

    def replay(self, token: str, choice: dict[str, Any], dry_run: bool) -> Replay:
        """Move the chosen dead letters (ids or filters) back to the queue, or preview it."""
        return self.send_admin("POST", "/admin/dlq/replay", token, {**choice, "dry_run": dry_run})

    def move(self, token: str, handle: str) -> MoveTask:
        """Return how far a whole-queue replay got."""
        task: MoveTask = self.send_admin("GET", path("/admin/dlq/moves/{}", handle), token)["task"]
        return task

    def cancel_move(self, token: str, handle: str) -> MoveTask:
        """Cancel a running whole-queue replay and return it as it stands."""
        api_path = path("/admin/dlq/moves/{}/cancel", handle)
        task: MoveTask = self.send_admin("POST", api_path, token)["task"]
        return task

    def purge(self, token: str) -> int:
        """Delete every dead-lettered message and return how many there were."""
        return int(self.send_admin("POST", "/admin/dlq/purge", token, {"confirm": True})["purged"])

    def reprocess_works(self, token: str, filters: dict[str, Any], dry_run: bool) -> Reprocess:
        """Send the works the filters choose for rendering again, or preview them."""
        return self.send_admin("POST", "/admin/reprocess", token, {**filters, "dry_run": dry_run})

    def reindex(self, token: str) -> Task:
        """Start rebuilding the search index in the background."""
        task: Task = self.send_admin("POST", "/admin/reindex", token)["task"]
        return task

    def task(self, token: str, task_id: str) -> Task:
        """Return a background task's progress."""
        task: Task = self.send_admin("GET", path("/admin/tasks/{}", task_id), token)["task"]
        return task


def api() -> StudioClient:
    """Return the API client of the current app."""
    client: StudioClient = current_app.extensions[EXTENSION]
    return client
