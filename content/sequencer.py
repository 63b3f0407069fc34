"""Order S3 events for one key by their `sequencer`, as S3 specifies."""

from __future__ import annotations


def sequencer_key(sequencer: str, width: int) -> str:
    """Return a comparable form: upper-case hex, right-padded with zeros to `width`."""
    return sequencer.upper().ljust(width, "0")


def is_newer(candidate: str, applied: str | None) -> bool:
    """Return whether `candidate` is later than the last applied sequencer for the same key.

    S3: compare the hexadecimal strings after right-padding the shorter with zeros.
    """
    if applied is None:
        return True
    width = max(len(candidate), len(applied))
    return sequencer_key(candidate, width) > sequencer_key(applied, width)
