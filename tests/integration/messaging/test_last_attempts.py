"""The failure log remembers each message's last attempt, so dead letters list without a receive."""

from __future__ import annotations

from messaging.queue import Failure, FailureLog, LastAttempt


def attempt(message_id: str, sent_at: float, receive_count: int = 3) -> LastAttempt:
    """Return the last attempt of a message sent at `sent_at`."""
    return LastAttempt(message_id, f'{{"id": "{message_id}"}}', sent_at, receive_count, 500.0)


def test_last_attempts_list_oldest_sent_first_with_their_failures(failure_log: FailureLog) -> None:
    failure_log.record(Failure("m-2", "StoreUnavailable", "table throttled", 400.0))
    failure_log.last_attempt(attempt("m-2", 200.0))
    failure_log.last_attempt(attempt("m-1", 100.0))
    failure_log.record(Failure("m-3", "SearchUnavailable", "never a last attempt", 410.0))
    listed = failure_log.last_attempts()
    assert [(a.message_id, a.sent_at, a.receive_count) for a, _ in listed] == [
        ("m-1", 100.0, 3),
        ("m-2", 200.0, 3),
    ]
    assert listed[0][0].body == '{"id": "m-1"}'
    assert listed[0][1] is None
    assert listed[1][1] == Failure("m-2", "StoreUnavailable", "table throttled", 400.0)


def test_forgetting_a_message_drops_its_last_attempt_and_failure(failure_log: FailureLog) -> None:
    failure_log.last_attempt(attempt("m-1", 100.0))
    failure_log.record(Failure("m-1", "StoreUnavailable", "table throttled", 400.0))
    failure_log.last_attempt(attempt("m-2", 200.0))
    failure_log.forget(["m-1"])
    assert [a.message_id for a, _ in failure_log.last_attempts()] == ["m-2"]
    assert failure_log.get(["m-1"]) == {}


def test_a_repeated_last_attempt_is_kept_once(failure_log: FailureLog) -> None:
    failure_log.last_attempt(attempt("m-1", 100.0))
    failure_log.last_attempt(attempt("m-1", 100.0, receive_count=4))
    [(only, _)] = failure_log.last_attempts()
    assert only.receive_count == 4
