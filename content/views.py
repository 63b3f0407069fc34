"""JSON views of content records: what the owner sees, and what the public sees."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from content.artworks import Resembled
from content.model import Artist, Artwork, Series


def public_artist(artist: Artist) -> dict[str, Any]:
    """Return an artist as visitors see them (no e-mail, no hash)."""
    return {
        "id": artist.id,
        "slug": artist.slug,
        "display_name": artist.display_name,
        "bio": artist.bio,
        "cover_artwork_id": artist.cover_artwork_id,
        "contact_email": artist.contact_email,
        "series": [series_view(series) for series in artist.series],
        "links": [asdict(link) for link in artist.links],
        "portrait": list(artist.portrait),
    }


def credit(artist: Artist) -> dict[str, Any]:
    """Return who made a work, as a listing names them: id, slug and display name."""
    return {"id": artist.id, "slug": artist.slug, "display_name": artist.display_name}


def credited_artwork(artwork: Artwork, artist: Artist | None) -> dict[str, Any]:
    """Return a published work as visitors see it, naming its artist when known."""
    view = public_artwork(artwork)
    return view | {"artist": credit(artist)} if artist is not None else view


def series_view(series: Series) -> dict[str, Any]:
    """Return a series as everyone sees it."""
    return {"slug": series.slug, "title": series.title, "description": series.description}


def own_artist(artist: Artist) -> dict[str, Any]:
    """Return an artist's own account, as they see it."""
    return public_artist(artist) | {
        "email": artist.email,
        "role": artist.role.value,
        "copyright_line": artist.copyright_line,
        "watermark": asdict(artist.watermark),
        "work_order": list(artist.work_order),
        "logo": artist.logo is not None,
        "version": artist.version,
    }


def public_artwork(artwork: Artwork) -> dict[str, Any]:
    """Return a published work as visitors see it."""
    return {
        "id": artwork.id,
        "artist_id": artwork.artist_id,
        "title": artwork.title,
        "description": artwork.description,
        "tags": list(artwork.tags),
        "medium": artwork.medium,
        "year": artwork.year,
        "physical_size": artwork.physical_size,
        "edition_size": artwork.edition_size,
        "edition_number": artwork.edition_number,
        "open_edition": artwork.open_edition,
        "paper": artwork.paper,
        "signed": artwork.signed,
        "availability": artwork.availability,
        "price": artwork.price,
        "currency": artwork.currency,
        "series": artwork.series,
        "renditions": list(artwork.renditions),
        "facts": artwork.facts,
        "published_at": artwork.published_at,
        "slug": artwork.slug,
    }


def own_artwork(artwork: Artwork) -> dict[str, Any]:
    """Return a work as its artist sees it, with status and processing details."""
    return public_artwork(artwork) | {
        "status": artwork.status.value,
        "rejection_reason": artwork.rejection_reason,
        "visibility": artwork.visibility.value,
        "focal_point": list(artwork.focal_point) if artwork.focal_point else None,
        "pipeline_version": artwork.pipeline_version,
        "possible_duplicate_of": artwork.possible_duplicate_of,
        "reprocessing": artwork.reprocess_request is not None,
        "error_class": artwork.error_class,
        "deadline": artwork.deadline,
        "version": artwork.version,
        "created_at": artwork.created_at,
        "updated_at": artwork.updated_at,
    }


def resembled_work(found: Resembled) -> dict[str, Any]:
    """Return what a possible duplicate's owner sees of the work it resembles.

    Another artist's work is named only when public, and never by its id.
    """
    work = found.artwork
    return {
        "own": found.own,
        "artwork_id": work.id if work is not None and found.own else None,
        "title": work.title if work is not None else None,
        "artist": found.artist_name,
        "status": work.status.value if work is not None and found.own else None,
        "renditions": list(work.renditions) if work is not None else [],
    }
