"""Friendly error pages (and JSON errors for the studio's scripts)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from heroku_artist.api import ApiError, ApiUnavailable
from heroku_artist.auth import retry_after, wants_json
from heroku_artist.inputs import RefusedInput

log = logging.getLogger("heroku_artist.errors")

PAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("Not for this account", "This page is not available to your account."),
    404: ("Page not found", "There is nothing here. It may have been deleted or moved."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "That request was too large for the studio."),
    429: ("Slow down", "Too many requests; please wait a moment and try again."),
    500: ("Something went wrong", "Something went wrong on our side. Please try again."),
    503: (
        "The gallery is unavailable",
        "The studio cannot reach the gallery right now. Your work is safe; please try again "
        "in a minute.",
    ),
}


def error_page(status: int, message: str | None = None) -> tuple[Any, int]:
    """Return the studio's error page (or JSON for scripts) for `status`."""
    title, text = PAGES.get(status, PAGES[500])
    if wants_json():
        return jsonify(error={"code": str(status), "message": message or text}), status
    page = render_template(
        "error.html", status=status, title=title, text=message or text, request_id=g.request_id
    )
    return page, status


def init_app(app: Flask) -> None:
    """Install the error handlers on `app`."""

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> tuple[Any, int]:
        return error_page(400, "This form expired or was not sent from the studio. Reload it.")

    @app.errorhandler(ApiUnavailable)
    def api_down(error: ApiUnavailable) -> tuple[Any, int]:
        log.warning("the API is unavailable: %s request_id=%s", error, g.get("request_id"))
        return error_page(503)

    @app.errorhandler(ApiError)
    def api_refused(error: ApiError) -> Any:
        if error.status == 401:
            session.clear()
            if wants_json():
                return error_page(401, "Your session has ended. Log in again.")
            flash("Your session has ended. Please log in again.", "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if error.status in (403, 404):
            return error_page(error.status)
        if error.status == 429:
            page, status = error_page(429, error.message)
            return page, status, retry_after(error)
        if error.status in (409, 413, 415, 422) and wants_json():
            return jsonify(error={"code": error.code, "message": error.message}), error.status
        if error.status in (409, 422):
            return error_page(400, error.message)
        log.error("the API refused: %s %s request_id=%s", error.status, error, g.request_id)
        return error_page(500)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return error_page(
            error.code, error.description if isinstance(error, RefusedInput) else None
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Any, int]:
        log.exception(
            "unhandled error on %s %s request_id=%s",
            request.method,
            request.path,
            g.get("request_id"),
        )
        return error_page(500)
