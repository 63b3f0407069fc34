"""One Flask API as a Lambda handler: API Gateway HTTP API (v2) events via serverless-wsgi."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import serverless_wsgi
from flask import Flask

from service.http.app import create_app

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def api_handler(parts: tuple[str, ...]) -> tuple[Callable[[], Flask], Handler]:
    """Return the app factory (built once per cold start) and the handler serving `parts`."""

    @functools.cache
    def app() -> Flask:
        """Build the API once per cold start."""
        return create_app(parts=parts)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Answer one API Gateway request."""
        return serverless_wsgi.handle_request(app(), event, context)

    return app, handler
