"""The studio vouches for its browser's address to the API in a signed header.

The API sees every log-in made through the studio coming from the studio's own server; with
the secret the API shares (FLASK_API_VOUCH_SECRET), the studio names the browser's address in
`X-Copper-Client: v1.<address>.<unix seconds>.<signature>`, an HMAC-SHA256 over the version,
address, time, method and path, which the API checks (`service/vouch.py`) before counting
failed log-ins against that address instead of the studio's.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Copper-Client"
VERSION = "v1"


def vouch(secret: bytes, address: str, method: str, path: str, now: float) -> str:
    """Return the header value that vouches for `address` on one call, signed at `now`."""
    issued = int(now)
    message = "\n".join((VERSION, address, str(issued), method.upper(), path))
    digest = hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{VERSION}.{address}.{issued}.{digest}"
