"""Identify a file's type from its first bytes, never from its name or declared type."""

from __future__ import annotations

from dataclasses import dataclass

SNIFF_BYTES = 512

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


@dataclass(frozen=True)
class Kind:
    """A recognised file type: its short name, a human label, libvips loader and MIME types."""

    name: str
    label: str
    loader: str | None = None
    mime_types: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """Return whether this type may enter the pipeline."""
        return self.loader is not None


JPEG = Kind("jpeg", "JPEG", "jpegload", ("image/jpeg",))
PNG = Kind("png", "PNG", "pngload", ("image/png",))
WEBP = Kind("webp", "WebP", "webpload", ("image/webp",))
TIFF = Kind("tiff", "TIFF", "tiffload", ("image/tiff",))
GIF = Kind("gif", "GIF", "gifload", ("image/gif",))
HEIF = Kind("heif", "HEIC/HEIF", "heifload", ("image/heic", "image/heif"))
AVIF = Kind("avif", "AVIF", "heifload", ("image/avif",))

SVG = Kind("svg", "an SVG drawing")
PDF = Kind("pdf", "a PDF document")
PSD = Kind("psd", "a Photoshop document (PSD)")
FITS = Kind("fits", "a FITS astronomy file")
HTML = Kind("html", "an HTML page")
TEXT = Kind("text", "a text file (such as CSV)")
UNKNOWN = Kind("unknown", "not an image format we recognise")

ALLOWED: tuple[Kind, ...] = (JPEG, PNG, WEBP, TIFF, GIF, HEIF, AVIF)
ALLOWED_LABELS = f"{', '.join(kind.label for kind in ALLOWED[:-1])} or {ALLOWED[-1].label}"
MIME_TYPES: dict[str, tuple[str, ...]] = {kind.name: kind.mime_types for kind in ALLOWED}


def sniff(head: bytes) -> Kind:
    """Return the kind of file whose first bytes are `head`."""
    for test, kind in _SIGNATURES:
        if test(head):
            return kind
    return _sniff_textual(head)


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _ftyp_brands(head: bytes) -> set[bytes]:
    if head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[:4], "big")
    end = min(max(size, 16), len(head))
    return {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}


_SIGNATURES = (
    (lambda h: h[:3] == b"\xff\xd8\xff", JPEG),
    (lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", PNG),
    (_is_webp, WEBP),
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), TIFF),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), GIF),
    (lambda h: bool(_ftyp_brands(h) & AVIF_BRANDS), AVIF),
    (lambda h: bool(_ftyp_brands(h) & HEIF_BRANDS), HEIF),
    (lambda h: h[:5] == b"%PDF-", PDF),
    (lambda h: h[:4] == b"8BPS", PSD),
    (lambda h: h[:9] == b"SIMPLE  =", FITS),
)


def _sniff_textual(head: bytes) -> Kind:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return SVG
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return HTML
    if text.startswith(b"<?xml"):
        return SVG if b"svg" in text else TEXT
    if head and all(b in b"\t\n\r" or 32 <= b < 127 or b >= 128 for b in head):
        return TEXT
    return UNKNOWN
