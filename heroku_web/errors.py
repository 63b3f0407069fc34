"""Error pages in the site's style: 404, 500, and a friendly page when the API is down or slow."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from heroku_web.api import ApiNotFound, ApiRejected, ApiUnavailable
from heroku_web.pages import page

log = logging.getLogger("heroku_web.errors")

RETRY_AFTER_SECONDS = "30"


def error_page(status: int, heading: str, message: str) -> Response:
    """Render an error page."""
    return page("error.html", status=status, code=status, heading=heading, message=message)


def not_found(_error: Exception) -> Response:
    """Answer a missing page or work."""
    return error_page(
        404, "We couldn't find that", "The work or page may have been moved or unpublished."
    )


def rejected(_error: ApiRejected) -> Response:
    """Answer a link whose parameters the API refuses (an old page cursor, say)."""
    return error_page(
        400, "That link has expired", "Start again from the first page of the gallery."
    )


def unavailable(error: ApiUnavailable) -> Response:
    """Answer while the API is down or slow: a calm page, asking to come back shortly."""
    log.warning("api unavailable on %s: %s %s", request.path, error.status, error.code)
    response = error_page(
        503,
        "The gallery is taking a short break",
        "We can't reach our collection right now. Please try again in a minute.",
    )
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def http_error(error: HTTPException) -> Response:
    """Answer other HTTP errors in the site's style."""
    if error.code == 404:
        return not_found(error)
    status = error.code or 500
    return error_page(status, error.name, error.description or "")


def internal(error: Exception) -> Response:
    """Answer a bug with a friendly page (the stack trace goes to the log only)."""
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_page(500, "Something went wrong", "We've noted it. Please try again shortly.")


def install_error_pages(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(ApiNotFound, not_found)
    app.register_error_handler(ApiRejected, rejected)
    app.register_error_handler(ApiUnavailable, unavailable)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal)
