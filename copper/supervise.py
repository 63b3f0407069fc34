"""Keep a fixed number of child processes running: restart the dead, stop them all together.

`copper dev` runs its workers under a `Supervisor`. A worker that exits or dies is started
again after an exponential backoff (capped; reset once a worker has stayed up a while),
with a line on stderr each time. Stopping sends SIGTERM to every worker, then SIGKILL to
any still running after a grace period. On Linux each child also asks the kernel for
SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG, set in the child before exec), so
killing the supervisor with SIGKILL leaves no worker behind; the workers also check their
parent pid themselves, which covers other platforms.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1
BASE_DELAY = 1.0
MAX_DELAY = 30.0
STABLE_SECONDS = 60.0
POLL_SECONDS = 0.2
STOP_GRACE_SECONDS = 20.0

Say = Callable[[str], None]


def restart_delay(failures: int, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> float:
    """Return the wait before restart number `failures` (1, 2, ...): base doubled, capped."""
    if failures < 1:
        raise ValueError("the first restart is failure 1")
    return min(cap, base * 2 ** (failures - 1))


def parent_death_signal(signum: int = signal.SIGTERM) -> Callable[[], None] | None:
    """Return a pre-exec hook that has the kernel send `signum` when the parent dies.

    Linux only (None elsewhere). libc is resolved here, in the parent, so the hook does
    nothing in the forked child but one system call. The kernel counts the parent as the
    *thread* that forked the child, so spawn from a thread that lives as long as the
    supervisor.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    number = int(signum)

    def set_parent_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, number, 0, 0, 0)

    return set_parent_death_signal


def describe_exit(returncode: int) -> str:
    """Return how a process ended, such as 'exited with 1' or 'killed by SIGKILL'."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with {returncode}"


@dataclass
class Slot:
    """One supervised worker: its process, restart count and when to start it again."""

    number: int
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None


class Supervisor:
    """Run `count` copies of `command`, restarting any that ends, until stopped."""

    def __init__(
        self,
        command: Sequence[str],
        count: int,
        *,
        say: Say,
        base_delay: float = BASE_DELAY,
        max_delay: float = MAX_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare `count` slots; nothing runs before `start`."""
        self._command = list(command)
        self._slots = [Slot(number) for number in range(1, count + 1)]
        self._say = say
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._clock = clock
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._pre_exec = parent_death_signal()

    def start(self) -> None:
        """Start the watcher, which starts every worker and keeps them running."""
        self._watcher.start()

    def pids(self) -> list[int]:
        """Return the pids of the workers running now."""
        return [
            slot.process.pid
            for slot in self._slots
            if slot.process is not None and slot.process.poll() is None
        ]

    def _spawn(self, slot: Slot) -> subprocess.Popen[bytes]:
        """Start a slot's worker; return its process."""
        slot.process = subprocess.Popen(self._command, preexec_fn=self._pre_exec)
        slot.started_at = self._clock()
        slot.restart_at = None
        return slot.process

    def _watch(self) -> None:
        """Start the workers, then restart each one that ends, until stopping."""
        for slot in self._slots:
            self._spawn(slot)
        while not self._stopping.wait(POLL_SECONDS):
            self.check()

    def check(self) -> None:
        """Schedule a restart for each ended worker and start those whose wait is over."""
        now = self._clock()
        for slot in self._slots:
            process = slot.process
            if slot.restart_at is None and process is not None and process.poll() is not None:
                if now - slot.started_at >= STABLE_SECONDS:
                    slot.failures = 0
                slot.failures += 1
                delay = restart_delay(slot.failures, self._base_delay, self._max_delay)
                slot.restart_at = now + delay
                self._say(
                    f"worker {slot.number} (pid {process.pid}) "
                    f"{describe_exit(process.returncode)}; restarting in {delay:g} s"
                )
            if slot.restart_at is not None and now >= slot.restart_at:
                pid = self._spawn(slot).pid
                self._say(f"worker {slot.number} restarted (pid {pid})")

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Stop restarting, SIGTERM every worker, and SIGKILL those alive after `grace` s."""
        self._stopping.set()
        if self._watcher.is_alive():
            self._watcher.join()
        running = [s.process for s in self._slots if s.process and s.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
