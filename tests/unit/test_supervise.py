"""The supervisor's pure parts: the restart backoff and how an exit is described."""

from __future__ import annotations

import signal
import sys

import pytest

from copper.supervise import describe_exit, parent_death_signal, restart_delay


def test_restarts_wait_twice_as_long_each_time_up_to_the_cap() -> None:
    delays = [restart_delay(n, base=1, cap=30) for n in range(1, 8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_there_is_no_zeroth_restart() -> None:
    with pytest.raises(ValueError, match="failure 1"):
        restart_delay(0)


def test_an_exit_reads_as_a_code_or_the_signal_that_killed_it() -> None:
    assert describe_exit(1) == "exited with 1"
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"


def test_the_parent_death_hook_exists_on_linux_only() -> None:
    assert (parent_death_signal() is not None) == sys.platform.startswith("linux")
