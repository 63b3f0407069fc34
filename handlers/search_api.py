"""Lambda entry point of the search API: API Gateway HTTP API (v2) events via serverless-wsgi."""

from __future__ import annotations

import functools
from typing import Any

import serverless_wsgi
from flask import Flask

from copper.api import create_app


@functools.cache
def app() -> Flask:
    """Build the search API once per cold start."""
    return create_app(parts=("search",))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one API Gateway request through the search API."""
    return serverless_wsgi.handle_request(app(), event, context)
