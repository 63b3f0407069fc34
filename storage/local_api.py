"""The local stand-in for S3's POST endpoint: `POST /uploads` checks the signed form, stores.

Answers 204 with no body when the file is stored (like S3's default), else
`{"error": {"code", "message"}}`: 400 malformed or too small, 403 for a policy that does
not allow this upload, 413 too large. The request body is capped before werkzeug parses it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, request, send_file
from werkzeug.exceptions import RequestEntityTooLarge

from storage.blobstore import BlobNotFound, InvalidKey, UploadRefused
from storage.local import LocalBlobStore, StoredUpload

STATUS = {
    "expired": 403,
    "bad_signature": 403,
    "wrong_key": 403,
    "bad_content_type": 403,
    "too_small": 400,
    "too_large": 413,
    "malformed": 400,
}


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
        on_stored(stored.key, stored.size)
        return "", 204

    return blueprint


def _accept(store: LocalBlobStore) -> StoredUpload:
    """Hand the form's fields and file stream to the store; refuse a form without a file."""
    if request.mimetype != "multipart/form-data":
        raise UploadRefused("malformed", "the upload must be multipart/form-data")
    if any(len(request.form.getlist(name)) > 1 for name in request.form):
        raise UploadRefused("malformed", "each form field may appear once")
    fields = {name: request.form[name] for name in request.form}
    upload = request.files.get("file")
    if upload is None or len(request.files) != 1:
        raise UploadRefused("malformed", "the form must carry exactly one file, in field 'file'")
    try:
        return store.accept_upload(fields, upload.stream, upload.content_length or None)
    except InvalidKey as e:
        raise UploadRefused("malformed", str(e)) from e


def _error(code: str, message: str, status: int) -> tuple[Response, int]:
    """Return the project's JSON error body with `status`."""
    return jsonify({"error": {"code": code, "message": message}}), status


MEDIA_TYPES = {".avif": "image/avif", ".webp": "image/webp", ".jpg": "image/jpeg"}
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
