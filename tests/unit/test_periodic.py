"""Periodic tasks of the worker loop: run when due, errors logged, never fatal."""

from __future__ import annotations

import logging

import pytest

from copper.periodic import Schedule


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


def test_each_task_runs_at_once_and_then_once_per_interval() -> None:
    clock, runs = Clock(), []
    schedule = Schedule(
        ((5, lambda: runs.append("beat")), (60, lambda: runs.append("sweep"))), clock=clock
    )
    schedule.run_due()
    clock.now = 4.9
    schedule.run_due()
    clock.now = 5.0
    schedule.run_due()
    clock.now = 60.0
    schedule.run_due()
    assert runs == ["beat", "sweep", "beat", "beat", "sweep"]


def test_a_failing_task_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock, runs = Clock(), []

    def broken() -> None:
        raise RuntimeError("index down")

    schedule = Schedule(((1, broken), (1, lambda: runs.append("ok"))), clock=clock)
    with caplog.at_level(logging.ERROR, logger="copper.periodic"):
        assert schedule.run_due() == 2
        clock.now = 1.0
        assert schedule.run_due() == 2
    assert runs == ["ok", "ok"]
    assert [record.message for record in caplog.records] == ["periodic task failed"] * 2


def test_a_task_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="positive"):
        Schedule(((0, lambda: None),))
