"""The `copper` command line: thin commands over the pipeline and the services."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from copper.config import SettingsError, declared, from_env
from copper.process_command import ProcessOptions, run_process
from pipeline.settings import POSITIONS, PipelineSettings, Watermark


def pipeline_settings() -> PipelineSettings:
    """Return the pipeline settings from the environment, or stop with a usage error."""
    try:
        return from_env(PipelineSettings, os.environ)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


def parse_focal_point(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[float, float] | None:
    """Parse 'X,Y' fractions in 0-1 into a focal point."""
    if value is None:
        return None
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError as error:
        raise click.BadParameter("expected X,Y such as 0.5,0.3") from error
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise click.BadParameter("X and Y are fractions of the image, from 0 to 1")
    return x, y


@click.group()
def main() -> None:
    """Copper Print Gallery: image pipeline and gallery tools."""


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--watermark-text", help="Text of the watermark, e.g. '© Jane Doe'.")
@click.option(
    "--watermark-logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Logo image for the watermark (PNG with alpha is best).",
)
@click.option("--watermark-position", type=click.Choice(POSITIONS), default=Watermark.position)
@click.option("--watermark-opacity", type=click.FloatRange(0, 1), default=Watermark.opacity)
@click.option("--watermark-scale", type=click.FloatRange(0.01, 1), default=Watermark.scale)
@click.option("--watermark-min-edge", type=click.IntRange(1), default=Watermark.min_edge)
@click.option("--focal-point", callback=parse_focal_point, help="X,Y fractions, e.g. 0.5,0.3.")
@click.option("--copyright", "copyright_line", help="Copyright line written into renditions.")
@click.option("--credit", help="Artist credit (creator) written into renditions.")
@click.option("--timeout", type=click.FloatRange(1), default=300.0, show_default=True)
def process(file: Path, out_dir: Path, **options: object) -> None:
    """Process FILE into web renditions in --out DIR and print the manifest as JSON."""
    field_names = {field.name for field in dataclasses.fields(ProcessOptions)}
    chosen = {name: value for name, value in options.items() if name in field_names}
    outcome = run_process(file, out_dir, ProcessOptions(**chosen), pipeline_settings())
    click.echo(json.dumps(outcome.document, ensure_ascii=False))
    sys.exit(outcome.exit_code)


@main.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def serve_api(host: str, port: int) -> None:
    """Serve the backend API over HTTP on the configured (default: embedded) backend."""
    from werkzeug.serving import make_server

    from copper.api import create_app

    services = services_or_usage_error()
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


def services_or_usage_error() -> Any:
    """Build the services from the environment, or stop with a usage error."""
    from copper.bootstrap import build_services, load_settings

    try:
        return build_services(load_settings())
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


@main.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the content store and swap it in without downtime."""
    services = services_or_usage_error()
    total = sum(1 for _ in services.repository.iter_artworks())
    with click.progressbar(length=total, label="Reindexing", file=sys.stderr) as bar:
        written = services.indexer.reindex(progress=lambda done: bar.update(done - bar.pos))
    click.echo(f"copper reindex: {written} documents indexed", err=True)


@main.command("settings")
def show_settings() -> None:
    """List every setting: its environment variable, current value and description."""
    pipeline_settings()  # stop on an invalid value before listing
    for item in declared(PipelineSettings):
        value = os.environ.get(item.variable, format_value(item.default))
        click.echo(f"{item.variable}={value}  # {item.doc}")


def format_value(value: object) -> str:
    """Format a setting's value the way the environment spells it."""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def register_commands() -> None:
    """Add the event-flow commands and `copper dev` to the group."""
    from copper.dev import dev
    from copper.flow_commands import COMMANDS

    for command in (*COMMANDS, dev):
        main.add_command(command)


register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
