"""The content model: artists and artworks as immutable records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pipeline.settings import Position

MarkKind = Literal["text", "logo"]


class Role(StrEnum):
    """What an account may do."""

    ARTIST = "artist"
    ADMIN = "admin"


class Status(StrEnum):
    """Where an artwork is in its life: upload, processing and its outcome."""

    AWAITING_UPLOAD = "awaiting_upload"
    PROCESSING = "processing"
    READY = "ready"
    REJECTED = "rejected"
    FAILED = "failed"
    DELETED = "deleted"


AVAILABILITY = ("available", "sold", "not_for_sale")  # what a collector may ask for


class Visibility(StrEnum):
    """Whether visitors may see an artwork (once it is ready)."""

    DRAFT = "draft"
    PUBLISHED = "published"


def now() -> str:
    """Return the current UTC time as an ISO-8601 string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class WatermarkPreference:
    """How an artist wants public renditions marked."""

    enabled: bool = False
    text: str | None = None
    position: Position = "bottom-right"
    opacity: float = 0.4
    kind: MarkKind = "text"  # draw the text, or the artist's uploaded logo


@dataclass(frozen=True)
class Link:
    """A link an artist shows on their page: a label and an http(s) URL."""

    label: str
    url: str


@dataclass(frozen=True)
class Series:
    """A named group of an artist's works, such as "Harbour studies"."""

    slug: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Artist:
    """An account: an artist, or an admin."""

    id: str
    slug: str
    display_name: str
    email: str
    password_hash: str
    role: Role = Role.ARTIST
    bio: str = ""
    copyright_line: str = ""
    watermark: WatermarkPreference = field(default_factory=WatermarkPreference)
    cover_artwork_id: str | None = None  # the work that stands for them in the directory
    contact_email: str = ""  # public: where collectors' enquiries go ("" for none)
    series: tuple[Series, ...] = ()  # the artist's series, in the order they list them
    work_order: tuple[str, ...] = ()  # ids of works in the order the artist chose for their page
    links: tuple[Link, ...] = ()  # their own site, shop, social pages (up to 6)
    portrait: tuple[dict[str, Any], ...] = ()  # square renditions: key, url, size, width, height
    logo: str | None = None  # media-store key of the normalised watermark logo (private)
    version: int = 1
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)

    def image_keys(self) -> set[str]:
        """Return the media keys of the images the profile names (portrait sizes, logo)."""
        keys = {str(entry["key"]) for entry in self.portrait if entry.get("key")}
        return keys | ({self.logo} if self.logo else set())


@dataclass(frozen=True)
class OriginalObject:
    """The uploaded original in the uploads store, as the last applied S3 event described it."""

    key: str
    size: int | None = None
    version_id: str | None = None
    sequencer: str | None = None


@dataclass(frozen=True)
class Artwork:
    """One work: its description, its processing state and what the pipeline made of it."""

    id: str
    artist_id: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    medium: str = ""
    year: int | None = None
    physical_size: str = ""
    edition_size: int | None = None  # a limited edition of this many prints
    edition_number: int | None = None  # this print's number within it ("12 of 30")
    open_edition: bool = False
    paper: str = ""
    signed: bool | None = None  # None: not said
    availability: str = ""  # one of AVAILABILITY, or "" (not said)
    price: str = ""  # a decimal amount ("450", "450.50"), in `currency`
    currency: str = ""  # ISO 4217
    series: str | None = None  # the slug of one of the artist's series
    status: Status = Status.AWAITING_UPLOAD
    rejection_reason: str | None = None
    visibility: Visibility = Visibility.DRAFT
    original: OriginalObject | None = None
    renditions: tuple[dict[str, Any], ...] = ()
    facts: dict[str, Any] | None = None
    focal_point: tuple[float, float] | None = None
    pipeline_version: str | None = None
    possible_duplicate_of: str | None = None
    title_from_file: bool = False  # the title is the file's name: the file's own title wins
    reprocess_request: str | None = None  # a pending render; a ready work stays public meanwhile
    upload_id: str | None = None  # the upload form that may still deliver a file (one-shot)
    deadline: str | None = None  # when the current non-terminal state (or request) is overdue
    error_class: str | None = None  # why processing failed, for a failed work
    version: int = 1
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)
    published_at: str | None = None
    slug: str | None = None  # its URL under its artist: set when first published, then kept

    @property
    def is_public(self) -> bool:
        """Return whether visitors may see this work."""
        return self.status is Status.READY and self.visibility is Visibility.PUBLISHED
