"""The log-in throttle's sliding window."""

from __future__ import annotations

from heroku_artist.throttle import LoginThrottle


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_pause_the_pair_until_the_window_passes() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=3, window_seconds=60, clock=clock)
    for _ in range(3):
        assert throttle.wait_seconds("1.2.3.4", "a@example.com") == 0
        throttle.failed("1.2.3.4", "a@example.com")
    assert throttle.wait_seconds("1.2.3.4", "A@Example.com ") == 60
    clock.now += 30
    assert throttle.wait_seconds("1.2.3.4", "a@example.com") == 30
    clock.now += 30
    assert throttle.wait_seconds("1.2.3.4", "a@example.com") == 0


def test_one_address_trying_many_emails_is_paused_too() -> None:
    throttle = LoginThrottle(attempts=2, window_seconds=60, clock=Clock())
    for number in range(8):
        throttle.failed("1.2.3.4", f"user{number}@example.com")
    assert throttle.wait_seconds("1.2.3.4", "fresh@example.com") > 0
    assert throttle.wait_seconds("5.6.7.8", "fresh@example.com") == 0


def test_a_successful_log_in_forgets_the_pairs_failures() -> None:
    throttle = LoginThrottle(attempts=2, window_seconds=60, clock=Clock())
    throttle.failed("1.2.3.4", "a@example.com")
    throttle.succeeded("1.2.3.4", "a@example.com")
    throttle.failed("1.2.3.4", "a@example.com")
    assert throttle.wait_seconds("1.2.3.4", "a@example.com") == 0


def test_old_failures_leave_no_state_behind() -> None:
    clock = Clock()
    throttle = LoginThrottle(attempts=2, window_seconds=60, clock=clock)
    throttle.failed("1.2.3.4", "a@example.com")
    clock.now += 61
    throttle.wait_seconds("1.2.3.4", "a@example.com")
    assert throttle._failures == {}
