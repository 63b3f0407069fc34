"""How dead letters read on the admin pages: when they were sent, and what they carry.

The API sends a dead letter's `sent_at` as epoch seconds (older APIs and tests as ISO
text) and its `age_seconds` by the API's own clock; the pages show the age as people say
it ("3 minutes ago") inside a `<time>` that carries the exact UTC time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

UNREADABLE = "Unreadable message (not an upload event)"
FIRST_BYTES = 60
UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


def ago(seconds: Any) -> str:
    """Return an age in seconds as people say it ("3 minutes ago"), or "—" if unknown."""
    try:
        value = int(float(seconds))
    except (TypeError, ValueError):
        return "—"
    if value < 1:
        return "just now"
    for unit, size in UNITS:
        if value >= size:
            count = value // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def instant(moment: Any) -> datetime | None:
    """Return a time from the API (epoch seconds or ISO text) as a UTC datetime, or None."""
    if isinstance(moment, bool) or moment is None or moment == "":
        return None
    try:
        if isinstance(moment, int | float):
            return datetime.fromtimestamp(float(moment), UTC)
        text = str(moment).strip()
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except ValueError:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def sent_time(item: dict[str, Any]) -> Markup:
    """Return a dead letter's age as a `<time>` element with the exact UTC time as its title."""
    relative = ago(item.get("age_seconds"))
    at = instant(item.get("sent_at"))
    if at is None:
        return Markup("{}").format(relative)
    exact = f"{at.day} {at:%b %Y, %H:%M:%S} UTC"
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        f"{at:%Y-%m-%dT%H:%M:%S}Z", exact, relative
    )


def unreadable(item: dict[str, Any]) -> bool:
    """Return whether a dead letter names no artist, work or file (not an upload event)."""
    return not (item.get("artist_id") or item.get("artwork_id") or item.get("key"))


def first_bytes(body: Any, limit: int = FIRST_BYTES) -> str:
    """Return the start of a message body, control characters shown as symbols."""
    if body is None:
        return ""
    text = str(body)
    if not text:
        return "(empty)"
    shown = "".join(_printable(char) for char in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def _printable(char: str) -> str:
    """Return a character, or its Unicode control picture when it is a control character."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "␡" if code == 0x7F else char
