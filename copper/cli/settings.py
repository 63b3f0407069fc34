"""`copper settings`: every pipeline setting with its variable, value and description."""

from __future__ import annotations

import os

import click

from copper.cli.context import pipeline_settings
from pipeline.envconfig import declared
from pipeline.settings import PipelineSettings


def format_value(value: object) -> str:
    """Format a setting's value the way the environment spells it."""
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@click.command("settings")
def show_settings() -> None:
    """List every setting: its environment variable, current value and description."""
    pipeline_settings()  # stop on an invalid value before listing
    for item in declared(PipelineSettings):
        value = os.environ.get(item.variable, format_value(item.default))
        click.echo(f"{item.variable}={value}  # {item.doc}")
