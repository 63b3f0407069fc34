"""The artist's portrait and watermark logo: raw image bodies in, the account out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from content.profile_images import ProfileImages
from content.views import own_artist
from kernel.settings import PROFILE_IMAGE_MAX_BYTES
from pipeline.errors import RejectedInput
from service.http.auth import authenticated, principal
from service.http.context import services
from service.http.errors import ApiError

blueprint = Blueprint("profile_images", __name__)

IMAGE_MAX_BYTES = PROFILE_IMAGE_MAX_BYTES
TOO_LARGE = (
    "The image is larger than 4 MiB. Export it smaller (2000 pixels on the long side is "
    "plenty) and upload it again."
)
NOT_AN_IMAGE = "Send the image itself as the body, with an image Content-Type such as image/jpeg."
# The pipeline's refusal codes, by the HTTP status that names them best.
REFUSAL_STATUS = {
    "unsupported_type": 415,
    "type_mismatch": 415,
    "file_too_large": 413,
    "empty": 400,
}


def profile_images() -> ProfileImages:
    """Return the use case over this process's stores."""
    found = services()
    return ProfileImages(
        found.repository,
        found.media,
        found.settings.media_base_url,
        found.artworks.request_reprocess,
    )


def image_body() -> bytes:
    """Return the raw image body, refusing a wrong type (415) or more than 4 MiB (413)."""
    mimetype = request.mimetype or ""
    if not mimetype.startswith("image/"):
        raise ApiError(415, "unsupported_media_type", NOT_AN_IMAGE)
    if request.content_length is not None and request.content_length > IMAGE_MAX_BYTES:
        raise ApiError(413, "too_large", TOO_LARGE)
    request.max_content_length = IMAGE_MAX_BYTES
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge as error:
        raise ApiError(413, "too_large", TOO_LARGE) from error
    if len(data) > IMAGE_MAX_BYTES:
        raise ApiError(413, "too_large", TOO_LARGE)
    return data


def refused(error: RejectedInput, what: str) -> ApiError:
    """Return the pipeline's refusal as an API error with its readable reason."""
    status = REFUSAL_STATUS.get(error.code, 422)
    message = TOO_LARGE if status == 413 else f"The {what} was refused: {error.message}"
    return ApiError(status, error.code, message)


@blueprint.put("/me/portrait")
@authenticated
def put_portrait() -> dict[str, Any]:
    """Set the caller's portrait from a raw image body; return the account."""
    data = image_body()
    try:
        saved = profile_images().set_portrait(principal().artist_id, data)
    except RejectedInput as error:
        raise refused(error, "photo") from error
    return own_artist(saved)


@blueprint.delete("/me/portrait")
@authenticated
def delete_portrait() -> dict[str, Any]:
    """Remove the caller's portrait; return the account."""
    return own_artist(profile_images().remove_portrait(principal().artist_id))


@blueprint.put("/me/logo")
@authenticated
def put_logo() -> dict[str, Any]:
    """Set the caller's watermark logo from a raw image body; return the account."""
    data = image_body()
    try:
        saved = profile_images().set_logo(principal().artist_id, data)
    except RejectedInput as error:
        raise refused(error, "logo") from error
    return own_artist(saved)


@blueprint.get("/me/logo")
@authenticated
def get_logo() -> Response:
    """Send the caller's watermark logo (PNG), for the studio's preview."""
    data = profile_images().logo(principal().artist_id)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@blueprint.delete("/me/logo")
@authenticated
def delete_logo() -> dict[str, Any]:
    """Remove the caller's watermark logo (a logo watermark is turned off); return the account."""
    return own_artist(profile_images().remove_logo(principal().artist_id))
