"""How works look in the studio: rendition URLs, status labels and the facts that matter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, session

STATUS_LABELS = {
    "awaiting_upload": "Awaiting upload",
    "processing": "Processing",
    "ready": "Ready",
    "rejected": "Rejected",
    "failed": "Failed",
    "deleted": "Deleted",
}
PLACEHOLDER_TEXT = {
    "awaiting_upload": "Awaiting upload",
    "processing": "Processing…",
    "rejected": "No preview",
    "failed": "No preview",
    "deleted": "Deleted",
}
PREVIEW_WIDTHS = ("1024px", "1600px", "640px", "2400px", "320px")
PREFERRED_FORMATS = ("jpeg", "webp", "avif")


def media_base() -> str:
    """Return the base URL of renditions that carry only a key."""
    config = current_app.config
    base = config["MEDIA_BASE_URL"] or (config["API_PUBLIC_URL"] or config["API_URL"]) + "/media"
    return base.rstrip("/")


def rendition_url(entry: dict[str, Any]) -> str | None:
    """Return where a browser fetches a rendition (its url, or the media base plus its key)."""
    if entry.get("url"):
        return str(entry["url"])
    if entry.get("key"):
        return f"{media_base()}/{entry['key']}"
    return None


def find_rendition(work: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any] | None:
    """Return the first rendition by name order, preferring formats every browser shows."""
    renditions = work.get("renditions") or []
    for name in names:
        named = [r for r in renditions if r.get("name") == name]
        for fmt in PREFERRED_FORMATS:
            for entry in named:
                if entry.get("format") == fmt and rendition_url(entry):
                    return entry
    return None


def thumbnail_url(work: dict[str, Any]) -> str | None:
    """Return the URL of the work's square thumbnail, if it has one."""
    entry = find_rendition(work, ("thumb",))
    return rendition_url(entry) if entry else None


def preview(work: dict[str, Any]) -> dict[str, Any] | None:
    """Return the rendition used for the focal-point editor (about 1024 px wide)."""
    entry = find_rendition(work, PREVIEW_WIDTHS)
    if entry is None:
        return None
    return {"url": rendition_url(entry), "width": entry.get("width"), "height": entry.get("height")}


def fidelity(work: dict[str, Any]) -> dict[str, Any] | None:
    """Return the colour-fidelity report, if the pipeline made one."""
    facts = work.get("facts") or {}
    report = facts.get("fidelity")
    return report if isinstance(report, dict) else None


def print_sizes(work: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the largest print at each resolution, highest resolution first."""
    facts = work.get("facts") or {}
    sizes = [s for s in facts.get("print") or [] if isinstance(s, dict)]
    return sorted(sizes, key=lambda s: -int(s.get("dpi", 0)))


def card(work: dict[str, Any]) -> dict[str, Any]:
    """Return the small JSON view the upload page polls for one work."""
    return {
        "id": work["id"],
        "title": work.get("title", ""),
        "status": work.get("status"),
        "status_label": STATUS_LABELS.get(str(work.get("status")), str(work.get("status"))),
        "rejection_reason": work.get("rejection_reason"),
        "thumbnail": thumbnail_url(work),
        "possible_duplicate_of": work.get("possible_duplicate_of"),
        "pending": pending(work),
        "version": work.get("version"),
    }


def pending(work: dict[str, Any]) -> bool:
    """Return whether a ready work waits on a new file or a new render (it stays public)."""
    return work.get("status") == "ready" and bool(work.get("deadline") or work.get("reprocessing"))


def when(moment: Any) -> str:
    """Return an ISO time from the API as a short UTC date and time for people."""
    try:
        parsed = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    except ValueError:
        return str(moment or "")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    return f"{parsed.day} {parsed:%b %Y, %H:%M} UTC"


def megabytes(count: int | None) -> str:
    """Return a byte count in binary megabytes for people ("250 MiB"), as the docs state it."""
    if not count:
        return "unknown"
    value = count / (1024 * 1024)
    return f"{value:,.0f} MiB" if value >= 10 else f"{value:.1f} MiB"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return a count with its noun in the right number ("1 message", "3 messages")."""
    noun = singular if count == 1 else plural_form or f"{singular}s"
    return f"{count} {noun}"


def install_template_helpers(app: Flask) -> None:
    """Make the presentation helpers and the signed-in artist available to templates."""
    app.jinja_env.globals.update(
        thumbnail_url=thumbnail_url,
        preview=preview,
        fidelity=fidelity,
        print_sizes=print_sizes,
        status_label=lambda status: STATUS_LABELS.get(status, status),
        placeholder_text=lambda status: PLACEHOLDER_TEXT.get(status, ""),
        megabytes=megabytes,
        plural=plural,
        pending=pending,
        when=when,
    )

    @app.context_processor
    def signed_in() -> dict[str, Any]:
        return {
            "artist_name": session.get("display_name"),
            "is_admin": session.get("role") == "admin",
        }
