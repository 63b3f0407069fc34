"""Reading requests: the JSON body with its required fields, and the paging arguments."""

from __future__ import annotations

from typing import Any

from flask import request

from content.repository import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.http.errors import ApiError


def json_body(*required: str) -> dict[str, Any]:
    """Return the request's JSON object, requiring the named fields."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The request body must be a JSON object.")
    missing = [name for name in required if name not in body]
    if missing:
        raise ApiError(422, "missing_field", f"'{missing[0]}' is required.")
    return body


def page_args() -> tuple[str | None, int]:
    """Return the cursor and page size from the query string."""
    raw_limit = request.args.get("limit", str(DEFAULT_PAGE_SIZE))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE_SIZE:
        raise ApiError(400, "bad_request", f"'limit' must be 1 to {MAX_PAGE_SIZE}.")
    return request.args.get("cursor") or None, int(raw_limit)
