"""The links an artist shows on their page: up to 6, http(s) only, each with a short label."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from content.fields import InvalidArtwork
from content.model import Link

MAX_LINKS = 6
MAX_URL = 300
MAX_LABEL = 40
SCHEMES = ("http", "https")


def refuse(message: str) -> InvalidArtwork:
    """Return the error for a link the artist must fix."""
    return InvalidArtwork("links", message)


def clean_url(value: Any) -> str:
    """Return a trimmed http(s) URL with a host, or raise InvalidArtwork."""
    if not isinstance(value, str):
        raise refuse("Each link needs a web address (URL) as text.")
    url = value.strip()
    if not url:
        raise refuse("Each link needs a web address, such as https://example.org.")
    if len(url) > MAX_URL:
        raise refuse(f"A link's address is limited to {MAX_URL} characters.")
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise refuse("A link's address cannot contain spaces.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise refuse(f"“{url[:60]}” is not a web address: start it with https://.")
    return url


def clean_link(value: Any) -> Link:
    """Return one link from {label, url}; the label defaults to the URL's host."""
    if not isinstance(value, dict) or set(value) - {"label", "url"} or "url" not in value:
        raise refuse("Each link is an object with a label and a url.")
    url = clean_url(value["url"])
    label = value.get("label") or ""
    if not isinstance(label, str):
        raise refuse("A link's label must be text.")
    label = "".join(ch for ch in label if ch.isprintable()).strip()
    if len(label) > MAX_LABEL:
        raise refuse(f"A link's label is limited to {MAX_LABEL} characters.")
    return Link(label or str(urlsplit(url).hostname), url)


def clean_links(value: Any) -> tuple[Link, ...]:
    """Return the artist's links in order, or raise InvalidArtwork naming the field `links`."""
    if not isinstance(value, list):
        raise refuse("The links are a list of {label, url}.")
    if len(value) > MAX_LINKS:
        raise refuse(f"Up to {MAX_LINKS} links can be shown; remove one.")
    return tuple(clean_link(item) for item in value)
