"""Commands that load accounts and data: `copper seed` and `copper create-admin`."""

from __future__ import annotations

from pathlib import Path

import click

from content.model import Role
from copper.cli.context import CliContext, pass_cli


@click.command("seed")
@click.option("--api", "api_url", default=None, help="API base URL (default: the public one).")
@click.option("--per-artist", type=click.IntRange(1, 100), default=4, show_default=True)
@pass_cli
def seed(cli: CliContext, api_url: str | None, per_artist: int) -> None:
    """Load demo artists and generated works through the real upload path (API must run).

    Running it again completes an interrupted seed; nothing that exists is made twice.
    """
    from copper.demo import ensure_admin
    from copper.seed import SeedError
    from copper.seed import seed as run_seed

    services = cli.services
    try:
        report = run_seed(
            api_url or services.settings.public_api_url,
            Path(services.settings.data_dir),
            artworks_per_artist=per_artist,
            progress=lambda line: click.echo(f"copper seed: {line}", err=True),
        )
    except SeedError as error:
        raise click.ClickException(f"seeding stopped: {error}") from error
    admin = ensure_admin(services)
    click.echo(
        f"copper seed: {report.summary()}; accounts (with passwords) in "
        f"{services.settings.data_dir}/seed-accounts.json; admin {admin}",
        err=True,
    )


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Gallery Admin", show_default=True)
@click.password_option(help="Prompted for when not given.")
@pass_cli
def create_admin(cli: CliContext, email: str, name: str, password: str) -> None:
    """Create an administrator account (admins replay dead letters and reprocess works)."""
    from content.accounts import AccountError

    try:
        cli.services.accounts.register(email, password, name, role=Role.ADMIN)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"copper create-admin: {email} is an administrator", err=True)
