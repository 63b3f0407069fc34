"""S3 sequencers are ordered as hex strings right-padded with zeros."""

from __future__ import annotations

import pytest

from content.sequencer import is_newer, sequencer_key

APPLIED = "0055AED6DCD90281E5"


def test_any_sequencer_is_newer_than_none_applied() -> None:
    assert is_newer(APPLIED, None)


def test_a_sequencer_is_not_newer_than_itself() -> None:
    assert not is_newer(APPLIED, APPLIED)


@pytest.mark.parametrize(
    ("candidate", "applied", "newer"),
    [
        pytest.param("0055AED6DCD90281E6", APPLIED, True, id="greater-same-length"),
        pytest.param("0055AED6DCD90281E4", APPLIED, False, id="smaller-same-length"),
        pytest.param(APPLIED + "0", APPLIED, False, id="trailing-zero-is-equal"),
        pytest.param(APPLIED + "000", APPLIED, False, id="trailing-zeros-are-equal"),
        pytest.param(APPLIED, APPLIED + "00", False, id="shorter-equal-once-padded"),
        pytest.param(APPLIED + "01", APPLIED, True, id="longer-with-non-zero-tail"),
        pytest.param(APPLIED, APPLIED + "01", False, id="shorter-is-older"),
        pytest.param("0055AED6DCD90281E6", APPLIED + "FF", True, id="shorter-but-greater"),
        pytest.param(APPLIED.lower(), APPLIED, False, id="case-does-not-matter"),
        pytest.param("0055aed6dcd90281f0", APPLIED, True, id="lower-case-greater"),
    ],
)
def test_sequencers_compare_after_right_padding_with_zeros(
    candidate: str, applied: str, newer: bool
) -> None:
    assert is_newer(candidate, applied) is newer


def test_padding_decides_where_naive_string_order_would_not() -> None:
    candidate = APPLIED + "0"

    assert candidate > APPLIED  # what a naive comparison would believe
    assert not is_newer(candidate, APPLIED)


def test_the_comparable_form_is_upper_case_and_right_padded() -> None:
    assert sequencer_key("00ab", 6) == "00AB00"
    assert sequencer_key("00AB00", 4) == "00AB00"
