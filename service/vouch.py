"""A caller's address vouched for by a trusted app (the artist studio) in a signed header.

The studio calls the API from its own server, so the API sees the studio's address on every
log-in. With a secret shared with the API, the studio sends the browser's address as
`X-Copper-Client: v1.<address>.<unix seconds>.<signature>`, the signature an HMAC-SHA256 over
the version, address, time, method and path. The API trusts the address only when the
signature is right and the time within `MAX_SKEW` seconds of its own clock.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

HEADER = "X-Copper-Client"
VERSION = "v1"
MAX_SKEW = 60  # seconds either side of the API's clock
MAX_LENGTH = 200  # longer than any v1 header (an IPv6 address with a zone, a time, a hash)


class VouchRejected(ValueError):
    """A vouching header that is not to be trusted; `reason` says why (never the signature)."""

    def __init__(self, reason: str, claimed: str = "") -> None:
        super().__init__(reason)
        self.reason, self.claimed = reason, claimed


def signature(secret: bytes, address: str, issued: int, method: str, path: str) -> str:
    """Return the hex HMAC-SHA256 of one vouch: version, address, time, method and path."""
    message = "\n".join((VERSION, address, str(issued), method.upper(), path))
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def vouch(secret: bytes, address: str, method: str, path: str, now: float) -> str:
    """Return the header value that vouches for `address` on one call, signed at `now`."""
    issued = int(now)
    return f"{VERSION}.{address}.{issued}.{signature(secret, address, issued, method, path)}"


def canonical_address(text: str) -> str:
    """Return an IP address in its one normal spelling, or raise ValueError."""
    return ipaddress.ip_address(text).compressed


def counted_as(address: str) -> str:
    """Return the key an address's log-in failures count under: an IPv4 address as it is, an
    IPv6 address by its /64 (one subscriber's network; switching addresses inside it gains
    nothing), anything else (a local socket) as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return parsed.ipv4_mapped.compressed
        return ipaddress.IPv6Network((parsed, 64), strict=False).compressed
    return parsed.compressed


def vouched_address(value: str, secret: bytes | None, method: str, path: str, now: float) -> str:
    """Return the address `value` vouches for, or raise VouchRejected.

    The address is taken between the version's dot and the last two dots, so the dots of an
    IPv4 address need no escaping; an IPv6 address has none.
    """
    if len(value) > MAX_LENGTH:
        raise VouchRejected("too long")
    version, _, rest = value.partition(".")
    rest, _, given = rest.rpartition(".")
    address, _, issued_text = rest.rpartition(".")
    if version != VERSION:
        raise VouchRejected("not a v1 header")
    if not (address and issued_text.isascii() and issued_text.isdigit() and given):
        raise VouchRejected("malformed")
    try:
        canonical = canonical_address(address)
    except ValueError as error:
        raise VouchRejected("not an IP address") from error
    issued = int(issued_text)
    if abs(now - issued) > MAX_SKEW:
        raise VouchRejected("stale or from the future", canonical)
    if not secret:
        raise VouchRejected("this API has no vouching secret", canonical)
    expected = signature(secret, address, issued, method, path)
    if not hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace")):
        raise VouchRejected("wrong signature", canonical)
    return canonical
