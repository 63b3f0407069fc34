"""Errors as JSON: `ApiError`, and the mapping of the project's exceptions to HTTP statuses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from content.accounts import AccountError, DisplayNameTaken, InvalidCredentials
from content.artworks import InvalidArtwork, NotAllowed
from content.repository import Conflict, InvalidPage, NotFound, VersionConflict
from kernel.errors import Transient, Unsupported
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
    (DisplayNameTaken, 409, "name_taken"),
    (AccountError, 422, "invalid_account"),
    (InvalidArtwork, 422, "invalid_field"),
    (VersionConflict, 409, "version_conflict"),
    (Conflict, 409, "conflict"),
    (NotAllowed, 409, "not_allowed"),
    (Transient, 503, "unavailable"),  # every store, index or queue that is busy or down
    (Unsupported, 501, "not_implemented"),  # the backend lacks the operation (an emulator)
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
        status = error.code or 500
        if status >= 500:
            log_server_error(status, error)
        return error_response(status, code, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[dict[str, Any], int]:
        log_server_error(500, error, exc_info=True)
        return error_response(500, "internal", "Something went wrong on our side.")


def domain_handler(exception: type[Exception], status: int, code: str) -> Any:
    """Return a handler answering `exception` with `status` and `code` (a 5xx is logged)."""

    def handle(error: Exception) -> tuple[dict[str, Any], int]:
        known = (MESSAGES[kind] for kind in type(error).__mro__ if kind in MESSAGES)
        message = next(known, None) or str(error) or code
        if status >= 500:
            log_server_error(status, error)
        return error_response(status, code, message)

    return handle


def log_server_error(status: int, error: BaseException, *, exc_info: bool = False) -> None:
    """Log one answered 5xx with its cause: the error, the store it came from, the request."""
    cause = error.__cause__ or error.__context__
    fields = {
        "status": status,
        "error_class": type(error).__name__,
        "error_message": str(error)[:1000],
        "store": store_of(error),
        "cause": type(cause).__name__ if cause is not None else None,
        "cause_message": str(cause)[:1000] if cause is not None else None,
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": request.path,
    }
    log.error(
        "answered %s to %s %s: %s: %s",
        status,
        request.method,
        request.path,
        fields["error_class"],
        fields["error_message"],
        extra=fields,
        exc_info=exc_info,
    )


def store_of(error: BaseException) -> str:
    """Return which store an error came from, by the port that raised it ("api" if none)."""
    return STORES.get(type(error).__module__.split(".")[0], "api")


# The store behind each port's errors (the failure log and task store speak for the queue's).
STORES = {
    "content": "content store",
    "storage": "blob store",
    "search": "search index",
    "messaging": "queue",
    "pipeline": "pipeline",
    "ingest": "event flow",
}
