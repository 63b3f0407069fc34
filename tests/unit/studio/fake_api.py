"""An in-memory stand-in for the backend API that records every call the studio makes."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from heroku_artist.api import ApiError, ApiUnavailable, request_id

PASSWORD = "correct horse battery"


@dataclass
class Call:
    """One request the studio sent."""

    method: str
    path: str
    token: str | None
    json: dict[str, Any] | None
    params: dict[str, Any] | None
    request_id: str


@dataclass
class FakeApi:
    """Artists, works and dead letters in dicts, answered as the real API answers the studio."""

    calls: list[Call] = field(default_factory=list)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)
    works: dict[str, dict[str, Any]] = field(default_factory=dict)
    dead_letters: list[dict[str, Any]] = field(default_factory=list)
    moves: dict[str, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    max_bytes: int = 10_000_000
    admin_api: bool = True
    findings: list[dict[str, Any]] = field(default_factory=list)
    health: dict[str, Any] = field(default_factory=lambda: healthy())
    _next: int = 0

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        **body: Any,
    ) -> Any:
        """Record the call, then answer it from memory (or fail as the real API would)."""
        self.calls.append(Call(method, path, token, copy.deepcopy(json), params, request_id()))
        if self.down:
            raise ApiUnavailable("connection refused")
        for pattern, verb, handler in ROUTES:
            found = re.fullmatch(pattern, path)
            if found and verb == method:
                return handler(self, token, copy.deepcopy(json or {}), *found.groups())
        raise ApiError(404, "not_found", "Not found.")

    def last(self, method: str, prefix: str = "") -> Call:
        """Return the latest call with this method (and path prefix)."""
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)][-1]

    def add_artist(self, name: str, role: str = "artist") -> str:
        """Create an account directly and return its token."""
        artist_id = f"artist-{name}"
        self.artists[artist_id] = {
            "id": artist_id,
            "slug": name,
            "display_name": name.title(),
            "bio": "",
            "email": f"{name}@example.com",
            "role": role,
            "copyright_line": "",
            "watermark": {
                "enabled": False,
                "text": None,
                "position": "bottom-right",
                "opacity": 0.4,
            },
            "version": 1,
            "password": PASSWORD,
        }
        return f"token-{artist_id}"

    def add_work(self, token: str, title: str, **fields: Any) -> dict[str, Any]:
        """Create a work for the token's artist with any fields set."""
        self._next += 1
        artist_id = token.removeprefix("token-")
        work = {
            "id": f"w{self._next:03d}",
            "artist_id": artist_id,
            "title": title,
            "description": "",
            "tags": [],
            "medium": "",
            "year": None,
            "physical_size": "",
            "renditions": [],
            "facts": None,
            "published_at": None,
            "status": "awaiting_upload",
            "rejection_reason": None,
            "visibility": "draft",
            "focal_point": None,
            "pipeline_version": None,
            "possible_duplicate_of": None,
            "reprocessing": False,
            "error_class": None,
            "deadline": None,
            "upload_id": None,
            "version": 1,
            "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z",
        }
        work.update(fields)
        self.works[work["id"]] = work
        return work

    # -- helpers of the handlers --

    def who(self, token: str | None) -> dict[str, Any]:
        """Return the artist a token belongs to, or answer 401."""
        artist = self.artists.get((token or "").removeprefix("token-"))
        if artist is None:
            raise ApiError(401, "unauthenticated", "Log in to do this.")
        return artist

    def own(self, token: str | None, artwork_id: str) -> dict[str, Any]:
        """Return the caller's work, or 404 (someone else's work looks missing)."""
        artist = self.who(token)
        work = self.works.get(artwork_id)
        if work is None or work["artist_id"] != artist["id"] or work["status"] == "deleted":
            raise ApiError(404, "not_found", "Not found.")
        return work

    def admin(self, token: str | None) -> None:
        """Answer 403 unless the caller is an admin, 404 when the admin API is missing."""
        if not self.admin_api:
            raise ApiError(404, "not_found", "Not found.")
        if self.who(token)["role"] != "admin":
            raise ApiError(403, "forbidden", "Admins only.")


def healthy() -> dict[str, Any]:
    """Return the API's health when everything works."""
    fine = {"status": "ok", "reason": "fine"}
    return {"status": "ok", "checks": {"workers": dict(fine), "queue": dict(fine)}}


def finding(kind: str, artwork_id: str | None, repairable: bool = True) -> dict[str, Any]:
    """Return one audit finding as the API reports it."""
    key = f"originals/artist-ada/{artwork_id or 'gone'}/u1" if kind.endswith("original") else None
    return {
        "kind": kind,
        "artwork_id": artwork_id,
        "key": key,
        "detail": f"{kind} detail",
        "repairable": repairable,
    }


def touch(work: dict[str, Any]) -> None:
    """Record a write to a work: a new version and a new time."""
    work["version"] += 1
    work["updated_at"] = f"2026-01-01T00:00:{work['version']:02d}.000Z"


def public(artist: dict[str, Any]) -> dict[str, Any]:
    """Return the account without its password."""
    return {k: v for k, v in artist.items() if k != "password"}


def register(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /auth/register."""
    if any(a["email"] == body["email"] for a in api.artists.values()):
        raise ApiError(422, "invalid_account", "An account with this e-mail address exists.")
    name = body["email"].split("@")[0]
    new_token = api.add_artist(name)
    artist = api.artists[new_token.removeprefix("token-")]
    artist["display_name"] = body["display_name"]
    artist["password"] = body["password"]
    return {"artist": public(artist), "token": new_token}


def log_in(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /auth/login."""
    for artist in api.artists.values():
        if artist["email"] == body.get("email") and artist["password"] == body.get("password"):
            return {"artist": public(artist), "token": f"token-{artist['id']}"}
    raise ApiError(401, "invalid_credentials", "The e-mail address or password is incorrect.")


def me(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """GET /me."""
    return public(api.who(token))


def edit_me(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """PATCH /me."""
    artist = api.who(token)
    version = body.pop("version", None)
    if version is not None and version != artist["version"]:
        raise ApiError(409, "version_conflict", "The record changed; reload and retry.")
    if "display_name" in body and not body["display_name"]:
        raise ApiError(422, "invalid_field", "Your name cannot be empty.")
    artist.update({k: v for k, v in body.items() if k != "watermark"})
    if "watermark" in body:
        artist["watermark"] = {**artist["watermark"], **body["watermark"]}
    artist["version"] += 1
    return public(artist)


def list_works(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """GET /me/artworks."""
    artist = api.who(token)
    mine = [w for w in api.works.values() if w["artist_id"] == artist["id"]]
    mine = [w for w in mine if w["status"] != "deleted"]
    return {"items": sorted(mine, key=lambda w: w["id"], reverse=True), "next_cursor": None}


def create_work(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /me/artworks."""
    api.who(token)
    return api.add_work(token or "", body["title"])


def get_work(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """GET /me/artworks/{id}."""
    return api.own(token, wid)


def resembles(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """GET /me/artworks/{id}/resembles: an own work in full, another's only when public."""
    flagged = api.own(token, wid)["possible_duplicate_of"]
    if flagged is None:
        raise ApiError(404, "not_found", "Not found.")
    other = api.works.get(flagged)
    if other is None:
        return {
            "own": False,
            "artwork_id": None,
            "title": None,
            "artist": None,
            "status": None,
            "renditions": [],
        }
    own = other["artist_id"] == api.works[wid]["artist_id"]
    public = other["status"] == "ready" and other["visibility"] == "published"
    if not own and not public:
        return {
            "own": False,
            "artwork_id": None,
            "title": None,
            "artist": None,
            "status": None,
            "renditions": [],
        }
    artist = api.artists.get(other["artist_id"], {})
    return {
        "own": own,
        "artwork_id": other["id"] if own else None,
        "title": other["title"],
        "artist": None if own else artist.get("display_name"),
        "status": other["status"] if own else None,
        "renditions": other["renditions"],
    }


def edit_work(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """PATCH /me/artworks/{id}."""
    work = api.own(token, wid)
    version = body.pop("version", None)
    if version is not None and version != work["version"]:
        raise ApiError(409, "version_conflict", "The record changed; reload and retry.")
    if not body.get("title", "x"):
        raise ApiError(422, "invalid_field", "Please give the work a title.")
    work.update(body)
    work["version"] += 1
    return work


def delete_work(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> None:
    """DELETE /me/artworks/{id}."""
    api.own(token, wid)["status"] = "deleted"


def focal(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """PUT /me/artworks/{id}/focal-point."""
    work = api.own(token, wid)
    work["focal_point"] = body["focal_point"]
    work["version"] += 1
    return work


def visibility(
    api: FakeApi, token: str | None, body: dict[str, Any], wid: str, action: str
) -> dict[str, Any]:
    """POST /me/artworks/{id}/publish|unpublish."""
    work = api.own(token, wid)
    work["visibility"] = "published" if action == "publish" else "draft"
    return work


def reprocess(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """POST /me/artworks/{id}/reprocess."""
    work = api.own(token, wid)
    kept = work["status"] == "ready" or (
        work["status"] == "failed" and work["error_class"] != "UploadNotReceived"
    )
    if not kept:
        raise ApiError(
            409,
            "not_allowed",
            "Only a work that is ready or failed can be processed again; "
            "upload a new file for a rejected one.",
        )
    if work["status"] == "ready":
        work["reprocessing"] = True
    else:
        work.update(status="processing", rejection_reason=None, error_class=None)
    touch(work)
    return work


def upload(api: FakeApi, token: str | None, body: dict[str, Any], wid: str) -> dict[str, Any]:
    """POST /me/artworks/{id}/upload: a one-shot form (a fresh upload id in its key)."""
    work = api.own(token, wid)
    if work["status"] == "processing":
        raise ApiError(
            409,
            "not_allowed",
            "This work is being processed; wait for the result, then upload again.",
        )
    if body["content_type"] not in ("image/jpeg", "image/png", "image/heic", "image/tiff"):
        raise ApiError(422, "upload_refused", "This type of file cannot be uploaded.")
    api._next += 1
    work["upload_id"] = f"u{api._next:03d}"
    if work["status"] == "awaiting_upload":
        work["deadline"] = "2026-01-01T00:20:00.000Z"
    touch(work)
    return {
        "url": "http://api.test/uploads",
        "fields": {
            "key": f"originals/{work['artist_id']}/{wid}/{work['upload_id']}",
            "Content-Type": body["content_type"],
        },
        "expires_at": "2026-01-01T00:15:00Z",
        "max_bytes": api.max_bytes,
    }


def dlq_list(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """GET /admin/dlq."""
    api.admin(token)
    return {"items": [{k: v for k, v in m.items() if k != "body"} for m in api.dead_letters]}


def dlq_show(api: FakeApi, token: str | None, body: dict[str, Any], mid: str) -> dict[str, Any]:
    """GET /admin/dlq/{id}."""
    api.admin(token)
    for message in api.dead_letters:
        if message["id"] == mid:
            return message
    raise ApiError(404, "not_found", "Not found.")


def dlq_replay(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /admin/dlq/replay."""
    api.admin(token)
    picked = [
        m
        for m in api.dead_letters
        if ("ids" not in body or m["id"] in body["ids"])
        and ("error_class" not in body or m["error_class"] == body["error_class"])
    ]
    summaries = [{k: v for k, v in m.items() if k != "body"} for m in picked]
    answer = {"dry_run": body["dry_run"], "messages": summaries, "count": len(picked)}
    if not body["dry_run"]:
        api.dead_letters = [m for m in api.dead_letters if m not in picked]
        if not set(body) - {"dry_run"}:
            handle = f"move/{len(api.moves) + 1}"
            task = {"handle": handle, "status": "RUNNING", "moved": 0, "to_move": len(picked)}
            api.moves[handle] = answer["task"] = task
    return answer


def move_status(api: FakeApi, token: str | None, body: dict[str, Any], handle: str) -> dict:
    """GET /admin/dlq/moves/{handle} (the handle arrives URL-quoted, as over HTTP)."""
    api.admin(token)
    handle = unquote(handle)
    if handle not in api.moves:
        raise ApiError(404, "not_found", "No such move task.")
    return {"task": api.moves[handle]}


def cancel_move(api: FakeApi, token: str | None, body: dict[str, Any], handle: str) -> dict:
    """POST /admin/dlq/moves/{handle}/cancel."""
    task = move_status(api, token, body, handle)["task"]
    if task["status"] == "RUNNING":
        task["status"] = "CANCELLING"
    return {"task": task}


def dlq_purge(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /admin/dlq/purge."""
    api.admin(token)
    count, api.dead_letters = len(api.dead_letters), []
    return {"purged": count}


def admin_reprocess(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /admin/reprocess."""
    api.admin(token)
    ids = [w["id"] for w in api.works.values() if body.get("status") in (None, w["status"])]
    return {"dry_run": body["dry_run"], "count": len(ids), "artwork_ids": ids}


def reindex(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /admin/reindex: a task that is already done (the fake has no background)."""
    api.admin(token)
    return {"task": {"id": "t1", "kind": "reindex", "state": "done", "done": len(api.works)}}


def get_task(api: FakeApi, token: str | None, body: dict[str, Any], task_id: str) -> dict:
    """GET /admin/tasks/{id}."""
    api.admin(token)
    return {"task": {"id": task_id, "kind": "reindex", "state": "done", "done": len(api.works)}}


def audit(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """GET /admin/audit."""
    api.admin(token)
    return audit_report(api, [])


def audit_report(api: FakeApi, repaired: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the audit as the API reports it, from the works, dead letters and findings."""
    counts = dict.fromkeys(("ready", "rejected", "failed", "deleted", "processing"), 0)
    for work in api.works.values():
        if work["status"] in counts:
            counts[work["status"]] += 1
    counts["dead_letters"] = len(api.dead_letters)
    return {
        "ok": not api.dead_letters and not api.findings,
        "counts": counts,
        "pending": sum(w["status"] == "awaiting_upload" for w in api.works.values()),
        "unaccounted": copy.deepcopy(api.findings),
        "repaired": repaired,
    }


def audit_repair(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """POST /admin/audit/repair: the repairable findings are repaired, the rest stay."""
    api.admin(token)
    repaired = [f for f in api.findings if f["repairable"]]
    api.findings = [f for f in api.findings if not f["repairable"]]
    return audit_report(api, copy.deepcopy(repaired))


def healthz(api: FakeApi, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
    """GET /healthz (200 whether ok or degraded)."""
    return copy.deepcopy(api.health)


WORK = r"/me/artworks/([^/]+)"
ROUTES: list[tuple[str, str, Any]] = [
    (r"/auth/register", "POST", register),
    (r"/auth/login", "POST", log_in),
    (r"/me", "GET", me),
    (r"/me", "PATCH", edit_me),
    (r"/me/artworks", "GET", list_works),
    (r"/me/artworks", "POST", create_work),
    (WORK, "GET", get_work),
    (WORK, "PATCH", edit_work),
    (WORK, "DELETE", delete_work),
    (WORK + "/focal-point", "PUT", focal),
    (WORK + "/resembles", "GET", resembles),
    (WORK + "/(publish|unpublish)", "POST", visibility),
    (WORK + "/reprocess", "POST", reprocess),
    (WORK + "/upload", "POST", upload),
    (r"/admin/dlq", "GET", dlq_list),
    (r"/admin/dlq/replay", "POST", dlq_replay),
    (r"/admin/dlq/purge", "POST", dlq_purge),
    (r"/admin/dlq/moves/(.+)/cancel", "POST", cancel_move),
    (r"/admin/dlq/moves/(.+)", "GET", move_status),
    (r"/admin/dlq/([^/]+)", "GET", dlq_show),
    (r"/admin/reprocess", "POST", admin_reprocess),
    (r"/admin/reindex", "POST", reindex),
    (r"/admin/tasks/([^/]+)", "GET", get_task),
    (r"/admin/audit", "GET", audit),
    (r"/admin/audit/repair", "POST", audit_repair),
    (r"/healthz", "GET", healthz),
]
