"""Renditions as HTML: URLs, `<picture>` sources, placeholders and alt text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g

FORMATS = (("avif", "image/avif"), ("webp", "image/webp"), ("jpeg", "image/jpeg"))
THUMBNAIL = "thumb"
FALLBACK_COLOUR = "#d9d3ca"
HEX = re.compile(r"[0-9a-f]{6}")


@dataclass(frozen=True)
class Source:
    """One `<source>`: a MIME type and its srcset."""

    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a `<picture>` needs: modern sources and the JPEG fallback `<img>`."""

    sources: tuple[Source, ...]
    src: str
    srcset: str
    width: int
    height: int
    sizes: str = "100vw"
    extras: dict[str, Any] = field(default_factory=dict)


def origin(url: str) -> str:
    """Return the scheme://host[:port] of a URL ('' when relative)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def rendition_url(entry: dict[str, Any]) -> str | None:
    """Return a rendition's URL: its own, else the media base URL and its key."""
    url = entry.get("url")
    if not url:
        key = entry.get("key")
        if not key:
            return None
        url = f"{str(current_app.config['MEDIA_BASE_URL']).rstrip('/')}/{str(key).lstrip('/')}"
    seen = origin(url)
    if seen:
        g.setdefault("media_origins", set()).add(seen)
    return url


def ladder(renditions: list[dict[str, Any]], fmt: str, max_width: int | None) -> list[Any]:
    """Return (url, entry) of a format's sized renditions, smallest first, up to `max_width`."""
    found = []
    for entry in renditions:
        if entry.get("format") != fmt or entry.get("name") == THUMBNAIL:
            continue
        if max_width is not None and entry.get("width", 0) > max_width:
            continue
        url = rendition_url(entry)
        if url:
            found.append((url, entry))
    return sorted(found, key=lambda pair: pair[1].get("width", 0))


def srcset(pairs: list[Any]) -> str:
    """Return a width-described srcset."""
    return ", ".join(f"{url} {entry['width']}w" for url, entry in pairs)


def picture(
    artwork: dict[str, Any], sizes: str, max_width: int | None = None, fallback_width: int = 640
) -> Picture | None:
    """Return the `<picture>` of a work's renditions up to `max_width`, or None without any."""
    renditions = list(artwork.get("renditions") or ())
    sources = []
    for fmt, mime in FORMATS[:2]:
        pairs = ladder(renditions, fmt, max_width)
        if pairs:
            sources.append(Source(mime, srcset(pairs)))
    jpegs = ladder(renditions, "jpeg", max_width) or ladder(renditions, "jpeg", None)[:1]
    if not jpegs:
        return None
    fallback = next((p for p in jpegs if p[1]["width"] >= fallback_width), jpegs[-1])
    width, height = dimensions(artwork, fallback[1])
    return Picture(tuple(sources), fallback[0], srcset(jpegs), width, height, sizes)


def dimensions(artwork: dict[str, Any], entry: dict[str, Any] | None = None) -> tuple[int, int]:
    """Return the work's pixel size (facts, else a rendition's, else 4:3)."""
    facts = artwork.get("facts") or {}
    width = facts.get("width") or artwork.get("width") or (entry or {}).get("width")
    height = facts.get("height") or artwork.get("height") or (entry or {}).get("height")
    return (int(width), int(height)) if width and height else (4, 3)


def aspect(artwork: dict[str, Any]) -> float:
    """Return width / height, clamped so a panorama or a sliver still lays out."""
    width, height = dimensions(artwork)
    return round(min(max(width / height, 0.4), 3.0), 4)


def thumbnail(card: dict[str, Any]) -> str | None:
    """Return the URL of a search card's square thumbnail."""
    entry = card.get("thumbnail")
    return rendition_url(entry) if isinstance(entry, dict) else None


def rendition(artwork: dict[str, Any], name: str, fmt: str = "jpeg") -> dict[str, Any] | None:
    """Return one rendition entry by name and format (with its URL), or the largest JPEG."""
    entries = [r for r in artwork.get("renditions") or () if r.get("format") == fmt]
    chosen = next((r for r in entries if r.get("name") == name), None)
    if chosen is None:
        sized = [r for r in entries if r.get("name") != THUMBNAIL]
        chosen = max(sized, key=lambda r: r.get("width", 0), default=None)
    if chosen is None:
        return None
    url = rendition_url(chosen)
    return chosen | {"url": url} if url else None


def palette(artwork: dict[str, Any]) -> list[str]:
    """Return the palette's hex codes, heaviest first (facts or a search card)."""
    colours = (artwork.get("facts") or {}).get("palette") or artwork.get("palette") or ()
    if colours and isinstance(colours[0], dict):
        ordered = sorted(colours, key=lambda c: -float(c.get("weight", 0)))
        codes = [normal_hex(c.get("hex")) for c in ordered]
    else:
        codes = [normal_hex(c) for c in colours]
    return [code for code in codes if code]


def normal_hex(value: Any) -> str | None:
    """Return a hex colour as '#rrggbb' (lower case), or None if it is not one.

    Colours go into style attributes, so nothing but six hex digits may pass.
    """
    digits = value.strip().lstrip("#").lower() if isinstance(value, str) else ""
    return f"#{digits}" if HEX.fullmatch(digits) else None


def dominant(artwork: dict[str, Any]) -> str:
    """Return the placeholder colour: the palette's heaviest colour."""
    colours = palette(artwork)
    return colours[0] if colours else FALLBACK_COLOUR


def blurhash(artwork: dict[str, Any]) -> str:
    """Return the work's BlurHash ('' when unknown)."""
    return (artwork.get("facts") or {}).get("blurhash") or artwork.get("blurhash") or ""


def alt_text(artwork: dict[str, Any], artist: dict[str, Any] | None) -> str:
    """Return an image's alt text: the title and the artist."""
    title = artwork.get("title") or "Untitled"
    name = (artist or artwork.get("artist") or {}).get("display_name")
    return f"{title} by {name}" if name else title


def install_media(app: Flask) -> None:
    """Make the rendition helpers available to templates."""
    app.jinja_env.globals.update(
        picture=picture,
        aspect=aspect,
        thumbnail=thumbnail,
        dominant=dominant,
        blurhash=blurhash,
        palette=palette,
        alt_text=alt_text,
        dimensions=dimensions,
    )
