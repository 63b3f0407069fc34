"""What an original says about itself: title, description and keywords from XMP and IPTC.

Read from the metadata the loader already parsed (no pixels), before the renditions strip it.
XMP wins where both have a value (the Metadata Working Group's rule for files in sync); IPTC-IIM
fills what XMP leaves empty. Untrusted input: sizes are bounded, an XMP packet with a DTD is
ignored (XMP never has one), and anything malformed yields nothing rather than an error.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import pyvips

MAX_PACKET_BYTES = 1 << 20
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_KEYWORDS = 20
MAX_KEYWORD = 40
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IPTC_OBJECT_NAME, IPTC_KEYWORDS, IPTC_CAPTION = 5, 25, 120
IPTC_RESOURCE = b"8BIM\x04\x04"
UTF8_MARKER = b"\x1b%G"


@dataclass(frozen=True)
class Embedded:
    """The title, description and keywords a file carries (empty when it carries none)."""

    title: str | None = None
    description: str | None = None
    keywords: tuple[str, ...] = field(default=())

    def merged(self, fallback: Embedded) -> Embedded:
        """Return these values, each empty one taken from `fallback`."""
        return Embedded(
            self.title or fallback.title,
            self.description or fallback.description,
            self.keywords or fallback.keywords,
        )

    def to_dict(self) -> dict[str, Any] | None:
        """Return the values as JSON-ready data, or None when there are none."""
        if not (self.title or self.description or self.keywords):
            return None
        keywords = list(self.keywords)
        return {"title": self.title, "description": self.description, "keywords": keywords}


def embedded_text(image: pyvips.Image, fields: set[str]) -> Embedded:
    """Return the text the loader found in the file's XMP packet and IPTC block."""
    xmp = from_xmp(bytes(image.get("xmp-data"))) if "xmp-data" in fields else Embedded()
    iptc = from_iptc(bytes(image.get("iptc-data"))) if "iptc-data" in fields else Embedded()
    return xmp.merged(iptc)


def clean(value: str | None, limit: int) -> str | None:
    """Return printable text (newlines kept), trimmed and cut to `limit`, or None."""
    if value is None:
        return None
    text = "".join(ch for ch in value if ch.isprintable() or ch == "\n").strip()
    return text[:limit].strip() or None


def keywords_of(values: list[str]) -> tuple[str, ...]:
    """Return distinct, short, non-empty keywords in their order, at most MAX_KEYWORDS."""
    found: list[str] = []
    for value in values:
        for part in value.split(";") if ";" in value else [value]:
            word = clean(part, MAX_KEYWORD)
            if word and word.lower() not in (f.lower() for f in found):
                found.append(word)
    return tuple(found[:MAX_KEYWORDS])


def from_xmp(packet: bytes) -> Embedded:
    """Return dc:title, dc:description and dc:subject of an XMP packet."""
    packet = packet[:MAX_PACKET_BYTES].rstrip(b"\0 \n\r\t")
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        return Embedded()
    try:
        root = ET.fromstring(packet)
    except ET.ParseError:
        return Embedded()
    return Embedded(
        clean(_alt_text(root, "title"), MAX_TITLE),
        clean(_alt_text(root, "description"), MAX_DESCRIPTION),
        keywords_of(_bag(root, "subject")),
    )


def _alt_text(root: ET.Element, name: str) -> str | None:
    """Return a language alternative's default text (x-default, else the first)."""
    for description in root.iter(f"{RDF}Description"):
        attribute = description.get(f"{DC}{name}")
        if attribute:
            return attribute
        element = description.find(f"{DC}{name}")
        if element is None:
            continue
        items = element.findall(f".//{RDF}li")
        for item in items:
            if item.get(XML_LANG) == "x-default" and item.text:
                return item.text
        texts = [item.text for item in items if item.text] or [element.text or ""]
        return texts[0] or None
    return None


def _bag(root: ET.Element, name: str) -> list[str]:
    """Return the items of an unordered array (or a plain value)."""
    for description in root.iter(f"{RDF}Description"):
        element = description.find(f"{DC}{name}")
        if element is not None:
            items = [item.text or "" for item in element.iter(f"{RDF}li")]
            return items or [element.text or ""]
    return []


def from_iptc(block: bytes) -> Embedded:
    """Return the object name (2:05), caption (2:120) and keywords (2:25) of an IPTC block."""
    block = block[:MAX_PACKET_BYTES]
    start = block.find(IPTC_RESOURCE)
    data = _resource(block, start) if start >= 0 else block
    values: dict[int, list[bytes]] = {}
    utf8 = False
    position = data.find(b"\x1c")
    while 0 <= position <= len(data) - 5 and data[position] == 0x1C:
        record, number, length = data[position + 1], data[position + 2], 0
        (length,) = struct.unpack(">H", data[position + 3 : position + 5])
        if length & 0x8000:  # an extended dataset: longer than the text fields read here
            break
        value = data[position + 5 : position + 5 + length]
        if record == 1 and number == 90:
            utf8 = UTF8_MARKER in value
        if record == 2:
            values.setdefault(number, []).append(value)
        position += 5 + length
    encoding = "utf-8" if utf8 else _guess(values)

    def text(number: int) -> list[str]:
        return [raw.decode(encoding, errors="replace") for raw in values.get(number, [])]

    titles, captions = text(IPTC_OBJECT_NAME), text(IPTC_CAPTION)
    return Embedded(
        clean(titles[0] if titles else None, MAX_TITLE),
        clean(
            captions[0].replace("\r\n", "\n").replace("\r", "\n") if captions else None,
            MAX_DESCRIPTION,
        ),
        keywords_of(text(IPTC_KEYWORDS)),
    )


def _resource(block: bytes, start: int) -> bytes:
    """Return the body of the Photoshop image resource that starts at `start` (IPTC-IIM)."""
    position = start + len(IPTC_RESOURCE)
    if position >= len(block):
        return b""
    name_length = block[position]
    position += 1 + name_length + (0 if name_length % 2 else 1)  # a padded Pascal string
    if position + 4 > len(block):
        return b""
    (size,) = struct.unpack(">I", block[position : position + 4])
    return block[position + 4 : position + 4 + size]


def _guess(values: dict[int, list[bytes]]) -> str:
    """Return UTF-8 if every value decodes as UTF-8 (often unmarked), else Latin-1."""
    try:
        for raws in values.values():
            for raw in raws:
                raw.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"
