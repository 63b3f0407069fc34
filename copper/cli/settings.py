"""`copper settings`: every service and pipeline setting in force, secrets redacted."""

from __future__ import annotations

import os

import click

from service.config import SettingsError, render_settings, settings_in_force


@click.command("settings")
def show_settings() -> None:
    """List every setting: its environment variable, value in force and description."""
    try:
        rows = settings_in_force(os.environ)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    click.echo(render_settings(rows), nl=False)
