"""The `copper` group: it holds the shared context and adds every command family."""

from __future__ import annotations

import click

from copper.cli import admin, flow, process, run, settings
from copper.cli.context import CliContext


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Copper Print Gallery: image pipeline and gallery tools."""
    ctx.ensure_object(CliContext)


for command in (
    process.process,
    settings.show_settings,
    run.serve_api,
    run.worker,
    run.dev,
    admin.seed,
    admin.create_admin,
    flow.dlq,
    flow.reindex,
    flow.reprocess,
    flow.sweep,
    flow.audit,
):
    main.add_command(command)
