"""`copper api` serves the API over real HTTP on the embedded backend, and data survives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.cli import COPPER

LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


def request(
    url: str, method: str = "GET", body: Any = None, token: str | None = None
) -> tuple[int, Any]:
    """Send one JSON request and return the status and decoded body."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    call = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Where the server keeps its SQLite databases."""
    return tmp_path / "var"


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `copper api` on a free port and return the process and its base URL."""
    environment = {**os.environ, "COPPER_DATA_DIR": str(data_dir), "COPPER_BACKEND": "local"}
    process = subprocess.Popen(
        [str(COPPER), "api", "--port", "0"], stderr=subprocess.PIPE, text=True, env=environment
    )
    for line in process.stderr:
        match = LISTENING.search(line)
        if match:
            threading.Thread(target=process.stderr.read, daemon=True).start()  # keep draining
            return process, match.group(1)
    raise AssertionError("copper api did not say where it listens")


@pytest.fixture
def server(data_dir: Path) -> Iterator[str]:
    """A running `copper api`; stopped after the test."""
    process, url = start_server(data_dir)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_the_api_answers_over_http_and_keeps_data_across_a_restart(data_dir: Path) -> None:
    process, url = start_server(data_dir)
    try:
        status, health = request(f"{url}/healthz")
        assert (status, health["status"]) == (200, "degraded")  # no worker runs beside it
        body = {
            "email": "ada@example.com",
            "password": "correct horse battery",
            "display_name": "Ada",
        }
        status, session = request(f"{url}/auth/register", "POST", body)
        assert status == 201
        status, work = request(f"{url}/me/artworks", "POST", {"title": "Dawn"}, session["token"])
        assert (status, work["title"]) == (201, "Dawn")
    finally:
        process.terminate()
        process.wait(timeout=10)
    process, url = start_server(data_dir)
    try:
        login = {"email": "ada@example.com", "password": "correct horse battery"}
        status, session = request(f"{url}/auth/login", "POST", login)
        assert status == 200
        status, page = request(f"{url}/me/artworks", token=session["token"])
        assert [item["title"] for item in page["items"]] == ["Dawn"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_errors_over_http_are_json(server: str) -> None:
    status, body = request(f"{server}/me/artworks")
    assert (status, body["error"]["code"]) == (401, "unauthenticated")
    status, body = request(f"{server}/artworks/01NOTANID")
    assert (status, body["error"]["code"]) == (404, "not_found")
