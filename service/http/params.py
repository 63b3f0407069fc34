"""Reading requests: the JSON body (bounded in depth) with its required fields, and paging."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from content.repository import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.http.errors import ApiError

MAX_JSON_DEPTH = 32
NOT_AN_OBJECT = "The request body must be a JSON object."
NOT_JSON = "The request body is not valid JSON."
TOO_DEEP = f"The request body is nested too deeply (more than {MAX_JSON_DEPTH} levels)."
# A string, or an unterminated one up to the end: a match from every quote, so linear time.
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


class JsonRefused(ValueError):
    """A body the API will not read as JSON, with a message for people."""


def nesting_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """Return how deep arrays and objects nest in JSON text, counting no further than limit+1.

    Measured before parsing, so no parser recursion is spent on a body that is too deep,
    and at C speed: strings are dropped, the brackets kept (as one kind), and each round
    removes the innermost pairs. Unmatched brackets (not JSON anyway) count as nesting.
    """
    brackets = _STRINGS.sub(b'""', data).translate(_SQUARE, _NOT_BRACKETS)
    for depth in range(limit + 1):
        if not brackets:
            return depth
        inner = brackets.replace(b"[]", b"")
        if inner == brackets:  # unmatched (`]]][[[`): a parser would go into the opening run
            return min(limit + 1, depth + len(brackets) - len(brackets.rstrip(b"[")))
        brackets = inner
    return limit + 1


def loads(data: str | bytes) -> Any:
    """Parse JSON text nested at most MAX_JSON_DEPTH deep; JsonRefused (a ValueError) if not."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        raise JsonRefused(TOO_DEEP)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise JsonRefused(NOT_JSON) from error


def json_body(*required: str, text: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the request's JSON object, requiring the named fields (and `text` ones as strings)."""
    body = loads_request() if request.is_json else None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", NOT_AN_OBJECT)
    missing = [name for name in (*required, *text) if name not in body]
    if missing:
        raise ApiError(422, "missing_field", f"'{missing[0]}' is required.")
    not_text = [name for name in text if not isinstance(body[name], str)]
    if not_text:
        raise ApiError(422, "invalid_field", f"'{not_text[0]}' must be text.")
    return body


def loads_request() -> Any:
    """Return the request's body parsed as JSON; 400 with a plain message if it is not."""
    try:
        return loads(request.get_data(cache=True))
    except JsonRefused as error:
        raise ApiError(400, "bad_request", str(error)) from error


def whole_number(raw: str, digits: int) -> int | None:
    """Return `raw` as a whole number of at most `digits` ASCII digits (a sign allowed), or None."""
    unsigned = raw.removeprefix("-")
    if not (unsigned.isascii() and unsigned.isdigit() and len(unsigned) <= digits):
        return None
    return int(raw)


def page_args() -> tuple[str | None, int]:
    """Return the cursor and page size from the query string."""
    limit = whole_number(request.args.get("limit", str(DEFAULT_PAGE_SIZE)), 3)
    if limit is None or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ApiError(400, "bad_request", f"'limit' must be 1 to {MAX_PAGE_SIZE}.")
    return request.args.get("cursor") or None, limit
