"""`copper worker` as a process: it stops cleanly on SIGTERM, and when its parent is gone."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from testkit.cli import COPPER


def start_worker(tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    """Start `copper worker` on a fresh local backend in `tmp_path`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COPPER_")}
    environment["COPPER_DATA_DIR"] = str(tmp_path)
    return subprocess.Popen(
        [str(COPPER), "worker", *options],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    worker = start_worker(tmp_path)
    try:
        assert worker.stderr is not None
        assert "polling" in worker.stderr.readline()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert "copper worker: stopped" in worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_a_worker_whose_parent_is_gone_exits_by_itself(tmp_path: Path) -> None:
    # GIVEN a worker told that a process other than its parent supervises it
    not_the_parent = os.getpid() + 1_000_000
    worker = start_worker(tmp_path, "--parent-pid", str(not_the_parent))
    try:
        # THEN it stops on its own, cleanly
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
