"""What the gallery shows of an artist's face: their portrait and their links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from heroku_web.media import rendition_url

SAFE_SCHEMES = ("http", "https")


def portrait_image(artist: dict[str, Any], display: int) -> dict[str, Any] | None:
    """Return the portrait as an <img> shown `display` px square: src, srcset, width, height."""
    found = []
    for entry in artist.get("portrait") or []:
        url = rendition_url(entry) if isinstance(entry, dict) else None
        width = entry.get("width") if isinstance(entry, dict) else None
        if url and isinstance(width, int) and width > 0:
            found.append((width, url))
    if not found:
        return None
    found.sort()
    fitting = next((url for width, url in found if width >= display), found[-1][1])
    return {
        "src": fitting,
        "srcset": ", ".join(f"{url} {width}w" for width, url in found),
        "sizes": f"{display}px",
        "width": display,
        "height": display,
    }


def safe_links(artist: dict[str, Any]) -> list[dict[str, str]]:
    """Return the artist's links whose URL is http(s) with a host, never script or data URLs."""
    shown = []
    for link in artist.get("links") or []:
        if not isinstance(link, dict):
            continue
        url, label = str(link.get("url") or "").strip(), str(link.get("label") or "").strip()
        parts = urlsplit(url)
        if parts.scheme.lower() in SAFE_SCHEMES and parts.hostname:
            shown.append({"url": url, "label": label or parts.hostname})
    return shown
