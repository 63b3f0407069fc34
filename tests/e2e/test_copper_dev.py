"""`copper dev --seed` (what `make run` starts): every part up, demo works ready, clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests

from testkit.cli import COPPER

SEEDED = re.compile(r"seeded (\d+) new works, (\d+) already present")


def free_ports(count: int) -> list[int]:
    """Return free loopback ports."""
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


def test_copper_dev_serves_the_api_gallery_and_studio_and_processes_the_demo_works(
    tmp_path: Path,
) -> None:
    api, gallery, studio = free_ports(3)
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("COPPER_")
    }
    process = subprocess.Popen(
        [
            str(COPPER),
            "dev",
            "--seed",
            "--port",
            str(api),
            "--web-port",
            str(gallery),
            "--studio-port",
            str(studio),
        ],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while not any(SEEDED.search(line) for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        said = "".join(lines)
        for port in (api, gallery, studio):
            assert f"http://127.0.0.1:{port}" in said
        base = f"http://127.0.0.1:{api}"
        seeded = SEEDED.search(said)
        count = int(seeded[1]) + int(seeded[2])  # type: ignore[index]
        deadline = time.monotonic() + 240
        while len(requests.get(f"{base}/artworks?limit=100", timeout=10).json()["items"]) < count:
            assert time.monotonic() < deadline, "the demo works did not all become ready"
            time.sleep(1)
        assert requests.get(f"http://127.0.0.1:{gallery}/", timeout=10).status_code == 200
        assert requests.get(f"http://127.0.0.1:{studio}/", timeout=10).status_code in (200, 302)
        assert (tmp_path / "var" / "seed-accounts.json").stat().st_mode & 0o077 == 0
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        reader.join(timeout=10)
    assert process.returncode == 0
    assert "stopping" in "".join(lines)
