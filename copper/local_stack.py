"""`copper dev`'s runtime: the whole gallery on one machine, on the embedded backend.

The backend API (with the local upload endpoint and the media files), worker processes
that feed the local queue to the processing handler, and the two web apps when present:
the visitor gallery and the artist studio, each on its own port as on Heroku.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from copper.console import quiet_servers
from copper.demo import Say, say_as_copper_dev, seed_when_empty
from copper.supervise import Supervisor
from service.adapters.secrets import local_secret
from service.bootstrap import Services
from service.http.app import create_app

WEB_APPS = (("heroku_web", "gallery"), ("heroku_artist", "studio"))


@dataclass(frozen=True)
class Ports:
    """Where each part of the stack listens."""

    host: str = "127.0.0.1"
    api: int = 8000
    gallery: int = 8001
    studio: int = 8002


def configure(ports: Ports) -> dict[str, str]:
    """Set the environment every part reads (unless the operator set it); return the URLs."""
    api = f"http://{ports.host}:{ports.api}"
    urls = {
        "api": api,
        "gallery": f"http://{ports.host}:{ports.gallery}",
        "studio": f"http://{ports.host}:{ports.studio}",
    }
    os.environ.setdefault("COPPER_PUBLIC_API_URL", api)
    os.environ.setdefault("COPPER_MEDIA_BASE_URL", f"{api}/media")
    os.environ.setdefault("COPPER_CORS_ORIGINS", f"{urls['gallery']},{urls['studio']}")
    return urls


@contextmanager
def worker_processes(
    count: int, say: Say = say_as_copper_dev, *, verbose: bool = True
) -> Iterator[Supervisor]:
    """Run `count` `copper worker` processes, restarting any that dies; stop them on exit.

    Unless `verbose`, each prints one plain line per message instead of its JSON logs.
    """
    command = [sys.executable, "-m", "copper.cli", "worker", "--parent-pid", str(os.getpid())]
    command += ["--console", "json" if verbose else "events"]
    supervisor = Supervisor(command, count, say=say)
    supervisor.start()
    try:
        yield supervisor
    finally:
        supervisor.stop()


def stop_on_sigterm(server: BaseWSGIServer) -> None:
    """Shut the server down cleanly on SIGTERM, as Ctrl-C does (the workers stop after it)."""

    def shut_down(_signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever() to return, which runs in this very thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, shut_down)


def start_web_app(module: str, host: str, port: int, urls: dict[str, str], data_dir: Path) -> bool:
    """Serve one Heroku app in a thread, configured as on Heroku; False if it is absent."""
    try:
        package = importlib.import_module(module)
    except ModuleNotFoundError:
        return False
    os.environ.setdefault("FLASK_API_URL", urls["api"])
    os.environ.setdefault("FLASK_MEDIA_BASE_URL", f"{urls['api']}/media")
    os.environ.setdefault("FLASK_SECRET_KEY", local_secret(data_dir / "web"))
    os.environ.setdefault("FLASK_SESSION_COOKIE_SECURE", "false")
    os.environ["FLASK_PUBLIC_URL"] = f"http://{host}:{port}"
    app = package.create_app()
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return True


def share_vouch_secret(services: Services, environ: MutableMapping[str, str]) -> None:
    """Give the studio the API's client vouch secret (unless the operator set one), so it
    vouches for each browser's address as on Heroku."""
    if services.vouch_key:
        environ.setdefault("FLASK_API_VOUCH_SECRET", services.vouch_key.decode("utf-8"))


def run_stack(
    services: Services,
    ports: Ports,
    urls: dict[str, str],
    *,
    workers: int,
    with_seed: bool,
    verbose: bool = False,
    say: Say = say_as_copper_dev,
) -> None:
    """Serve the API and the web apps, supervise the workers, until SIGINT or SIGTERM.

    Unless `verbose`, the console shows one line per event, not access and JSON logs.
    """
    data_dir = Path(services.settings.data_dir)
    server = make_server(ports.host, ports.api, create_app(services), threaded=True)
    stop_on_sigterm(server)
    say(f"API on {urls['api']} (data in {data_dir}/)")
    share_vouch_secret(services, os.environ)
    for (module, name), port in zip(WEB_APPS, (ports.gallery, ports.studio), strict=True):
        if start_web_app(module, ports.host, port, urls, data_dir):
            say(f"{name} on {urls[name]}")
    if not verbose:
        quiet_servers()
    with worker_processes(workers, say, verbose=verbose):
        say(f"{workers} workers polling {data_dir}/queue.db")
        if with_seed:
            seed_when_empty(services, urls["api"], say)
        with contextlib.suppress(KeyboardInterrupt):  # werkzeug mostly absorbs it itself
            server.serve_forever()
        say("stopping")
