"""The `copper` group: it holds the shared context and loads each command family on first use."""

from __future__ import annotations

import importlib

import click

from copper.cli.context import CliContext
from kernel.errors import Transient, Unsupported

# Command name → "module:attribute". A command's module is imported only when that command
# runs (or `--help` lists it), so `copper process` loads neither the services nor the queue.
COMMANDS = {
    "process": "copper.cli.process:process",
    "settings": "copper.cli.settings:show_settings",
    "api": "copper.cli.run:serve_api",
    "worker": "copper.cli.run:worker",
    "dev": "copper.cli.run:dev",
    "seed": "copper.cli.admin:seed",
    "create-admin": "copper.cli.admin:create_admin",
    "dlq": "copper.cli.flow:dlq",
    "reindex": "copper.cli.flow:reindex",
    "reprocess": "copper.cli.flow:reprocess",
    "sweep": "copper.cli.flow:sweep",
    "audit": "copper.cli.flow:audit",
    "backfill-slugs": "copper.cli.slugs:backfill_slugs",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name, on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return every command name, loaded or not, sorted as click sorts them."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the named command, importing its module the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a store that is down or an operation the backend lacks is said
        plainly (exit 1), never as a traceback."""
        try:
            return super().invoke(ctx)
        except Unsupported as error:
            raise click.ClickException(str(error)) from error
        except Transient as error:
            raise click.ClickException(f"{error}. Retry shortly.") from error


@click.group(cls=LazyGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Copper Print Gallery: image pipeline and gallery tools."""
    ctx.ensure_object(CliContext)
