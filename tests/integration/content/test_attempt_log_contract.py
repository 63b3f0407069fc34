"""One contract for every attempt log adapter: counters that count, expire and clear alike."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from content.attempts import AttemptLimits, AttemptLog, LoginGuard, Tally
from content.dynamodb import DynamoAttemptLog
from content.repository import StoreUnavailable
from content.sqlite import SqliteAttemptLog, SqliteContentRepository
from tests.integration.content.conftest import TABLE_NAME

NOW = 1_800_000_000.0
WINDOW = 900.0


@pytest.fixture
def sqlite_attempts(sqlite_repository: SqliteContentRepository) -> SqliteAttemptLog:
    """Return the SQLite attempt log, in the content store's database."""
    return SqliteAttemptLog(sqlite_repository)


@pytest.fixture
def dynamodb_attempts(dynamodb_client: object) -> DynamoAttemptLog:
    """Return the DynamoDB attempt log, in the content table (moto)."""
    return DynamoAttemptLog(TABLE_NAME, client=dynamodb_client)


@pytest.fixture(params=["sqlite", "dynamodb"])
def attempts(request: pytest.FixtureRequest) -> AttemptLog:
    """Return each attempt log adapter in turn, empty."""
    return request.getfixturevalue(f"{request.param}_attempts")


def test_an_unknown_key_has_no_attempts(attempts: AttemptLog) -> None:
    assert attempts.tally("account:nobody", NOW).count == 0


def test_attempts_count_up_within_one_window_that_ends_where_it_began(
    attempts: AttemptLog,
) -> None:
    first = attempts.add("client:203.0.113.9", WINDOW, NOW)
    attempts.add("client:203.0.113.9", WINDOW, NOW + 10)
    third = attempts.add("client:203.0.113.9", WINDOW, NOW + 20)
    assert first == Tally(1, NOW + WINDOW)
    assert third == Tally(3, NOW + WINDOW)
    assert attempts.tally("client:203.0.113.9", NOW + 30) == Tally(3, NOW + WINDOW)


def test_keys_are_counted_apart(attempts: AttemptLog) -> None:
    attempts.add("client:a", WINDOW, NOW)
    attempts.add("client:a", WINDOW, NOW)
    attempts.add("client:b", WINDOW, NOW)
    assert (attempts.tally("client:a", NOW).count, attempts.tally("client:b", NOW).count) == (2, 1)


def test_an_expired_counter_reads_as_zero_and_the_next_attempt_starts_a_new_window(
    attempts: AttemptLog,
) -> None:
    for _ in range(4):
        attempts.add("account:x", WINDOW, NOW)
    later = NOW + WINDOW + 1
    assert attempts.tally("account:x", later).count == 0
    assert attempts.add("account:x", WINDOW, later) == Tally(1, later + WINDOW)


def test_clear_forgets_one_counter(attempts: AttemptLog) -> None:
    attempts.add("account:x", WINDOW, NOW)
    attempts.add("client:x", WINDOW, NOW)
    attempts.clear("account:x")
    attempts.clear("account:never-seen")
    assert attempts.tally("account:x", NOW).count == 0
    assert attempts.tally("client:x", NOW).count == 1


def test_the_guard_pauses_an_account_after_its_limit_and_a_success_resets_it(
    attempts: AttemptLog,
) -> None:
    clock = [NOW]
    limits = AttemptLimits(account=3, client=10, window=WINDOW)
    guard = LoginGuard(attempts, limits, lambda: clock[0])
    for _ in range(3):
        assert guard.wait_seconds("Ada@Example.com", "203.0.113.9") == 0
        guard.failed("ada@example.com", "203.0.113.9")
    assert guard.wait_seconds(" ADA@example.com", "198.51.100.4") == WINDOW
    clock[0] += 600
    assert guard.wait_seconds("ada@example.com", "198.51.100.4") == WINDOW - 600
    guard.succeeded("ada@example.com")
    assert guard.wait_seconds("ada@example.com", "203.0.113.9") == 0


def test_the_guard_pauses_a_client_after_its_limit_whatever_the_account(
    attempts: AttemptLog,
) -> None:
    guard = LoginGuard(attempts, AttemptLimits(account=3, client=4, window=WINDOW), lambda: NOW)
    for n in range(4):
        guard.failed(f"person{n}@example.com", "203.0.113.9")
    assert guard.wait_seconds("someone.else@example.com", "203.0.113.9") == WINDOW
    assert guard.wait_seconds("someone.else@example.com", "198.51.100.4") == 0
    guard.succeeded("person0@example.com")  # a success does not clear the client's count
    assert guard.wait_seconds(None, "203.0.113.9") == WINDOW


def test_a_limit_of_zero_turns_that_counter_off(attempts: AttemptLog) -> None:
    guard = LoginGuard(attempts, AttemptLimits(account=2, client=0, window=WINDOW), lambda: NOW)
    for n in range(50):
        guard.failed(f"person{n}@example.com", "203.0.113.9")
    assert guard.wait_seconds("new@example.com", "203.0.113.9") == 0


def test_the_dynamodb_log_says_the_store_is_unavailable_when_unreachable(
    dynamodb_attempts: DynamoAttemptLog, dynamodb_client: object
) -> None:
    with Stubber(dynamodb_client) as stubber:  # type: ignore[arg-type]
        stubber.add_client_error("get_item", "ThrottlingException", http_status_code=400)
        with pytest.raises(StoreUnavailable):
            dynamodb_attempts.tally("client:x", NOW)


def test_the_dynamodb_items_carry_the_ttl_attribute_and_stay_out_of_the_stream_filter(
    dynamodb_attempts: DynamoAttemptLog, dynamodb_client: object
) -> None:
    dynamodb_attempts.add("client:x", WINDOW, NOW)
    items = dynamodb_client.scan(TableName=TABLE_NAME)["Items"]  # type: ignore[attr-defined]
    assert len(items) == 1
    assert items[0]["expires_at"] == {"N": str(int(NOW + WINDOW))}
    assert items[0]["SK"]["S"] not in ("ARTWORK", "PROFILE")  # the indexer's stream filter
