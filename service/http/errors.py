"""Errors as JSON: `ApiError`, and the mapping of the project's exceptions to HTTP statuses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from content.accounts import AccountError, InvalidCredentials
from content.artworks import InvalidArtwork, NotAllowed
from content.repository import Conflict, InvalidPage, NotFound, VersionConflict
from kernel.errors import Transient
from messaging.queue import QueueUnavailable
from search.errors import InvalidQuery, SearchUnavailable
from storage.blobstore import InvalidKey, StorageUnavailable, UploadRefused

log = logging.getLogger("copper.api")


class ApiError(Exception):
    """An error answered as JSON with its HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> tuple[dict[str, Any], int]:
    """Return the JSON error body and status."""
    return {"error": {"code": code, "message": message}}, status


DOMAIN_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (InvalidCredentials, 401, "invalid_credentials"),
    (AccountError, 422, "invalid_account"),
    (InvalidArtwork, 422, "invalid_field"),
    (VersionConflict, 409, "version_conflict"),
    (Conflict, 409, "conflict"),
    (NotAllowed, 409, "not_allowed"),
    (Transient, 503, "unavailable"),  # every store, index or queue that is busy or down
    (InvalidQuery, 400, "invalid_query"),
    (InvalidPage, 400, "bad_request"),
    (InvalidKey, 400, "bad_request"),
    (UploadRefused, 422, "upload_refused"),
)
INVALID_PARAMETER = "A parameter is not valid."
MESSAGES: dict[type[Exception], str] = {
    NotFound: "Not found.",
    InvalidPage: INVALID_PARAMETER,
    InvalidKey: INVALID_PARAMETER,
    VersionConflict: "The record changed; reload and retry.",
    Transient: "The service is busy; please retry shortly.",
    SearchUnavailable: "Search is busy; please retry shortly.",
    StorageUnavailable: "Storage is busy; please retry shortly.",
    QueueUnavailable: "The processing queue is busy; please retry shortly.",
}


def install_error_handlers(app: Flask) -> None:
    """Answer every error as JSON with the right status; never a stack trace."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[dict[str, Any], int]:
        return error_response(error.status, error.code, error.message)

    for exception, status, code in DOMAIN_ERRORS:
        app.register_error_handler(exception, domain_handler(exception, status, code))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[dict[str, Any], int]:
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", "Something went wrong on our side.")


def domain_handler(exception: type[Exception], status: int, code: str) -> Any:
    """Return a handler answering `exception` with `status` and `code`."""

    def handle(error: Exception) -> tuple[dict[str, Any], int]:
        known = (MESSAGES[kind] for kind in type(error).__mro__ if kind in MESSAGES)
        message = next(known, None) or str(error) or code
        return error_response(status, code, message)

    return handle
