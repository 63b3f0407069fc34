"""`copper dev` supervises its workers: dead ones come back, none outlive it, /healthz tells.

Real processes throughout: `copper dev` runs as users run it, its workers are found
through /proc (Linux), and they are killed with real signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from testkit.cli import COPPER
from tests.e2e.test_copper_dev import free_ports

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="finds processes through /proc"
)
PROC = Path("/proc")


def parent_and_state(pid: int) -> tuple[int, str] | None:
    """Return a process's parent pid and state letter, or None if it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return int(ppid), state


def alive(pid: int) -> bool:
    """Return whether a process runs (a zombie waiting to be reaped does not)."""
    found = parent_and_state(pid)
    return found is not None and found[1] != "Z"


def workers_of(parent: int) -> set[int]:
    """Return the pids of the live `copper worker` children of `parent`."""
    found = set()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        info = parent_and_state(pid)
        if info is None or info[0] != parent or info[1] == "Z":
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"worker" in command:
            found.add(pid)
    return found


def eventually(condition: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Wait until `condition()` is truthy and return it; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting until {what}")


@dataclass
class Dev:
    """A running `copper dev` and what it said on stderr."""

    process: subprocess.Popen[str]
    api: str
    environment: dict[str, str]
    lines: list[str] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def workers(self) -> set[int]:
        """Return its live workers now (remembered, so none is left behind after the test)."""
        found = workers_of(self.process.pid)
        self.seen |= found
        return found

    def health(self) -> dict[str, Any] | None:
        """Return the /healthz document, or None while the API is not up."""
        try:
            response = requests.get(f"{self.api}/healthz", timeout=5)
        except requests.RequestException:
            return None
        assert response.status_code == 200
        return response.json()

    def said(self) -> str:
        """Return everything it wrote to stderr so far."""
        return "".join(self.lines)


@contextmanager
def copper_dev(
    tmp_path: Path, workers: int, environment: dict[str, str] | None = None
) -> Iterator[Dev]:
    """Run `copper dev --workers N` on free ports in `tmp_path` (with extra `environment`);
    clean up whatever remains."""
    api, gallery, studio = free_ports(3)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COPPER_")}
    environment = inherited | (environment or {})
    command = [str(COPPER), "dev", "--workers", str(workers), "--port", str(api)]
    command += ["--web-port", str(gallery), "--studio-port", str(studio)]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    dev = Dev(process, f"http://127.0.0.1:{api}", environment)
    reader = threading.Thread(target=lambda: dev.lines.extend(process.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        eventually(lambda: dev.health() or process.poll() is not None, "the API answers")
        assert process.poll() is None, dev.said()
        yield dev
    finally:
        dev.workers()
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        reader.join(timeout=10)
        for pid in dev.seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_killed_worker_is_restarted_and_sigterm_stops_every_worker(tmp_path: Path) -> None:
    with copper_dev(tmp_path, workers=2) as dev:
        # GIVEN copper dev with two workers polling
        first = eventually(
            lambda: len(dev.workers()) == 2 and dev.workers(),
            "two workers run",
        )
        eventually(lambda: dev.health()["status"] == "ok", "/healthz says ok")
        # WHEN one worker is killed with SIGKILL
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # THEN copper dev says so and starts a new one in its place
        replaced = eventually(
            lambda: (now := dev.workers()) - first and len(now) == 2 and now,
            "a new worker replaces the killed one",
            timeout=30,
        )
        assert victim not in replaced
        assert f"pid {victim}) killed by SIGKILL; restarting" in dev.said()
        # WHEN copper dev gets SIGTERM THEN it stops cleanly and no worker is left
        dev.process.send_signal(signal.SIGTERM)
        assert dev.process.wait(timeout=40) == 0, dev.said()
        eventually(lambda: not any(alive(pid) for pid in replaced), "the workers are gone", 10)
        assert "stopping" in dev.said()


def test_no_worker_outlives_copper_dev_killed_with_sigkill(tmp_path: Path) -> None:
    with copper_dev(tmp_path, workers=2) as dev:
        workers = eventually(lambda: len(found := dev.workers()) == 2 and found, "two workers run")
        eventually(lambda: dev.health()["status"] == "ok", "/healthz says ok")
        dev.process.kill()
        dev.process.wait(timeout=10)
        eventually(lambda: not any(alive(pid) for pid in workers), "the orphaned workers exit", 15)


def test_healthz_is_degraded_when_copper_dev_runs_no_worker(tmp_path: Path) -> None:
    with copper_dev(tmp_path, workers=0) as dev:
        document = dev.health()
        assert document is not None
        assert document["status"] == "degraded"
        assert document["checks"]["workers"] == {
            "status": "degraded",
            "reason": "no worker has ever polled the queue",
        }
