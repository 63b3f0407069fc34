"""The vocabulary of every settings dataclass: declare a field once, check its invariants."""

from __future__ import annotations

from dataclasses import field
from typing import Any

ORIGINAL_MAX_BYTES = 250 * 1024 * 1024  # default largest original: upload limit and intake limit
PROFILE_IMAGE_MAX_BYTES = 4 * 1024 * 1024  # a portrait or logo body (Lambda caps payloads at 6 MB)


def setting(default: Any, doc: str, *, env: bool = True) -> Any:
    """Declare a settings field with its default, a one-line description, and env exposure."""
    if isinstance(default, list | dict | set):
        raise TypeError("use an immutable default")
    return field(default=default, metadata={"doc": doc, "env": env})


def check(condition: bool, message: str) -> None:
    """Raise ValueError with `message` unless `condition` holds."""
    if not condition:
        raise ValueError(message)
