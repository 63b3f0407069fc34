"""`copper backfill-slugs`: give works published before readable URLs their slug."""

from __future__ import annotations

import click

from copper.cli.context import CliContext, pass_cli


@click.command("backfill-slugs")
@pass_cli
def backfill_slugs(cli: CliContext) -> None:
    """Give every published work without a readable URL its slug (safe to run again)."""
    given = cli.services.artworks.give_slugs()
    click.echo(f"copper backfill-slugs: {given} works given a readable URL", err=True)
