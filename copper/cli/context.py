"""What every command shares through click's context: the services, built on first use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from pipeline.settings import PipelineSettings
from service.config import SettingsError, from_env

if TYPE_CHECKING:
    from service.bootstrap import Services


class CliContext:
    """The services of the configured backend, built once and only by a command that asks."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """Return the services, building them from the environment (a usage error if invalid)."""
        if self._services is None:
            self._services = build_from_environment()
        return self._services


def build_from_environment() -> Services:
    """Build the services from the environment, or stop with a usage error."""
    # Imported here so that `copper process` never loads the adapters it does not use.
    from service.bootstrap import build_services, load_settings

    try:
        return build_services(load_settings())
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


def pipeline_settings() -> PipelineSettings:
    """Return the pipeline settings from the environment, or stop with a usage error."""
    try:
        return from_env(PipelineSettings, os.environ)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
