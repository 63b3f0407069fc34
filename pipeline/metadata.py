"""Metadata for public renditions: strip everything, then write only the artist's credit."""

from __future__ import annotations

import pyvips

MAX_CREDIT_LENGTH = 200
PIXEL_FIELDS = frozenset(
    {"width", "height", "bands", "format", "coding", "interpretation", "xoffset", "yoffset"}
)
XMP_TEMPLATE = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "{body}</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="r"?>'
)


def xml_escape(text: str) -> str:
    """Escape &, < and > for XML or Pango markup (xml.sax.saxutils.escape loads urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_text(value: str | None) -> str | None:
    """Return printable, length-bounded text, or None when nothing is left."""
    if value is None:
        return None
    text = "".join(ch for ch in value if ch.isprintable()).strip()
    return text[:MAX_CREDIT_LENGTH] or None


def credit_xmp(copyright: str | None, credit: str | None) -> bytes | None:
    """Return an XMP packet holding only dc:rights and dc:creator, or None if both are empty."""
    rights, creator = clean_text(copyright), clean_text(credit)
    body = ""
    if rights:
        body += (
            '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{xml_escape(rights)}</rdf:li></rdf:Alt></dc:rights>"
        )
    if creator:
        creator = xml_escape(creator)
        body += f"<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>"
    return XMP_TEMPLATE.format(body=body).encode() if body else None


def for_publication(image: pyvips.Image, xmp: bytes | None) -> tuple[pyvips.Image, str]:
    """Return a copy with every metadata field removed (plus our XMP) and the saver's `keep`."""
    public = image.copy()
    for name in image.get_fields():
        if name not in PIXEL_FIELDS:
            public.remove(name)
    if xmp is None:
        return public, "none"
    public.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    return public, "xmp"
