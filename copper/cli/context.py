"""What every command shares through click's context: the services, built on first use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from pipeline.settings import PipelineSettings
from service.config import SettingsError, from_env

if TYPE_CHECKING:
    from service.adapters import Adapters
    from service.bootstrap import Services
    from service.settings import ServiceSettings


class CliContext:
    """The adapters or services of the configured backend, built once, only when asked."""

    def __init__(self) -> None:
        self._adapters: Adapters | None = None
        self._services: Services | None = None

    @property
    def adapters(self) -> Adapters:
        """Return the adapters alone (no secret read, no accounts), built from the environment."""
        if self._adapters is None:
            self._adapters = self._services or adapters_from_environment()
        return self._adapters

    @property
    def services(self) -> Services:
        """Return the services, building them from the environment (a usage error if invalid)."""
        if self._services is None:
            self._services = services_from_environment(self._adapters)
        return self._services


class ConfigurationError(click.ClickException):
    """The settings are not usable: said on stderr, exit 2 (a usage error), no traceback."""

    exit_code = 2


def adapters_from_environment() -> Adapters:
    """Build the adapters from the environment, or stop naming what is wrong with the settings."""
    # Imported here so that `copper process` never loads the adapters it does not use.
    from service.adapters import adapters_for
    from service.bootstrap import load_settings

    try:
        return adapters_for(load_settings())
    except SettingsError as error:
        raise ConfigurationError(str(error)) from error


def service_settings() -> ServiceSettings:
    """Return the service settings from the environment, or stop naming what is wrong."""
    from service.bootstrap import load_settings

    try:
        return load_settings()
    except SettingsError as error:
        raise ConfigurationError(str(error)) from error


def services_from_environment(adapters: Adapters | None) -> Services:
    """Compose the services over `adapters` (built from the environment when None)."""
    from service.bootstrap import services_over

    return services_over(adapters or adapters_from_environment())


def pipeline_settings() -> PipelineSettings:
    """Return the pipeline settings from the environment, or stop with a usage error."""
    try:
        return from_env(PipelineSettings, os.environ)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error


pass_cli = click.make_pass_decorator(CliContext, ensure=True)
