"""What the studio reads from browsers: JSON bodies bounded in depth, and where to go next."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

MAX_JSON_DEPTH = 32
MAX_NEXT_LENGTH = 2000
NOT_AN_OBJECT = "The request body must be a JSON object."
NOT_JSON = "The request body is not valid JSON."
TOO_DEEP = f"The request body is nested too deeply (more than {MAX_JSON_DEPTH} levels)."
# A string, or an unterminated one up to the end: a match from every quote, so linear time.
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_PATH_CHARACTERS = re.compile(r"[!-~]+")  # printable ASCII: no space, control or look-alike


class RefusedInput(BadRequest):
    """A request the studio will not read, with a message for people."""


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
    """Parse JSON nested at most MAX_JSON_DEPTH deep; RefusedInput (a 400) otherwise."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        raise RefusedInput(TOO_DEEP)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise RefusedInput(NOT_JSON) from error


class BoundedJson(DefaultJSONProvider):
    """Flask's JSON, reading bodies no deeper than MAX_JSON_DEPTH (for any get_json)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON no deeper than the studio reads."""
        return loads(s)


def json_object() -> dict[str, Any]:
    """Return the request's JSON object ({} without a JSON body); RefusedInput for the rest."""
    if not request.is_json:
        return {}
    body = loads(request.get_data(cache=True))
    if not isinstance(body, dict):
        raise RefusedInput(NOT_AN_OBJECT)
    return body


def is_local_path(target: str) -> bool:
    """Return whether `target` is a path on this site, however often it is percent-decoded.

    Printable ASCII only (no space, control character or look-alike of a slash), starting
    with exactly one `/`, and no backslash: browsers read `//x`, `/\\x` and `/<tab>/x` as
    another host.
    """
    for _ in range(3):
        if not _PATH_CHARACTERS.fullmatch(target) or "\\" in target:
            return False
        if not target.startswith("/") or target.startswith("//"):
            return False
        decoded = unquote(target)
        if decoded == target:
            return True
        target = decoded
    return False  # still encoded after three rounds: not a path anybody wrote


def local_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site to go to next, else None."""
    if not target or len(target) > MAX_NEXT_LENGTH or not is_local_path(target):
        return None
    return target
