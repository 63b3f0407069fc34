"""The services an API app serves, attached to the app once and read by every route."""

from __future__ import annotations

from flask import Flask, current_app

from service.bootstrap import Services

EXTENSION = "copper"


def attach(app: Flask, found: Services) -> None:
    """Make `found` the services of `app`."""
    app.extensions[EXTENSION] = found


def services_of(app: Flask) -> Services:
    """Return the services attached to `app`."""
    found: Services = app.extensions[EXTENSION]
    return found


def services() -> Services:
    """Return the services of the app handling the current request."""
    return services_of(current_app)
