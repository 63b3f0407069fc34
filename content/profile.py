"""Profile use case: an artist edits their name, statement, links, copyright line and watermark."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from content.accounts import EMAIL_PATTERN, MAX_NAME_LENGTH, DisplayNameTaken
from content.artworks import REPROCESSABLE, NotAllowed
from content.fields import InvalidArtwork, clean_text
from content.links import clean_links
from content.model import Artist, Artwork, WatermarkPreference
from content.repository import (
    ContentRepository,
    NameTaken,
    NotFound,
    VersionConflict,
    retry_on_conflict,
    works_of,
)
from pipeline.settings import POSITIONS

log = logging.getLogger("copper.profile")

EDITABLE = (
    "display_name",
    "bio",
    "copyright_line",
    "watermark",
    "cover_artwork_id",
    "contact_email",
    "links",
)
WATERMARK_FIELDS = ("enabled", "text", "position", "opacity", "kind")
MARK_KINDS = ("text", "logo")
MAX_BIO = 2000
MAX_COPYRIGHT = 200
MAX_MARK_TEXT = 100


class InvalidProfile(InvalidArtwork):
    """Profile input that cannot be saved, with a message for the artist (and the field)."""


def profile_text(value: Any, field: str, limit: int, label: str | None = None) -> str:
    """Return cleaned text for a profile field, or raise InvalidProfile naming `field`."""
    try:
        return clean_text(value, label or field, limit)
    except InvalidArtwork as error:
        raise InvalidProfile(field, error.message) from error


def clean_watermark(
    value: Any, current: WatermarkPreference, has_logo: bool = False
) -> WatermarkPreference:
    """Return the watermark preference with the given fields changed, or raise InvalidProfile."""
    if not isinstance(value, dict):
        raise InvalidProfile("watermark", "The watermark is an object of settings.")
    unknown = sorted(set(value) - set(WATERMARK_FIELDS))
    if unknown:
        raise InvalidProfile("watermark", f"'watermark.{unknown[0]}' is not a setting.")
    changes: dict[str, Any] = {}
    if "enabled" in value:
        if not isinstance(value["enabled"], bool):
            raise InvalidProfile("watermark", "'watermark.enabled' is true or false.")
        changes["enabled"] = value["enabled"]
    if "text" in value:
        text = value["text"]
        if text is not None:
            text = profile_text(text, "watermark", MAX_MARK_TEXT, "watermark_text") or None
        changes["text"] = text
    if "position" in value:
        if value["position"] not in POSITIONS:
            raise InvalidProfile("watermark", f"The position is one of {', '.join(POSITIONS)}.")
        changes["position"] = value["position"]
    if "opacity" in value:
        opacity = value["opacity"]
        if isinstance(opacity, bool) or not isinstance(opacity, int | float):
            raise InvalidProfile("watermark", "The opacity is a number from 0 to 1.")
        if not 0 <= opacity <= 1:
            raise InvalidProfile("watermark", "The opacity is a number from 0 to 1.")
        changes["opacity"] = float(opacity)
    if "kind" in value:
        if value["kind"] not in MARK_KINDS:
            raise InvalidProfile("watermark", "The watermark is a text or a logo.")
        changes["kind"] = value["kind"]
    marked = replace(current, **changes)
    if marked.enabled and marked.kind == "logo" and not has_logo:
        raise InvalidProfile("watermark", "Upload a logo to use it as the watermark.")
    if marked.enabled and marked.kind == "text" and not (marked.text or "").strip():
        raise InvalidProfile("watermark", "Give the watermark a text to turn it on.")
    return marked


def clean_profile(fields: dict[str, Any], current: Artist) -> dict[str, Any]:
    """Return validated profile fields; unknown fields are refused, not ignored."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidProfile(unknown[0], f"'{unknown[0]}' cannot be edited here.")
    cleaned: dict[str, Any] = {}
    if "display_name" in fields:
        name = profile_text(fields["display_name"], "display_name", MAX_NAME_LENGTH)
        if not name:
            raise InvalidProfile("display_name", "Your name cannot be empty.")
        cleaned["display_name"] = name
    if "bio" in fields:
        cleaned["bio"] = profile_text(fields["bio"], "bio", MAX_BIO)
    if "copyright_line" in fields:
        cleaned["copyright_line"] = profile_text(
            fields["copyright_line"], "copyright_line", MAX_COPYRIGHT
        )
    if "watermark" in fields:
        cleaned["watermark"] = clean_watermark(
            fields["watermark"], current.watermark, current.logo is not None
        )
    if "links" in fields:
        try:
            cleaned["links"] = clean_links(fields["links"])
        except InvalidArtwork as error:
            raise InvalidProfile("links", error.message) from error
    if "contact_email" in fields:
        contact = profile_text(fields["contact_email"], "contact_email", 254, "contact e-mail")
        if contact and not EMAIL_PATTERN.match(contact):
            raise InvalidProfile("contact_email", "Please enter a valid e-mail address.")
        cleaned["contact_email"] = contact
    if "cover_artwork_id" in fields:
        cover = fields["cover_artwork_id"]
        if cover is not None and not isinstance(cover, str):
            raise InvalidProfile("cover_artwork_id", "The cover is the id of one of your works.")
        cleaned["cover_artwork_id"] = cover or None
    return cleaned


def drawn_logo(artist: Artist) -> str | None:
    """Return the key of the logo the pipeline draws on the artist's works, if it draws one."""
    mark = artist.watermark
    return artist.logo if mark.enabled and mark.kind == "logo" else None


def marks_changed(before: Artist, after: Artist) -> bool:
    """Return whether the change alters what the pipeline writes into renditions."""
    return (before.copyright_line, before.watermark, drawn_logo(before)) != (
        after.copyright_line,
        after.watermark,
        drawn_logo(after),
    )


@dataclass
class ProfileService:
    """Artists' own profile edits; a new copyright line or watermark re-renders their works."""

    repository: ContentRepository
    reprocess: Callable[[str, str], Artwork]

    def edit(self, artist_id: str, fields: dict[str, Any], version: int | None = None) -> Artist:
        """Change the artist's profile (VersionConflict if it moved since a given `version`)."""
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise InvalidProfile("version", "The version must be a whole number.")

        def write() -> tuple[Artist, Artist]:
            current = self.repository.get_artist(artist_id)
            cleaned = clean_profile(fields, current)
            expected = current.version if version is None else version
            return current, self.repository.update_artist(replace(current, **cleaned), expected)

        if fields.get("cover_artwork_id") is not None:
            self.check_cover(artist_id, fields["cover_artwork_id"])
        try:
            before, saved = retry_on_conflict(write) if version is None else write()
        except NameTaken as error:
            raise DisplayNameTaken(str(fields.get("display_name", "")).strip()) from error
        if marks_changed(before, saved):
            self.rerender(artist_id)
        return saved

    def check_cover(self, artist_id: str, artwork_id: Any) -> None:
        """Raise InvalidProfile unless the cover is one of the artist's own works."""
        try:
            self.repository.get_artwork(str(artwork_id), owner_id=artist_id)
        except NotFound as error:
            raise InvalidProfile(
                "cover_artwork_id", "Choose one of your own works as the cover."
            ) from error

    def rerender(self, artist_id: str) -> int:
        """Ask for every processed work of the artist to be rendered again; return how many."""
        count = 0
        for artwork in works_of(self.repository, artist_id):
            if artwork.status not in REPROCESSABLE:
                continue
            try:
                self.reprocess(artist_id, artwork.id)
                count += 1
            except (NotAllowed, NotFound, VersionConflict) as error:
                log.info("not reprocessing %s: %s", artwork.id, error)
        return count
