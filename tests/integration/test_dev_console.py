"""`copper dev`'s console: one plain line per event by default; JSON and access logs on ask.

The worker's handler runs for real on the embedded backend; what it prints is captured at
the file-descriptor level (Powertools writes to the stdout it found at import).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from copper.cli.root import main
from copper.demo_art import artwork_jpeg
from service.bootstrap import Services, build_services
from service.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\d\d:\d\d:\d\d \S")


@pytest.fixture
def services(tmp_path: Path) -> Services:
    """Return the embedded services in a fresh data directory (quick retries)."""
    return build_services(
        ServiceSettings(
            data_dir=str(tmp_path), token_secret="x" * 40, visibility_timeout=1, max_receive_count=2
        )
    )


def upload(services: Services, title: str, name: str) -> None:
    """Store an original through a fresh upload form (the local store queues its event)."""
    artist = services.accounts.register(f"{name.split()[0].lower()}@example.com", "p" * 16, name)
    artwork = services.artworks.create(artist.id, {"title": title})
    form = services.uploads.issue(artist.id, artwork.id, "image/jpeg")
    key = form.fields["key"]
    services.blobs.put(key, artwork_jpeg(3, 320), "image/jpeg")


def work_once(services: Services, console: str) -> subprocess.CompletedProcess[str]:
    """Run `copper worker --once --console …` on the services' data directory."""
    settings = services.settings
    environment = {
        "PATH": "/usr/bin:/bin",
        "COPPER_DATA_DIR": settings.data_dir,
        "COPPER_VISIBILITY_TIMEOUT": str(settings.visibility_timeout),
        "COPPER_MAX_RECEIVE_COUNT": str(settings.max_receive_count),
    }
    done = subprocess.run(
        [sys.executable, "-m", "copper.cli", "worker", "--once", "--console", console],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def event_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    """Return the lines a worker printed, without its own start and end lines."""
    return [line for line in done.stderr.splitlines() if not line.startswith("copper worker:")]


def test_an_upload_prints_one_plain_line_and_no_json(services: Services) -> None:
    upload(services, "Dusk over the estuary", "Ana Lumen")
    done = work_once(services, "events")
    assert done.stdout.strip() == "", "no JSON logs and no metrics on stdout"
    [line] = event_lines(done)
    assert LINE.match(line), line
    assert re.search(r"upload  'Dusk over the estuary' by Ana Lumen → ready in \d+\.\d s$", line)


def test_a_message_that_is_not_an_upload_event_reads_as_such(services: Services) -> None:
    services.queue.send("this is not JSON")
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while services.queue.counts()["visible"] + services.queue.counts()["in_flight"]:
        assert time.monotonic() < deadline, "the message was never dead-lettered"
        done = work_once(services, "events")
        assert done.stdout.strip() == ""
        lines += event_lines(done)
        time.sleep(0.5)
    assert not any(line.lstrip().startswith("{") for line in lines), lines
    assert lines[0].endswith(
        "message unreadable message (not an upload event) → failed (MalformedMessage), retrying"
    ), lines
    assert lines[-1].endswith("→ dead-lettered (MalformedMessage)"), lines


def test_the_json_console_stays_as_it_was(services: Services) -> None:
    upload(services, "Tide", "Ada Verdigris")
    done = work_once(services, "json")
    assert '"CloudWatchMetrics"' in done.stdout, "the embedded metrics, as on Lambda"
    assert "→ ready" not in done.stderr


def test_copper_dev_offers_verbose_and_the_worker_its_console() -> None:
    dev = CliRunner().invoke(main, ["dev", "--help"])
    assert "--verbose" in dev.output and "access logs" in dev.output
    worker = CliRunner().invoke(main, ["worker", "--help"])
    assert "--console" in worker.output


def test_make_run_passes_the_ports_to_copper_dev() -> None:
    dry = subprocess.run(
        ["make", "-n", "run", "API_PORT=9000", "WEB_PORT=9001", "STUDIO_PORT=9002"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    [command] = [line for line in dry.stdout.splitlines() if "copper dev" in line]
    assert "--port 9000 --web-port 9001 --studio-port 9002" in command
    assert "--verbose" not in command
    verbose = subprocess.run(
        ["make", "-n", "run", "VERBOSE=1"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "--verbose" in verbose.stdout


def test_make_run_installs_only_what_running_needs() -> None:
    dry = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = dry.stdout.splitlines()
    installs = [line for line in lines if "pip install" in line and " -e " in line]
    assert installs and all("[dev]" not in line for line in installs), installs
    tests = subprocess.run(
        ["make", "-n", "-B", "test-fast"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert any("'.[dev]'" in line for line in tests.stdout.splitlines())


def test_the_api_of_copper_dev_logs_warnings_as_lines_and_nothing_else() -> None:
    script = (
        "import logging\n"
        "from copper.console import quiet_servers\n"
        "from service.logs import configure_logging\n"
        "quiet_servers()\n"
        "configure_logging('copper-api')\n"
        "logging.getLogger('copper.api').info('upload form issued')\n"
        "logging.getLogger('copper.api').warning('the content store is slow')\n"
        "logging.getLogger('werkzeug').info('GET / HTTP/1.1 200')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert LINE.match(line) and line.endswith("warning  the content store is slow"), line
