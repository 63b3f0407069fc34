"""Checked input fields of the content services, and the error naming what to fix."""

from __future__ import annotations

from typing import Any


class InvalidArtwork(ValueError):
    """Form input that cannot be saved, with a message for the artist (and the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def clean_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """Return trimmed text without control characters, or raise InvalidArtwork."""
    if not isinstance(value, str):
        raise InvalidArtwork(field, f"The {field.replace('_', ' ')} must be text.")
    text = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()
    if required and not text:
        raise InvalidArtwork(field, f"Please give the work a {field}.")
    if len(text) > limit:
        raise InvalidArtwork(
            field, f"The {field.replace('_', ' ')} is limited to {limit} characters."
        )
    return text
