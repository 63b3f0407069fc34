"""Log-in limits per browser behind the studio: the API counts the address the studio vouches
for in a signed header, through the content API's Lambda handler."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import argon2
import pytest

from handlers import content_api
from service.http.context import services_of
from service.vouch import vouch

EVENTS = Path(__file__).parent.parent / "events"
SECRET = "vouch-" + "v" * 40
PASSWORD = "correct horse battery"
WRONG = "not the password at all"
STUDIO = "198.51.100.1"  # the studio's own server: the socket address of every call it makes


class LambdaContext:
    """The parts of the Lambda context the handler may read."""

    function_name = "copper-content-api"
    aws_request_id = "3f1c9d7e-0000-4000-8000-000000000003"
    memory_limit_in_mb = 1024


@pytest.fixture(autouse=True)
def content_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cold-start the content API function on an empty local backend sharing the studio's
    secret (with a cheap password hasher)."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPPER_LOGIN_ACCOUNT_LIMIT", "5")
    monkeypatch.setenv("COPPER_LOGIN_CLIENT_LIMIT", "20")
    monkeypatch.setenv("COPPER_CLIENT_VOUCH_SECRET", SECRET)
    content_api.app.cache_clear()
    hasher = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    services_of(content_api.app()).accounts.hasher = hasher
    yield
    content_api.app.cache_clear()


def call(path: str, body: dict[str, Any], vouched: str | None) -> tuple[int, Any]:
    """POST `body` to `path` from the studio's server, naming `vouched` in the header when
    given (a str starting with "v1." is sent as it is); return the status and JSON body."""
    event = json.loads((EVENTS / "apigw-v2-register.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["sourceIp"] = STUDIO
    event["headers"]["x-forwarded-for"] = STUDIO
    if vouched is not None:
        header = vouched
        if not vouched.startswith("v1."):
            header = vouch(SECRET.encode(), vouched, "POST", path, time.time())
        event["headers"]["x-copper-client"] = header
    event["body"] = json.dumps(body)
    event["headers"]["content-length"] = str(len(event["body"]))
    response = content_api.handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def log_in(password: str, vouched: str | None, email: str = "ada@example.com") -> int:
    """Try to log in through the studio for the browser at `vouched`; return the status."""
    return call("/auth/login", {"email": email, "password": password}, vouched)[0]


def register(email: str = "ada@example.com") -> None:
    """Register an account through the studio."""
    body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0]}
    assert call("/auth/register", body, "192.0.2.200")[0] == 201


def test_a_vouched_browser_is_paused_alone_after_20_failures() -> None:
    register()
    for n in range(20):
        assert log_in(WRONG, "203.0.113.7", email=f"guess{n}@example.com") == 401
    assert log_in(PASSWORD, "203.0.113.7") == 429
    assert log_in(WRONG, "203.0.113.8") == 401  # another browser behind the same studio
    assert log_in(WRONG, None) == 401  # a caller the studio does not vouch for
    assert log_in(PASSWORD, "2001:db8::8") == 200


def test_an_ipv6_browser_is_counted_under_its_normal_spelling() -> None:
    register()
    for n in range(20):
        spelling = "2001:db8::9" if n % 2 else "2001:DB8:0:0:0:0:0:9"
        assert log_in(WRONG, spelling, email=f"guess{n}@example.com") == 401
    assert log_in(PASSWORD, "2001:db8:0::9") == 429


def test_ipv6_addresses_of_one_64_share_a_counter_and_another_64_does_not() -> None:
    # GIVEN 20 failures, each from a different address of one IPv6 /64
    register()
    for n in range(20):
        assert log_in(WRONG, f"2001:db8:0:7::{n + 1:x}", email=f"guess{n}@example.com") == 401
    # THEN a fresh address of that /64 is paused too, and the next /64 is not
    assert log_in(PASSWORD, "2001:db8:0:7:ffff::1") == 429
    assert log_in(PASSWORD, "2001:db8:0:8::1") == 200


def test_a_header_with_a_wrong_signature_is_counted_against_the_socket_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    register()
    forged = vouch(b"not the shared secret" * 2, "203.0.113.7", "POST", "/auth/login", time.time())
    caplog.set_level(logging.WARNING)
    for n in range(20):
        claimed = forged.replace("203.0.113.7", f"203.0.113.{n}")
        assert log_in(WRONG, claimed, email=f"guess{n}@example.com") == 401
    assert log_in(PASSWORD, None) == 429  # all 20 counted against the studio's own address
    assert log_in(PASSWORD, "203.0.113.7") == 200  # a vouched browser still gets in
    warnings = [r for r in caplog.records if "X-Copper-Client" in r.getMessage()]
    assert len(warnings) == 20
    assert all(forged.rsplit(".", 1)[1] not in r.getMessage() for r in warnings)


def test_a_stale_header_is_not_trusted() -> None:
    register()
    stale = vouch(SECRET.encode(), "203.0.113.7", "POST", "/auth/login", time.time() - 600)
    for n in range(20):
        assert log_in(WRONG, stale, email=f"guess{n}@example.com") == 401
    assert log_in(PASSWORD, None) == 429
    assert log_in(PASSWORD, "203.0.113.7") == 200


def test_refused_registrations_count_against_the_vouched_browser() -> None:
    register("ada@example.com")
    taken = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"}
    for _ in range(20):
        assert call("/auth/register", taken, "203.0.113.7")[0] == 422
    assert call("/auth/register", taken, "203.0.113.7")[0] == 429
    fresh = {"email": "new@example.com", "password": PASSWORD, "display_name": "New"}
    assert call("/auth/register", fresh, "203.0.113.8")[0] == 201
