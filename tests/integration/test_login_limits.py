"""Log-in attempt limits on the API: per account and per client, through the Lambda handler."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import argon2
import pytest

from handlers import content_api
from service.http.context import services_of

EVENTS = Path(__file__).parent.parent / "events"
PASSWORD = "correct horse battery"
WRONG = "not the password at all"


class CountingHasher(argon2.PasswordHasher):
    """A cheap argon2 hasher that counts the passwords it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        """Count, then check the password."""
        self.verified += 1
        return super().verify(hash, password)


class LambdaContext:
    """The parts of the Lambda context the handler may read."""

    function_name = "copper-content-api"
    aws_request_id = "3f1c9d7e-0000-4000-8000-000000000002"
    memory_limit_in_mb = 1024


@pytest.fixture
def hasher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingHasher]:
    """Cold-start the content API function on an empty local backend, with a counting hasher."""
    monkeypatch.setenv("COPPER_BACKEND", "local")
    monkeypatch.setenv("COPPER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COPPER_LOGIN_ACCOUNT_LIMIT", "5")
    monkeypatch.setenv("COPPER_LOGIN_CLIENT_LIMIT", "20")
    content_api.app.cache_clear()
    counting = CountingHasher()
    services_of(content_api.app()).accounts.hasher = counting
    yield counting
    content_api.app.cache_clear()


def call(path: str, body: dict[str, Any], source_ip: str) -> tuple[int, dict[str, str], Any]:
    """POST `body` to `path` as API Gateway would from `source_ip`; return status, headers, JSON."""
    event = json.loads((EVENTS / "apigw-v2-register.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["requestContext"]["http"]["sourceIp"] = source_ip
    event["headers"]["x-forwarded-for"] = source_ip
    event["body"] = json.dumps(body)
    event["headers"]["content-length"] = str(len(event["body"]))
    response = content_api.handler(event, LambdaContext())
    return response["statusCode"], response["headers"], json.loads(response["body"])


def register(email: str = "ada@example.com", source_ip: str = "192.0.2.1") -> None:
    """Register an account."""
    body = {"email": email, "password": PASSWORD, "display_name": "Ada"}
    assert call("/auth/register", body, source_ip)[0] == 201


def log_in(password: str, source_ip: str, email: str = "ada@example.com") -> tuple[int, Any, Any]:
    """Try to log in."""
    return call("/auth/login", {"email": email, "password": password}, source_ip)


def test_after_200_wrong_passwords_the_right_one_is_refused_with_429_and_retry_after(
    hasher: CountingHasher,
) -> None:
    register()
    statuses = [log_in(WRONG, f"198.51.100.{n % 200}")[0] for n in range(200)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    status, headers, body = log_in(PASSWORD, "203.0.113.50")
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 900
    assert body["error"]["code"] == "too_many_attempts"
    assert re.search(r"wait about \d+ minutes?", body["error"]["message"])
    assert hasher.verified == 5  # a refused try never spends argon2 on the password


def test_one_client_is_paused_after_20_failures_across_accounts(hasher: CountingHasher) -> None:
    register("ada@example.com")
    for n in range(20):
        assert log_in(WRONG, "203.0.113.9", email=f"guess{n}@example.com")[0] == 401
    assert log_in(PASSWORD, "203.0.113.9")[0] == 429
    assert log_in(PASSWORD, "203.0.113.10")[0] == 200  # another client is not held back


def test_a_success_resets_the_accounts_counter(hasher: CountingHasher) -> None:
    register()
    for _ in range(4):
        assert log_in(WRONG, "203.0.113.9")[0] == 401
    assert log_in(PASSWORD, "203.0.113.9")[0] == 200
    for _ in range(4):
        assert log_in(WRONG, "203.0.113.9")[0] == 401
    assert log_in(PASSWORD, "203.0.113.9")[0] == 200


def test_the_client_is_the_source_ip_not_a_forwarded_header(hasher: CountingHasher) -> None:
    register()
    for n in range(20):
        assert log_in(WRONG, "203.0.113.9", email=f"guess{n}@example.com")[0] == 401
    event = json.loads((EVENTS / "apigw-v2-register.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/auth/login"
    event["requestContext"]["http"]["sourceIp"] = "203.0.113.9"
    event["headers"]["x-forwarded-for"] = "192.0.2.77"  # set by the caller: not trusted
    event["body"] = json.dumps({"email": "ada@example.com", "password": PASSWORD})
    assert content_api.handler(event, LambdaContext())["statusCode"] == 429


def test_refused_registrations_count_against_the_client(hasher: CountingHasher) -> None:
    register("ada@example.com", "192.0.2.1")
    taken = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"}
    for _ in range(20):
        assert call("/auth/register", taken, "203.0.113.9")[0] == 422
    status, headers, body = call("/auth/register", taken, "203.0.113.9")
    assert (status, body["error"]["code"]) == (429, "too_many_attempts")
    assert int(headers["Retry-After"]) > 0
    fresh = {"email": "new@example.com", "password": PASSWORD, "display_name": "New"}
    assert call("/auth/register", fresh, "203.0.113.10")[0] == 201


def test_refused_registrations_never_lock_the_account_they_name(hasher: CountingHasher) -> None:
    register("ada@example.com", "192.0.2.1")
    taken = {"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"}
    for n in range(10):
        call("/auth/register", taken, f"203.0.113.{n}")
    assert log_in(PASSWORD, "192.0.2.1")[0] == 200
