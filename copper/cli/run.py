"""Commands that run the local backend: `copper api`, `copper worker` and `copper dev`."""

from __future__ import annotations

import click

from copper.cli.context import CliContext, ConfigurationError, pass_cli, service_settings


@click.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@pass_cli
def serve_api(cli: CliContext, host: str, port: int) -> None:
    """Serve the backend API over HTTP on the configured (default: embedded) backend."""
    from werkzeug.serving import make_server

    from service.http.app import create_app

    services = cli.services
    server = make_server(host, port, create_app(services), threaded=True)
    bound = server.server_address[1]
    click.echo(
        f"copper api: {services.settings.backend} backend, data in "
        f"{services.settings.data_dir}/; listening on http://{host}:{bound}",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("copper api: stopped", err=True)


@click.command("worker")
@click.option("--once", is_flag=True, help="Handle what is queued now, then exit.")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10),
    default=1,
    show_default=True,
    help="Messages per handler call (1 spreads work evenly over several workers).",
)
@click.option(
    "--parent-pid",
    type=click.IntRange(1),
    default=None,
    help="Exit when this process is no longer the parent (copper dev passes its own pid).",
)
@click.option(
    "--console",
    type=click.Choice(["json", "events"]),
    default="json",
    show_default=True,
    help="JSON logs and metrics as on Lambda, or one plain line per message (copper dev's).",
)
@pass_cli
def worker(
    cli: CliContext, once: bool, batch_size: int, parent_pid: int | None, console: str
) -> None:
    """Feed the local queue to the processing handler (Lambda's SQS event source, locally)."""
    adapters = cli.adapters
    if adapters.changes is None:
        raise click.UsageError("on AWS, Lambda's SQS event source invokes the handler")
    from copper.local_worker import local_worker, stop_on_signals

    runner = local_worker(
        adapters,
        batch_size=batch_size,
        parent_pid=parent_pid,
        console="events" if console == "events" else "json",
    )
    if once:
        click.echo(f"copper worker: handled {runner.drain()} messages", err=True)
        return
    stop = stop_on_signals()
    click.echo(f"copper worker: polling {adapters.settings.data_dir}/queue.db", err=True)
    runner.run(stop)
    click.echo("copper worker: stopped", err=True)


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--web-port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--studio-port", type=click.IntRange(1, 65535), default=8002, show_default=True)
@click.option("--workers", type=click.IntRange(0, 16), default=2, show_default=True)
@click.option("--seed", "with_seed", is_flag=True, help="Load demo data if the gallery is empty.")
@click.option(
    "--verbose",
    is_flag=True,
    help="Show the JSON logs, metrics and HTTP access logs, not one line per event.",
)
@pass_cli
def dev(
    cli: CliContext,
    host: str,
    port: int,
    web_port: int,
    studio_port: int,
    workers: int,
    with_seed: bool,
    verbose: bool,
) -> None:
    """Run the API, the workers and the web apps on the embedded backend (data in ./var/).

    Dead workers are restarted; SIGINT or SIGTERM stops everything.
    """
    backend = service_settings().backend
    if backend != "local":  # refused before anything is built
        raise ConfigurationError(
            f"copper dev runs the embedded backend only, and COPPER_BACKEND is {backend!r}: "
            "unset it (or set COPPER_BACKEND=local). On AWS, deploy with serverless "
            "(docs/deploy.md) and serve the API with `copper api`."
        )
    from copper.local_stack import Ports, configure, run_stack

    ports = Ports(host, port, web_port, studio_port)
    urls = configure(ports)  # before the services are built: they read these settings
    run_stack(cli.services, ports, urls, workers=workers, with_seed=with_seed, verbose=verbose)
