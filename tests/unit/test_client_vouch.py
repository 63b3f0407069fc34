"""The signed header in which the studio vouches for its browser's address to the API."""

from __future__ import annotations

import pytest

from heroku_artist import vouch as studio
from service.vouch import HEADER, MAX_SKEW, VouchRejected, counted_as, vouch, vouched_address

SECRET = b"k" * 48
NOW = 1_700_000_000.0
LOGIN = ("POST", "/auth/login")


def check(value: str, secret: bytes | None = SECRET, now: float = NOW) -> str:
    """Verify `value` as the API does for a log-in at `now`."""
    return vouched_address(value, secret, *LOGIN, now)


def reason(value: str, secret: bytes | None = SECRET, now: float = NOW) -> str:
    """Return why the API refuses `value`."""
    with pytest.raises(VouchRejected) as refused:
        check(value, secret, now)
    return refused.value.reason


def test_a_header_signed_with_the_shared_secret_vouches_for_its_ipv4_address() -> None:
    assert check(vouch(SECRET, "203.0.113.7", *LOGIN, NOW)) == "203.0.113.7"


def test_an_ipv6_address_is_vouched_for_in_its_normal_spelling() -> None:
    value = vouch(SECRET, "2001:DB8:0:0::1", *LOGIN, NOW)
    assert check(value) == "2001:db8::1"


def test_the_studios_header_is_the_one_the_api_checks() -> None:
    assert studio.HEADER == HEADER
    assert studio.vouch(SECRET, "198.51.100.4", *LOGIN, NOW) == vouch(
        SECRET, "198.51.100.4", *LOGIN, NOW
    )
    assert check(studio.vouch(SECRET, "::1", *LOGIN, NOW)) == "::1"


def test_a_header_signed_with_another_secret_is_refused() -> None:
    assert reason(vouch(b"x" * 48, "203.0.113.7", *LOGIN, NOW)) == "wrong signature"


def test_without_a_secret_of_its_own_the_api_trusts_no_header() -> None:
    assert reason(vouch(SECRET, "203.0.113.7", *LOGIN, NOW), secret=None) != ""


def test_a_header_older_than_the_allowed_skew_is_refused_and_one_just_inside_is_kept() -> None:
    value = vouch(SECRET, "203.0.113.7", *LOGIN, NOW)
    assert check(value, now=NOW + MAX_SKEW) == "203.0.113.7"
    assert reason(value, now=NOW + MAX_SKEW + 1) == "stale or from the future"


def test_a_header_from_the_future_is_refused() -> None:
    value = vouch(SECRET, "203.0.113.7", *LOGIN, NOW + MAX_SKEW + 5)
    assert reason(value) == "stale or from the future"


def test_a_changed_address_breaks_the_signature() -> None:
    value = vouch(SECRET, "203.0.113.7", *LOGIN, NOW)
    assert reason(value.replace("203.0.113.7", "203.0.113.8")) == "wrong signature"


def test_a_header_made_for_another_path_or_method_is_refused() -> None:
    for method, path in (("POST", "/auth/register"), ("GET", "/auth/login")):
        assert reason(vouch(SECRET, "203.0.113.7", method, path, NOW)) == "wrong signature"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "v1",
        "v1.203.0.113.7",
        "v2.203.0.113.7.1700000000.abc",
        "v1.not-an-address.1700000000.abc",
        "v1.203.0.113.7.soon.abc",
        "v1.203.0.113.7.1700000000.",
        "v1..1700000000.abc",
        "v1.203.0.113.7.1700000000." + "a" * 300,
        "v1.203.0.113.7.١٧٠٠٠٠٠٠٠٠.abc",
    ],
)
def test_a_malformed_header_is_refused(value: str) -> None:
    assert reason(value)


def test_a_signature_in_other_characters_is_refused_without_an_error() -> None:
    value = vouch(SECRET, "203.0.113.7", *LOGIN, NOW)
    assert reason(value[:-4] + "éé") == "wrong signature"


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8::9", "2001:db8::/64"),
        ("2001:DB8:0:0:1:2:3:4", "2001:db8::/64"),
        ("2001:db8:0:1::9", "2001:db8:0:1::/64"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        ("unknown", "unknown"),
    ],
)
def test_ipv6_failures_count_by_their_64_and_others_by_the_address(
    address: str, counted: str
) -> None:
    assert counted_as(address) == counted
