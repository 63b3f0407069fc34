"""One contract for every blob store adapter: same results, same order, same errors."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.blobstore import (
    BlobNotFound,
    BlobStore,
    InvalidKey,
    UploadForm,
    UploadPolicy,
    UploadRefused,
)
from storage.local import LocalBlobStore
from storage.signing import decode_policy

from .conftest import BUCKET, NOW

KEY = "originals/01HARTIST/01HWORK"


@dataclass(frozen=True)
class Terms:
    """What a signed upload form allows, read back from its policy document."""

    key: str
    content_type: str
    min_bytes: int
    max_bytes: int
    expires_at: float


def terms_of(store: BlobStore, form: UploadForm) -> Terms:
    """Decode the form's policy document, whichever adapter issued it."""
    if isinstance(store, LocalBlobStore):
        local = decode_policy(form.fields["policy"])
        return Terms(
            local.key,
            local.content_type,
            local.min_bytes,
            local.max_bytes,
            local.expires_at_epoch(),
        )
    document = json.loads(base64.b64decode(form.fields["policy"]))
    conditions = document["conditions"]
    rules = [c for c in conditions if isinstance(c, list)]
    eq = {rule[1]: rule[2] for rule in rules if rule[0] == "eq"}
    (size_range,) = [rule for rule in rules if rule[0] == "content-length-range"]
    assert {"bucket": BUCKET} in conditions
    return Terms(
        key=eq["$key"],
        content_type=eq["$Content-Type"],
        min_bytes=size_range[1],
        max_bytes=size_range[2],
        expires_at=_epoch(document["expiration"]),
    )


def issued_at(store: BlobStore) -> float:
    """Return the time the store signs forms at: the fake clock locally, real time on S3."""
    return NOW if isinstance(store, LocalBlobStore) else time.time()


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp()


# objects


def test_a_stored_object_reads_back_byte_for_byte(store: BlobStore) -> None:
    store.put(KEY, b"\xff\xd8 jpeg bytes", "image/jpeg")

    assert store.get(KEY) == b"\xff\xd8 jpeg bytes"


def test_putting_again_replaces_the_object(store: BlobStore) -> None:
    store.put(KEY, b"first", "image/jpeg")
    store.put(KEY, b"second", "image/jpeg")

    assert store.get(KEY) == b"second"


def test_an_object_streams_through_open_and_downloads_to_a_file(
    store: BlobStore, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 64
    store.put(KEY, data, "image/png")

    with store.open(KEY) as stream:
        assert stream.read() == data
    store.download_to(KEY, tmp_path / "out" / "copy.png")

    assert (tmp_path / "out" / "copy.png").read_bytes() == data


def test_a_missing_object_is_blob_not_found_for_get_open_and_download(
    store: BlobStore, tmp_path: Path
) -> None:
    with pytest.raises(BlobNotFound):
        store.get(KEY)
    with pytest.raises(BlobNotFound):
        store.open(KEY)
    with pytest.raises(BlobNotFound):
        store.download_to(KEY, tmp_path / "never.jpg")
    assert not (tmp_path / "never.jpg").exists()


def test_a_key_prefix_of_a_stored_key_is_not_an_object(store: BlobStore) -> None:
    store.put(KEY, b"x", "image/jpeg")

    assert not store.exists("originals/01HARTIST")
    with pytest.raises(BlobNotFound):
        store.get("originals/01HARTIST")


def test_exists_tells_stored_from_missing_keys(store: BlobStore) -> None:
    store.put(KEY, b"x", "image/jpeg")

    assert store.exists(KEY)
    assert not store.exists("originals/01HARTIST/OTHER")


def test_modified_at_tells_when_an_object_was_last_written(store: BlobStore) -> None:
    before = time.time()
    store.put(KEY, b"x", "image/jpeg")

    written = store.modified_at(KEY)

    assert before - 2 <= written <= time.time() + 2  # S3 keeps whole seconds
    with pytest.raises(BlobNotFound):
        store.modified_at("originals/01HARTIST/OTHER")
    with pytest.raises(BlobNotFound):
        store.modified_at("originals/01HARTIST")  # a prefix of a key is no object


def test_delete_removes_the_object_and_is_idempotent(store: BlobStore) -> None:
    store.put(KEY, b"x", "image/jpeg")

    store.delete(KEY)
    store.delete(KEY)
    store.delete("renditions/never/stored.webp")

    assert not store.exists(KEY)
    with pytest.raises(BlobNotFound):
        store.get(KEY)


def test_list_yields_the_keys_under_a_prefix_in_byte_order(store: BlobStore) -> None:
    keys = [
        "renditions/W1/800.webp",
        "originals/A2/W9",
        "originals/A1/W2",
        "originals/A1/W10",
        "originals/A10/W1",
    ]
    for key in keys:
        store.put(key, b"x", "image/webp")

    assert list(store.list("originals/A1")) == [
        "originals/A1/W10",
        "originals/A1/W2",
        "originals/A10/W1",
    ]
    assert list(store.list("originals/A1/")) == ["originals/A1/W10", "originals/A1/W2"]
    assert list(store.list()) == sorted(keys)
    assert list(store.list("thumbnails/")) == []


@pytest.mark.parametrize(
    "key",
    [
        "originals/../../etc/passwd",
        "/etc/passwd",
        "originals\\..\\secret",
        "originals/a\x00b",
        "originals//double",
        "originals/./here",
        "",
    ],
)
def test_an_unsafe_key_is_refused_before_any_io(store: BlobStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put(key, b"x", "image/jpeg")
    with pytest.raises(InvalidKey):
        store.get(key)
    with pytest.raises(InvalidKey):
        store.delete(key)


# upload forms


def test_an_upload_form_grants_exactly_one_key_type_size_range_and_lifetime(
    store: BlobStore,
) -> None:
    policy = UploadPolicy(KEY, min_bytes=10, max_bytes=5_000_000, expires_in=600)

    form = store.upload_form(policy, "image/png")
    terms = terms_of(store, form)

    assert form.fields["key"] == KEY
    assert form.fields["Content-Type"] == "image/png"
    assert "file" not in form.fields
    assert terms == Terms(KEY, "image/png", 10, 5_000_000, terms.expires_at)
    assert 595 <= terms.expires_at - issued_at(store) <= 601
    assert _epoch(form.expires_at) == terms.expires_at


def test_the_declared_type_is_normalised_before_it_is_pinned(store: BlobStore) -> None:
    form = store.upload_form(UploadPolicy(KEY), " Image/JPEG ")

    assert terms_of(store, form).content_type == "image/jpeg"


def test_an_upload_form_for_a_type_outside_the_allowlist_is_refused(store: BlobStore) -> None:
    policy = UploadPolicy(KEY, content_types=("image/jpeg", "image/png"))

    with pytest.raises(UploadRefused) as refused:
        store.upload_form(policy, "image/svg+xml")

    assert refused.value.code == "bad_content_type"
