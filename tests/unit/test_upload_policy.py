"""Upload policies: the terms are bounded, keys are safe, and signed documents round-trip."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest

from storage.blobstore import (
    IMAGE_TYPES,
    MAX_EXPIRES_IN,
    InvalidKey,
    UploadPolicy,
    UploadRefused,
    check_key,
)
from storage.signing import SignedPolicy, decode_policy, encode_policy, iso, parse_iso, sign, verify

SECRET = b"unit-secret"
TERMS = SignedPolicy(
    key="originals/A1/W1",
    content_type="image/jpeg",
    min_bytes=1,
    max_bytes=1000,
    expires_at="2023-11-14T22:28:20Z",
)


def test_a_policy_allows_the_pipeline_image_types_by_default() -> None:
    policy = UploadPolicy("originals/A1/W1")

    assert policy.content_types == IMAGE_TYPES
    assert (policy.min_bytes, policy.expires_in) == (1, MAX_EXPIRES_IN)


def test_a_policy_may_live_fifteen_minutes_but_not_a_second_more() -> None:
    UploadPolicy("originals/A1/W1", expires_in=900)

    with pytest.raises(ValueError):
        UploadPolicy("originals/A1/W1", expires_in=901)


@pytest.mark.parametrize("expires_in", [0, -5])
def test_a_policy_that_has_already_expired_is_refused(expires_in: int) -> None:
    with pytest.raises(ValueError):
        UploadPolicy("originals/A1/W1", expires_in=expires_in)


@pytest.mark.parametrize(("low", "high"), [(10, 9), (-1, 10)])
def test_a_policy_with_an_impossible_size_range_is_refused(low: int, high: int) -> None:
    with pytest.raises(ValueError):
        UploadPolicy("originals/A1/W1", min_bytes=low, max_bytes=high)


def test_a_policy_with_no_allowed_type_is_refused() -> None:
    with pytest.raises(ValueError):
        UploadPolicy("originals/A1/W1", content_types=())


def test_a_declared_type_is_normalised_and_checked_against_the_allowlist() -> None:
    policy = UploadPolicy("originals/A1/W1")

    assert policy.declared_type("Image/WebP ") == "image/webp"
    with pytest.raises(UploadRefused) as refused:
        policy.declared_type("text/html")
    assert refused.value.code == "bad_content_type"


@pytest.mark.parametrize(
    "key", ["originals/A1/W1", "renditions/W1/800.webp", "originals/A1/my work (1).jpg"]
)
def test_ordinary_keys_are_safe(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/abs/path",
        "../escape",
        "originals/../../escape",
        "originals/..",
        "originals/./x",
        "originals//x",
        "originals/x/",
        "originals\\x",
        "originals/x\x00.jpg",
        "originals/x\n.jpg",
        "originals/.hidden",
        "o/" + "x" * 1024,
    ],
)
def test_keys_that_could_escape_or_hide_are_refused(key: str) -> None:
    with pytest.raises(InvalidKey):
        check_key(key)


def test_an_encoded_policy_is_base64_json_that_decodes_to_the_same_terms() -> None:
    encoded = encode_policy(TERMS)

    assert json.loads(base64.b64decode(encoded))["key"] == "originals/A1/W1"
    assert decode_policy(encoded) == TERMS


def test_a_signature_verifies_only_with_its_secret_and_its_policy() -> None:
    encoded = encode_policy(TERMS)
    signature = sign(encoded, SECRET)

    assert len(signature) == 64
    assert verify(encoded, signature, SECRET)
    assert not verify(encoded, signature, b"other-secret")
    assert not verify(encode_policy(replace(TERMS, max_bytes=10**9)), signature, SECRET)
    assert not verify(encoded, signature.upper(), SECRET)
    assert not verify(encoded, "é" * 64, SECRET)


@pytest.mark.parametrize(
    "encoded",
    [
        "not base64!",
        base64.b64encode(b"not json").decode(),
        base64.b64encode(b"[1, 2]").decode(),
        base64.b64encode(json.dumps({"key": "originals/A1/W1"}).encode()).decode(),
        encode_policy(replace(TERMS, key="../etc/passwd")),
        encode_policy(replace(TERMS, max_bytes="1000")),  # type: ignore[arg-type]
        encode_policy(replace(TERMS, expires_at="tomorrow")),
    ],
)
def test_an_unreadable_policy_document_is_malformed(encoded: str) -> None:
    with pytest.raises(UploadRefused) as refused:
        decode_policy(encoded)

    assert refused.value.code == "malformed"


def test_expiry_times_are_written_to_the_second_in_utc_and_read_back() -> None:
    assert iso(1_700_000_000.7) == "2023-11-14T22:13:20Z"
    assert parse_iso("2023-11-14T22:13:20Z") == 1_700_000_000
