"""Opaque page cursors: a small JSON document as URL-safe base64 without padding."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

MAX_CURSOR_LENGTH = 2048
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


def pack(document: dict[str, Any]) -> str:
    """Return the cursor that carries `document` (compact JSON)."""
    text = json.dumps(document, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode("ascii")


def unpack(cursor: Any) -> dict[str, Any]:
    """Return the JSON object inside a cursor; ValueError("malformed cursor") if it is not one."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise ValueError("malformed cursor")
    if not _ALPHABET.fullmatch(cursor):
        raise ValueError("malformed cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise ValueError("malformed cursor") from e
    if not isinstance(document, dict):
        raise ValueError("malformed cursor")
    return document
