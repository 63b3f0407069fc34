"""The artist's credit is the only metadata written, and it is sanitised."""

from pipeline.metadata import MAX_CREDIT_LENGTH, clean_text, credit_xmp


def test_credit_xmp_escapes_markup_from_the_artist() -> None:
    packet = credit_xmp('© 2026 <script>"x"</script> & co', None)
    assert packet is not None
    assert b"<script>" not in packet
    assert b"&lt;script&gt;" in packet
    assert b"&amp; co" in packet


def test_no_packet_is_written_without_a_credit() -> None:
    assert credit_xmp(None, "   ") is None


def test_control_characters_are_removed_and_length_is_bounded() -> None:
    assert clean_text("a\x00b\nc") == "abc"
    assert len(clean_text("x" * 1000) or "") == MAX_CREDIT_LENGTH
