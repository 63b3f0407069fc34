"""The local upload policy document: encode, sign, verify and decode (S3's POST policy shape).

The form carries `policy` (base64 of a compact JSON object with key, content_type,
min_bytes, max_bytes and expires_at) and `signature` (hex HMAC-SHA256 of that base64 text).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from storage.blobstore import UploadRefused, check_key

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class SignedPolicy:
    """The terms one signed upload form grants."""

    key: str
    content_type: str
    min_bytes: int
    max_bytes: int
    expires_at: str

    def expires_at_epoch(self) -> float:
        """Return `expires_at` as seconds since the epoch."""
        return parse_iso(self.expires_at)


def iso(epoch: float) -> str:
    """Return `epoch` (seconds) as an ISO-8601 UTC timestamp to the second."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime(ISO_FORMAT)


def parse_iso(text: str) -> float:
    """Return the epoch seconds of an ISO timestamp written by `iso`."""
    return datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC).timestamp()


def encode_policy(policy: SignedPolicy) -> str:
    """Return the policy as base64 of compact, key-sorted JSON."""
    document = json.dumps(asdict(policy), sort_keys=True, separators=(",", ":"))
    return base64.b64encode(document.encode("utf-8")).decode("ascii")


def sign(encoded: str, secret: bytes) -> str:
    """Return the hex HMAC-SHA256 of the encoded policy."""
    return hmac.new(secret, encoded.encode("ascii"), hashlib.sha256).hexdigest()


def verify(encoded: str, signature: str, secret: bytes) -> bool:
    """Return whether `signature` signs `encoded`, comparing in constant time."""
    try:
        expected = sign(encoded, secret)
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8"))


def decode_policy(encoded: str) -> SignedPolicy:
    """Return the policy in `encoded`, or refuse it as malformed."""
    try:
        document: Any = json.loads(base64.b64decode(encoded, validate=True))
        policy = SignedPolicy(**document)
        _check_shape(policy)
    except (binascii.Error, ValueError, TypeError) as e:
        raise UploadRefused("malformed", "the upload policy is not readable") from e
    return policy


def _check_shape(policy: SignedPolicy) -> None:
    """Raise ValueError unless every field has its type and the key is safe."""
    if not all(isinstance(v, str) for v in (policy.key, policy.content_type, policy.expires_at)):
        raise ValueError("text fields must be strings")
    if not all(type(v) is int for v in (policy.min_bytes, policy.max_bytes)):
        raise ValueError("size fields must be integers")
    check_key(policy.key)
    parse_iso(policy.expires_at)
