"""The text a file carries about itself: XMP and IPTC read safely, XMP preferred."""

from __future__ import annotations

import pyvips

from pipeline.embedded import Embedded, from_iptc, from_xmp
from pipeline.process import process
from testkit.images import iptc_block, jpeg, xmp_packet


def grey(width: int = 96, height: int = 64) -> pyvips.Image:
    """Return a small flat sRGB image."""
    return (pyvips.Image.black(width, height, bands=3) + 120).copy(interpretation="srgb")


def test_xmp_title_caption_and_keywords_are_read_with_xml_escapes_undone() -> None:
    found = from_xmp(xmp_packet("Dusk <3", "Boats & lights", ("harbour", "night", "Harbour")))
    assert found == Embedded("Dusk <3", "Boats & lights", ("harbour", "night"))


def test_iptc_object_name_caption_and_keywords_are_read_as_utf8() -> None:
    found = from_iptc(iptc_block("Épure", "Légende\r\nsur deux lignes", ("mer", "nuit")))
    assert found == Embedded("Épure", "Légende\nsur deux lignes", ("mer", "nuit"))


def test_a_packet_with_a_dtd_or_broken_xml_gives_nothing() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    assert from_xmp(bomb) == Embedded()
    assert from_xmp(b"<x:xmpmeta><rdf:RDF") == Embedded()
    assert from_iptc(b"\x1c\x02\x05\xff") == Embedded()


def test_the_facts_carry_xmp_values_with_iptc_filling_the_gaps() -> None:
    data = jpeg(grey(), xmp=xmp_packet(title="From XMP"), iptc=iptc_block("From IPTC", "Caption"))
    embedded = process(data).facts.embedded
    assert embedded == {"title": "From XMP", "description": "Caption", "keywords": []}


def test_a_file_without_text_has_no_embedded_entry() -> None:
    assert process(jpeg(grey())).facts.embedded is None
