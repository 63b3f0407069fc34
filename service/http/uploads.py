"""The embedded stores' own routes: S3's POST endpoint and CloudFront, stood in for locally.

`POST /uploads` checks the signed form and stores the file; `GET /media/<key>` sends a
rendition. An app serves them when its stores are local ones (on AWS, S3 and CloudFront do).

The upload answers 204 with no body when the file is stored and its event queued (like
S3's default), else `{"error": {"code", "message"}}`: 400 malformed or too small, 403 for
a policy that does not allow this upload or a form used already, 413 too large, 503 (with
Retry-After) when the store or its event queue is busy, in which case nothing was stored
and the same form may be posted again. The body is capped, then decoded as it streams in
(fields, then the file last); see `storage.multipart` for the shapes it refuses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from service.bootstrap import Services
from storage.blobstore import (
    BlobNotFound,
    InvalidKey,
    RefusalCode,
    StorageUnavailable,
    UploadRefused,
)
from storage.local import LocalBlobStore, StoredUpload
from storage.multipart import UploadBody

STATUS: dict[RefusalCode, int] = {
    "expired": 403,
    "bad_signature": 403,
    "wrong_key": 403,
    "bad_content_type": 403,
    "too_small": 400,
    "too_large": 413,
    "malformed": 400,
    "form_used": 403,
}
BUSY_MESSAGE = "Storage is busy and the file was not stored; post the same form again shortly."
RETRY_AFTER_SECONDS = 2
log = logging.getLogger("copper.api")


def self_served(found: Services) -> list[Blueprint]:
    """Return the routes of those of the stores that serve themselves (the local ones)."""
    blueprints = []
    uploads, media = found.blobs, found.media
    if isinstance(uploads, LocalBlobStore):
        blueprints.append(upload_blueprint(lambda: uploads, log_stored))
    if isinstance(media, LocalBlobStore):
        blueprints.append(media_blueprint(lambda: media))
    return blueprints


def log_stored(key: str, size: int) -> None:
    """Log an original stored through the local upload endpoint."""
    log.info("original stored: %s (%d bytes)", key, size)


def upload_blueprint(
    store_getter: Callable[[], LocalBlobStore], on_stored: Callable[[str, int], None]
) -> Blueprint:
    """Return a blueprint serving `POST /uploads` into the store `store_getter` returns."""
    blueprint = Blueprint("uploads", __name__)

    @blueprint.post("/uploads")
    def upload() -> tuple[Response | str, int]:
        """Store one file posted with a signed upload form."""
        store = store_getter()
        request.max_content_length = store.max_request_bytes
        try:
            stored = _accept(store)
        except UploadRefused as e:
            return _error(e.code, e.message, STATUS[e.code])
        except RequestEntityTooLarge:
            return _error("too_large", "the upload is larger than this store accepts", 413)
        except StorageUnavailable:
            response, status = _error("unavailable", BUSY_MESSAGE, 503)
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response, status
        on_stored(stored.key, stored.size)
        return "", 204

    return blueprint


def _accept(store: LocalBlobStore) -> StoredUpload:
    """Hand the form's fields, then its file as a stream, to the store."""
    boundary = request.mimetype_params.get("boundary", "")
    if request.mimetype != "multipart/form-data" or not boundary:
        raise UploadRefused("malformed", "the upload must be multipart/form-data")
    body = UploadBody(request.stream, boundary.encode("latin-1"))
    fields = body.fields()
    try:
        return store.accept_upload(fields, body.file, body.declared_length)
    except InvalidKey as e:
        raise UploadRefused("malformed", str(e)) from e


def _error(code: str, message: str, status: int) -> tuple[Response, int]:
    """Return the project's JSON error body with `status`."""
    return jsonify({"error": {"code": code, "message": message}}), status


MEDIA_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".dzi": "application/xml",  # a tile pyramid's descriptor
}
MEDIA_PREFIX = "renditions/"
MEDIA_CACHE = "public, max-age=31536000, immutable"


def media_blueprint(store_getter: Callable[[], LocalBlobStore]) -> Blueprint:
    """Return a blueprint serving renditions at `GET /media/<key>` (CloudFront's stand-in)."""
    blueprint = Blueprint("media", __name__)

    @blueprint.get("/media/<path:key>")
    def media(key: str) -> Response | tuple[Response, int]:
        """Send one rendition with a long cache lifetime (its key changes with its content)."""
        mimetype = MEDIA_TYPES.get(key[key.rfind(".") :].lower())
        if not key.startswith(MEDIA_PREFIX) or mimetype is None:
            return _error("not_found", "no such rendition", 404)
        try:
            stream = store_getter().open(key)
        except (BlobNotFound, InvalidKey):
            return _error("not_found", "no such rendition", 404)
        response = send_file(stream, mimetype=mimetype, conditional=True, etag=False)
        response.headers["Cache-Control"] = MEDIA_CACHE
        return response

    return blueprint
