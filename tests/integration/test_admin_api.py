"""The admin API over real HTTP: dead letters, replay, purge, reprocess, reindex, audit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from content.model import Role
from copper.demo_art import artwork_jpeg
from testkit.stack import LocalStack

ADMIN_ROUTES = (
    ("GET", "/admin/dlq"),
    ("GET", "/admin/dlq/some-id"),
    ("POST", "/admin/dlq/replay"),
    ("GET", "/admin/dlq/moves/some-handle"),
    ("POST", "/admin/dlq/moves/some-handle/cancel"),
    ("POST", "/admin/dlq/purge"),
    ("POST", "/admin/reprocess"),
    ("POST", "/admin/reindex"),
    ("GET", "/admin/tasks/some-id"),
    ("GET", "/admin/audit"),
)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    """Yield a running local stack."""
    with LocalStack(tmp_path) as running:
        yield running


def admin_token(stack: LocalStack) -> str:
    """Create an admin and log in over the API."""
    stack.services.accounts.register(
        "admin@example.com", "a long admin password", "Admin", role=Role.ADMIN
    )
    response = requests.post(
        f"{stack.api_url}/auth/login",
        json={"email": "admin@example.com", "password": "a long admin password"},
        timeout=10,
    )
    return response.json()["token"]


def status_of(stack: LocalStack, method: str, path: str, token: str | None) -> int:
    """Return the HTTP status of one call."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {} if method == "POST" else None
    return requests.request(
        method, f"{stack.api_url}{path}", headers=headers, json=body, timeout=10
    ).status_code


def dead_letters(stack: LocalStack, token: str, count: int = 1, timeout: float = 20) -> list[dict]:
    """Wait until the dead-letter queue holds at least `count` messages; return its items."""
    deadline = time.monotonic() + timeout
    while len(items := stack.call("GET", "/admin/dlq", token)["items"]) < count:
        assert time.monotonic() < deadline, "too little reached the dead-letter queue"
        time.sleep(0.2)
    return items


def refused(stack: LocalStack, method: str, path: str, token: str, **kwargs: Any) -> Any:
    """Call the API expecting an error; return the response."""
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.request(
        method, f"{stack.api_url}{path}", headers=headers, timeout=10, **kwargs
    )
    assert response.status_code >= 400, response.text
    return response


def test_admin_routes_refuse_visitors_401_and_artists_403(stack: LocalStack) -> None:
    artist = stack.register("Ada Verdigris")
    for method, path in ADMIN_ROUTES:
        assert status_of(stack, method, path, None) == 401, path
        assert status_of(stack, method, path, artist.token) == 403, path


def test_an_admin_replays_a_message_that_failed_during_a_storage_outage(
    stack: LocalStack,
) -> None:
    token = admin_token(stack)
    artist = stack.register("Ada Verdigris")
    # GIVEN an upload whose processing met a storage outage until it was dead-lettered
    stack.uploads_down = True
    work = stack.upload(artist.token, artwork_jpeg(3, 480), {"title": "Tide"})
    failed = stack.wait_for(work, artist.token, {"failed"})
    assert "could not process" in failed["rejection_reason"]
    [letter] = dead_letters(stack, token)
    stack.uploads_down = False
    assert (letter["artwork_id"], letter["error_class"]) == (work, "StorageUnavailable")
    slug = stack.call("GET", "/me", artist.token)["slug"]
    assert (letter["artist_name"], letter["artist_slug"]) == ("Ada Verdigris", slug)
    assert letter["artwork_title"] == "Tide"
    assert stack.call("GET", f"/admin/dlq/{letter['id']}", token)["body"].startswith("{")
    assert stack.call("GET", "/admin/audit", token)["counts"]["dead_letters"] == 1
    # WHEN the admin previews, then replays the failures of that class
    preview = stack.call(
        "POST",
        "/admin/dlq/replay",
        token,
        json={"error_class": "StorageUnavailable", "dry_run": True},
    )
    assert (preview["dry_run"], preview["count"]) == (True, 1)
    assert len(stack.call("GET", "/admin/dlq", token)["items"]) == 1
    replayed = stack.call(
        "POST", "/admin/dlq/replay", token, json={"error_class": "StorageUnavailable"}
    )
    assert (replayed["dry_run"], replayed["count"]) == (False, 1)
    # THEN the work becomes ready and public, and the audit is clean
    stack.wait_for(work, artist.token, {"ready"})
    stack.wait_for_search("tide", 1)
    audit = stack.call("GET", "/admin/audit", token)
    assert audit["ok"] and audit["counts"]["ready"] == 1
    assert stack.call("GET", "/admin/dlq", token)["items"] == []


def test_purging_needs_confirmation(stack: LocalStack) -> None:
    token = admin_token(stack)
    stack.services.queue.send("not json")
    response = requests.post(
        f"{stack.api_url}/admin/dlq/purge",
        json={},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "confirmation_required"
    assert stack.call("POST", "/admin/dlq/purge", token, json={"confirm": True}) == {"purged": 0}


def test_reprocess_by_artist_renders_their_works_again(stack: LocalStack) -> None:
    token = admin_token(stack)
    artist = stack.register("Ada Verdigris")
    work = stack.upload(artist.token, artwork_jpeg(4, 480), {"title": "Tide"})
    first = stack.wait_for(work, artist.token, {"ready"})
    slug = stack.call("GET", "/me", artist.token)["slug"]
    preview = stack.call("POST", "/admin/reprocess", token, json={"artist": slug, "dry_run": True})
    assert preview["artwork_ids"] == [work]
    assert stack.call("POST", "/admin/reprocess", token, json={"artist": slug})["count"] == 1
    # the work stays public while it is rendered again
    assert stack.call("GET", f"/artworks/{work}")["id"] == work
    deadline = time.monotonic() + 30
    while (again := stack.artwork(work, artist.token))["reprocessing"]:
        assert time.monotonic() < deadline, "the reprocess request was never handled"
        time.sleep(0.1)
    assert again["version"] > first["version"]
    assert {r["key"] for r in again["renditions"]} != {r["key"] for r in first["renditions"]}
    started = stack.call("POST", "/admin/reindex", token)["task"]
    assert started["state"] == "running"
    deadline = time.monotonic() + 30
    while (task := stack.call("GET", f"/admin/tasks/{started['id']}", token)["task"])[
        "state"
    ] == "running":
        assert time.monotonic() < deadline, "the rebuild never finished"
        time.sleep(0.1)
    assert (task["state"], task["done"], task["total"]) == ("done", 1, 1)
    stack.wait_for_search("tide", 1)


def test_a_paced_replay_is_bounded_by_the_request_time_limit(stack: LocalStack) -> None:
    token = admin_token(stack)
    # GIVEN four unreadable messages in the dead-letter queue (they name no artist or work)
    for _ in range(4):
        stack.services.queue.send("not json")
    letters = dead_letters(stack, token, count=4)
    assert {(m["artist_name"], m["artwork_title"]) for m in letters} == {(None, None)}
    # WHEN a replay at 0.1 per second would sleep 30 s THEN it is refused, saying what to do
    slow = refused(stack, "POST", "/admin/dlq/replay", token, json={"rate": 0.1})
    assert slow.status_code == 422
    assert slow.json()["error"]["code"] == "replay_too_slow"
    assert "'limit'" in slow.json()["error"]["message"]
    preview = {"rate": 0.1, "limit": 3, "dry_run": True}
    assert stack.call("POST", "/admin/dlq/replay", token, json=preview)["count"] == 3
    for rate in (0.01, 5000, "fast", True):
        wrong = refused(stack, "POST", "/admin/dlq/replay", token, json={"rate": rate})
        assert (wrong.status_code, wrong.json()["error"]["code"]) == (422, "invalid_field")
    # AND a replay that fits moves the messages one by one, with no move task
    started = time.monotonic()
    paced = stack.call("POST", "/admin/dlq/replay", token, json={"rate": 20, "limit": 2})
    assert (paced["count"], "task" in paced) == (2, False)
    assert time.monotonic() - started >= 0.05


def test_a_whole_queue_replay_answers_a_move_task_to_follow_and_cancel(
    stack: LocalStack,
) -> None:
    token = admin_token(stack)
    stack.services.queue.send("not json")
    dead_letters(stack, token)
    replayed = stack.call("POST", "/admin/dlq/replay", token, json={})
    task = replayed["task"]
    assert (task["status"], task["moved"], task["to_move"]) == ("COMPLETED", 1, 1)
    handle = task["handle"]
    assert stack.call("GET", f"/admin/dlq/moves/{handle}", token) == {"task": task}
    cancelled = stack.call("POST", f"/admin/dlq/moves/{handle}/cancel", token)
    assert cancelled == {"task": task}, "a finished move stays as it finished"
    for method, path in (
        ("GET", "/admin/dlq/moves/no-such-handle"),
        ("POST", "/admin/dlq/moves/no-such-handle/cancel"),
    ):
        missing = refused(stack, method, path, token)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        assert missing.json()["error"]["message"] == "No such move task."
