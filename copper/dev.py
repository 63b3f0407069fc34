"""`copper dev`: the whole gallery on one machine, on the embedded backend under ./var/.

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from werkzeug.serving import BaseWSGIServer, make_server

from copper.supervise import Supervisor

WEB_APPS = (("heroku_web", "gallery"), ("heroku_artist", "studio"))


def configure(host: str, port: int, web_port: int, studio_port: int) -> dict[str, str]:
    """Set the environment every part reads (unless the operator set it); return the URLs."""
    api = f"http://{host}:{port}"
    urls = {
        "api": api,
        "gallery": f"http://{host}:{web_port}",
        "studio": f"http://{host}:{studio_port}",
    }
    os.environ.setdefault("COPPER_PUBLIC_API_URL", api)
    os.environ.setdefault("COPPER_MEDIA_BASE_URL", f"{api}/media")
    os.environ.setdefault("COPPER_CORS_ORIGINS", f"{urls['gallery']},{urls['studio']}")
    return urls


@contextmanager
def worker_processes(count: int) -> Iterator[Supervisor]:
    """Run `count` `copper worker` processes, restarting any that dies; stop them on exit."""
    command = [sys.executable, "-m", "copper.cli", "worker", "--parent-pid", str(os.getpid())]
    supervisor = Supervisor(
        command, count, say=lambda line: click.echo(f"copper dev: {line}", err=True)
    )
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
    from copper.adapters.secrets import local_secret

    os.environ.setdefault("FLASK_SECRET_KEY", local_secret(data_dir / "web"))
    os.environ.setdefault("FLASK_SESSION_COOKIE_SECURE", "false")
    os.environ["FLASK_PUBLIC_URL"] = f"http://{host}:{port}"
    app = package.create_app()
    server = make_server(host, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return True


def seed_when_empty(found: Any, api_url: str) -> threading.Thread | None:
    """Load or complete the demo data in the background, unless it is complete or not wanted.

    A gallery whose artists are all its own (no demo account) is never seeded over; a
    half-seeded one is completed. Return the seeding thread, or None when nothing is to do.
    """
    from copper.seed_state import GalleryState, gallery_state

    data_dir = Path(found.settings.data_dir)
    state = gallery_state(found.repository, data_dir)
    if state is GalleryState.OWN_DATA:
        click.echo("copper dev: the gallery has its own artists; not seeding demo data", err=True)
        return None
    if state is GalleryState.COMPLETE_DEMO:
        click.echo("copper dev: demo data present; not seeding", err=True)
        return None
    thread = threading.Thread(target=run_seed, args=(found, api_url, data_dir), daemon=True)
    thread.start()
    return thread


def run_seed(found: Any, api_url: str, data_dir: Path) -> None:
    """Seed (or complete the seed) once the API answers; say what was done or what stopped it."""
    import requests

    from copper.flow_commands import ensure_admin, wait_for_api
    from copper.seed import SeedError, seed

    try:
        wait_for_api(api_url)
        ensure_admin(found)
        report = seed(api_url, data_dir, progress=lambda line: None)
    except (SeedError, click.ClickException, requests.RequestException) as error:
        message = error.format_message() if isinstance(error, click.ClickException) else error
        click.echo(
            f"copper dev: seeding stopped ({message}); the next start completes it", err=True
        )
        return
    click.echo(f"copper dev: {report.summary()}; logins in {data_dir}/seed-accounts.json", err=True)


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--web-port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--studio-port", type=click.IntRange(1, 65535), default=8002, show_default=True)
@click.option("--workers", type=click.IntRange(0, 16), default=2, show_default=True)
@click.option("--seed", "with_seed", is_flag=True, help="Load demo data if the gallery is empty.")
def dev(
    host: str, port: int, web_port: int, studio_port: int, workers: int, with_seed: bool
) -> None:
    """Run the API, the workers and the web apps on the embedded backend (data in ./var/).

    Dead workers are restarted; SIGINT or SIGTERM stops everything.
    """
    from copper.flow_commands import services
    from copper.http.app import create_app

    urls = configure(host, port, web_port, studio_port)
    found = services()
    if found.settings.backend != "local":
        raise click.UsageError("copper dev runs the embedded backend (COPPER_BACKEND=local)")
    data_dir = Path(found.settings.data_dir)
    server = make_server(host, port, create_app(found), threaded=True)
    stop_on_sigterm(server)
    click.echo(f"copper dev: API on {urls['api']} (data in {data_dir}/)", err=True)
    for (module, name), web in zip(WEB_APPS, (web_port, studio_port), strict=True):
        if start_web_app(module, host, web, urls, data_dir):
            click.echo(f"copper dev: {name} on {urls[name]}", err=True)
    with worker_processes(workers):
        click.echo(f"copper dev: {workers} workers polling {data_dir}/queue.db", err=True)
        if with_seed:
            seed_when_empty(found, urls["api"])
        with contextlib.suppress(KeyboardInterrupt):  # werkzeug mostly absorbs it itself
            server.serve_forever()
        click.echo("copper dev: stopping", err=True)
