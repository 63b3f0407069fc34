"""Records to plain dicts and back: one codec for every content store adapter."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from content.model import (
    Artist,
    Artwork,
    Link,
    OriginalObject,
    Role,
    Series,
    Status,
    Visibility,
    WatermarkPreference,
)


def known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """Keep only the fields `cls` declares, so old records still load after a model change."""
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in data.items() if key in names}


def to_plain(record: Artist | Artwork) -> dict[str, Any]:
    """Return a record as JSON-ready plain data."""
    return asdict(record)


def artist_from_plain(data: dict[str, Any]) -> Artist:
    """Return an Artist from plain data."""
    data = known(Artist, data)
    data["role"] = Role(data["role"])
    data["watermark"] = WatermarkPreference(**known(WatermarkPreference, data["watermark"]))
    data["series"] = tuple(Series(**known(Series, each)) for each in data.get("series") or ())
    data["work_order"] = tuple(data.get("work_order") or ())
    data["links"] = tuple(Link(**known(Link, link)) for link in data.get("links", ()))
    data["portrait"] = tuple(data.get("portrait", ()))
    return Artist(**data)


def artwork_from_plain(data: dict[str, Any]) -> Artwork:
    """Return an Artwork from plain data (lists become tuples, enums are restored)."""
    data = known(Artwork, data)
    data["status"] = Status(data["status"])
    data["visibility"] = Visibility(data["visibility"])
    data["tags"] = tuple(data.get("tags", ()))
    data["renditions"] = tuple(data.get("renditions", ()))
    if data.get("original") is not None:
        data["original"] = OriginalObject(**known(OriginalObject, data["original"]))
    if data.get("focal_point") is not None:
        data["focal_point"] = tuple(data["focal_point"])
    return Artwork(**data)
