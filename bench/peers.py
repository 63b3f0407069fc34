"""The process benchmark's peers, installed on demand outside the project's environment.

sharp goes into an npm prefix and thumbor into its own venv, both under var/bench/peers/. A
peer whose tool is missing or whose install fails is reported with the reason, never raised.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SHARP_SPEC = "sharp@0.35"
THUMBOR_SPEC = "thumbor>=7.8,<8"
INSTALL_TIMEOUT = 900
REASON_CHARS = 300
PYCURL_HINT = "pycurl builds against libcurl's headers: apt-get install libcurl4-openssl-dev"


@dataclass(frozen=True)
class Peer:
    """A runnable peer: the command before JOB OUT, its environment and what it can write."""

    command: tuple[str, ...]
    version: str
    env: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] | None = None  # None: every format of the job


@dataclass(frozen=True)
class Unavailable:
    """A peer that cannot run here, and why."""

    reason: str


def last_lines(text: str, count: int = 2) -> str:
    """Return the last non-empty lines of a tool's output, joined, for a one-line reason."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("WARNING: Location")]
    text = " / ".join(lines[-count:]) or "no output"
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


def run_tool(command: list[str], what: str) -> str | None:
    """Run an install step; return None on success, else why it failed."""
    print(f"installing {what} ...", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return f"{what} install timed out after {INSTALL_TIMEOUT} s"
    except OSError as error:
        return f"{what} install could not start: {error.strerror}"
    if done.returncode != 0:
        why = f"{what} install failed (exit {done.returncode}): {last_lines(done.stderr)}"
        return f"{why} ({PYCURL_HINT})" if "pycurl" in done.stderr else why
    return None


def sharp(root: Path, bench_dir: Path, install: bool) -> Peer | Unavailable:
    """Return sharp under `root`/node, installing it with npm if missing and allowed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        return Unavailable("node not found on PATH")
    prefix = root / "node"
    package = prefix / "node_modules" / "sharp" / "package.json"
    if not package.exists():
        if not install:
            return Unavailable(f"not installed in {prefix} (--no-install)")
        if npm is None:
            return Unavailable("npm not found on PATH")
        prefix.mkdir(parents=True, exist_ok=True)
        failure = run_tool(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", SHARP_SPEC],
            SHARP_SPEC,
        )
        if failure:
            return Unavailable(failure)
    version = json.loads(package.read_text())["version"]
    modules = str(prefix / "node_modules")
    script = str(bench_dir / "sharp_renditions.cjs")
    return Peer((node, script), version, {"NODE_PATH": modules})


def thumbor(root: Path, bench_dir: Path, install: bool) -> Peer | Unavailable:
    """Return thumbor in its own venv under `root`, creating it with pip if missing and allowed."""
    venv = root / "thumbor-venv"
    python = venv / "bin" / "python"
    script = str(bench_dir / "thumbor_renditions.py")
    probe = [str(python), script, "--formats"]
    if not runs(probe):
        if not install:
            return Unavailable(f"not installed in {venv} (--no-install)")
        shutil.rmtree(venv, ignore_errors=True)
        failure = run_tool([sys.executable, "-m", "venv", str(venv)], "a venv for thumbor")
        failure = failure or run_tool(
            [str(python), "-m", "pip", "install", "--quiet", THUMBOR_SPEC], THUMBOR_SPEC
        )
        if failure:
            return Unavailable(failure)
    done = subprocess.run(probe, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return Unavailable(f"thumbor does not start: {last_lines(done.stderr)}")
    version = subprocess.run(
        [str(python), "-c", "import thumbor; print(thumbor.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    formats = tuple(json.loads(done.stdout))
    return Peer((str(python), script), version or "?", formats=formats)


def runs(command: list[str]) -> bool:
    """Return whether a command exists and exits 0."""
    if not Path(command[0]).exists():
        return False
    done = subprocess.run(command, capture_output=True, check=False, env=os.environ.copy())
    return done.returncode == 0
