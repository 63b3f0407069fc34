"""The local upload endpoint enforces a signed form exactly as S3 enforces a POST policy."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.http.uploads import upload_blueprint
from storage.blobstore import UploadPolicy, UploadRefused
from storage.local import FORMS_DIR, LocalBlobStore, StoredUpload
from storage.signing import decode_policy, encode_policy, sign
from storage.used_forms import FORM_USED_MESSAGE
from testkit.multipart import CONTENT_TYPE, Part, file_part, multipart_body, text_parts

from .conftest import BASE_URL, SECRET, FakeClock

KEY = "originals/01HARTIST/01HWORK"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


class Recorder:
    """Records every `on_stored(key, size)` call."""

    def __init__(self) -> None:
        """Start with no calls."""
        self.calls: list[tuple[str, int]] = []

    def __call__(self, key: str, size: int) -> None:
        """Record one stored upload."""
        self.calls.append((key, size))


class EndlessStream(io.RawIOBase):
    """A body that never ends; counts how much was read from it."""

    def __init__(self) -> None:
        """Start with nothing read."""
        self.read_so_far = 0

    def readable(self) -> bool:
        """Say that it can be read."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Fill `buffer` with x's."""
        buffer[:] = b"x" * len(buffer)
        self.read_so_far += len(buffer)
        return len(buffer)


class UnreachableAccept(LocalBlobStore):
    """A store that fails the test if an upload ever reaches `accept_upload`."""

    def accept_upload(self, *args: object, **kwargs: object) -> StoredUpload:
        """Fail: the request should have been refused before its body was parsed."""
        raise AssertionError("the request body was parsed")


@pytest.fixture
def on_stored() -> Recorder:
    """Return a recorder for the `on_stored` hook."""
    return Recorder()


@pytest.fixture
def client(local_store: LocalBlobStore, on_stored: Recorder) -> FlaskClient:
    """Return a test client of an app serving only the upload blueprint."""
    app = Flask(__name__)
    app.register_blueprint(upload_blueprint(lambda: local_store, on_stored))
    return app.test_client()


def form_for(store: LocalBlobStore, **policy: object) -> dict[str, str]:
    """Return the fields of a JPEG upload form for KEY (policy overrides allowed)."""
    terms = {"max_bytes": 1000, **policy}
    return store.upload_form(UploadPolicy(KEY, **terms), "image/jpeg").fields  # type: ignore[arg-type]


def post(client: FlaskClient, fields: dict[str, str], body: bytes = JPEG) -> TestResponse:
    """POST the fields, then the file last, as a browser would."""
    data: dict[str, object] = {**fields, "file": (io.BytesIO(body), "work.jpg", "image/jpeg")}
    return client.post("/uploads", data=data, content_type="multipart/form-data")


def error_code(response: TestResponse) -> str:
    """Return the code of a JSON error response."""
    return response.get_json()["error"]["code"]


def stored_files(store: LocalBlobStore) -> list[Path]:
    """Return every file under the store's root, temporary ones included (form markers not)."""
    if not store.root.exists():
        return []
    markers = store.root / FORMS_DIR
    return sorted(p for p in store.root.rglob("*") if p.is_file() and markers not in p.parents)


def test_a_valid_upload_is_stored_and_announced(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    form = local_store.upload_form(UploadPolicy(KEY, max_bytes=1000), "image/jpeg")
    assert form.url == f"{BASE_URL}/uploads"

    response = post(client, form.fields)

    assert response.status_code == 204
    assert response.data == b""
    assert local_store.get(KEY) == JPEG
    assert on_stored.calls == [(KEY, len(JPEG))]
    assert stored_files(local_store) == [local_store.root / KEY]


def test_a_file_of_exactly_the_largest_size_is_accepted(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    response = post(client, form_for(local_store, max_bytes=len(JPEG)))

    assert response.status_code == 204


def test_a_tampered_signature_is_refused_as_bad_signature(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    fields = form_for(local_store)
    fields["signature"] = sign(fields["policy"], b"someone else's secret")

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "bad_signature")
    assert on_stored.calls == []
    assert stored_files(local_store) == []


def test_a_policy_rewritten_to_allow_more_fails_its_signature(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = form_for(local_store, max_bytes=10)
    terms = decode_policy(fields["policy"])
    fields["policy"] = encode_policy(replace(terms, max_bytes=10**9))

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "bad_signature")


def test_an_expired_form_is_refused_as_expired(
    client: FlaskClient, local_store: LocalBlobStore, clock: FakeClock
) -> None:
    fields = form_for(local_store, expires_in=60)
    clock.now += 60

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "expired")
    assert stored_files(local_store) == []


def test_a_form_used_just_before_it_expires_is_accepted(
    client: FlaskClient, local_store: LocalBlobStore, clock: FakeClock
) -> None:
    fields = form_for(local_store, expires_in=60)
    clock.now += 59

    assert post(client, fields).status_code == 204


def test_a_different_key_in_the_form_is_refused_as_wrong_key(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = {**form_for(local_store), "key": "originals/01HARTIST/SOMEONE-ELSES"}

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "wrong_key")
    assert stored_files(local_store) == []


@pytest.mark.parametrize("key", ["originals/../../../etc/passwd", "/etc/passwd", "..\\..\\x"])
def test_a_path_traversal_key_is_refused_and_nothing_is_written(
    client: FlaskClient, local_store: LocalBlobStore, tmp_path: Path, key: str
) -> None:
    fields = {**form_for(local_store), "key": key}

    response = post(client, fields)

    assert response.status_code == 403
    assert error_code(response) == "wrong_key"
    assert stored_files(local_store) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_path_traversal_key_cannot_even_be_put_into_a_policy() -> None:
    with pytest.raises(ValueError):
        UploadPolicy("originals/../../etc/passwd")


def test_a_different_content_type_is_refused_as_bad_content_type(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = {**form_for(local_store), "Content-Type": "image/png"}

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "bad_content_type")


def test_a_file_one_byte_too_large_is_refused_and_leaves_nothing_behind(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    response = post(client, form_for(local_store, max_bytes=len(JPEG) - 1))

    assert (response.status_code, error_code(response)) == (413, "too_large")
    assert on_stored.calls == []
    assert stored_files(local_store) == []


def test_a_refused_upload_leaves_the_object_already_there_untouched(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    local_store.put(KEY, b"the earlier original", "image/jpeg")

    response = post(client, form_for(local_store, max_bytes=10))

    assert response.status_code == 413
    assert local_store.get(KEY) == b"the earlier original"


def test_a_body_beyond_what_the_store_takes_is_refused_before_it_is_parsed(
    tmp_path: Path, on_stored: Recorder
) -> None:
    store = UnreachableAccept(
        tmp_path / "blobs", secret=SECRET, base_url=BASE_URL, max_upload_bytes=100
    )
    app = Flask(__name__)
    app.register_blueprint(upload_blueprint(lambda: store, on_stored))
    fields = store.upload_form(UploadPolicy(KEY, max_bytes=100), "image/jpeg").fields

    response = post(app.test_client(), fields, b"x" * (store.max_request_bytes + 1))

    assert (response.status_code, error_code(response)) == (413, "too_large")
    assert stored_files(store) == []


def test_an_endless_body_is_cut_off_just_past_the_largest_size(local_store: LocalBlobStore) -> None:
    fields = form_for(local_store, max_bytes=5000)
    body = EndlessStream()

    with pytest.raises(UploadRefused) as refused:
        local_store.accept_upload(fields, io.BufferedReader(body, 1024), None)

    assert refused.value.code == "too_large"
    assert body.read_so_far <= 5000 + 1 + 1024
    assert stored_files(local_store) == []


def test_a_declared_length_out_of_range_is_refused_without_reading(
    local_store: LocalBlobStore,
) -> None:
    body = EndlessStream()

    with pytest.raises(UploadRefused) as refused:
        local_store.accept_upload(form_for(local_store, max_bytes=10), body, 11)  # type: ignore[arg-type]

    assert refused.value.code == "too_large"
    assert body.read_so_far == 0


def test_an_empty_file_is_refused_as_too_small(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    response = post(client, form_for(local_store), b"")

    assert (response.status_code, error_code(response)) == (400, "too_small")
    assert on_stored.calls == []
    assert stored_files(local_store) == []


@pytest.mark.parametrize("missing", ["key", "Content-Type", "policy", "signature"])
def test_a_form_missing_a_field_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore, missing: str
) -> None:
    fields = form_for(local_store)
    del fields[missing]

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (400, "malformed")


def test_a_form_without_a_file_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    response = client.post(
        "/uploads", data=form_for(local_store), content_type="multipart/form-data"
    )

    assert (response.status_code, error_code(response)) == (400, "malformed")


def test_a_form_with_fields_the_policy_does_not_name_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = {**form_for(local_store), "acl": "public-read"}

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (400, "malformed")


def test_a_form_with_fields_s3_ignores_is_accepted(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = {**form_for(local_store), "x-ignore-note": "hello"}

    assert post(client, fields).status_code == 204


def test_an_unreadable_policy_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    policy = "not base64 at all!"
    fields = {**form_for(local_store), "policy": policy, "signature": sign(policy, SECRET)}

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (400, "malformed")


def test_a_body_that_is_not_multipart_is_malformed(client: FlaskClient) -> None:
    response = client.post("/uploads", json={"key": KEY})

    assert (response.status_code, error_code(response)) == (400, "malformed")


def post_raw(client: FlaskClient, parts: list[Part], *, closed: bool = True) -> TestResponse:
    """POST a multipart body of exactly these parts, in this order."""
    body = multipart_body(parts, closed=closed)
    return client.post("/uploads", data=body, content_type=CONTENT_TYPE)


def test_a_form_posted_a_second_time_is_refused_and_the_first_upload_stays(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    fields = form_for(local_store)
    assert post(client, fields).status_code == 204

    response = post(client, fields, b"\xff\xd8\xff\xe0 a different picture")

    assert (response.status_code, error_code(response)) == (403, "form_used")
    assert response.get_json()["error"]["message"] == FORM_USED_MESSAGE
    assert local_store.get(KEY) == JPEG
    assert on_stored.calls == [(KEY, len(JPEG))]


def test_a_used_form_stays_used_after_its_object_is_deleted(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = form_for(local_store)
    assert post(client, fields).status_code == 204
    local_store.delete(KEY)

    response = post(client, fields)

    assert (response.status_code, error_code(response)) == (403, "form_used")
    assert not local_store.exists(KEY)


def test_a_used_form_stays_used_for_a_store_opened_again_on_the_same_directory(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder, clock: FakeClock
) -> None:
    fields = form_for(local_store)
    assert post(client, fields).status_code == 204
    reopened = LocalBlobStore(local_store.root, secret=SECRET, base_url=BASE_URL, clock=clock)
    app = Flask(__name__)
    app.register_blueprint(upload_blueprint(lambda: reopened, on_stored))

    response = post(app.test_client(), fields)

    assert (response.status_code, error_code(response)) == (403, "form_used")


def test_a_refused_post_does_not_use_the_form_up(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = form_for(local_store, max_bytes=len(JPEG))
    assert post(client, fields, JPEG + b"!").status_code == 413

    assert post(client, fields).status_code == 204


def test_a_used_form_is_forgotten_once_it_has_expired(
    client: FlaskClient, local_store: LocalBlobStore, clock: FakeClock
) -> None:
    first = form_for(local_store, expires_in=60)
    assert post(client, first).status_code == 204
    clock.now += 60

    assert error_code(post(client, first)) == "expired"
    assert post(client, form_for(local_store)).status_code == 204
    markers = list((local_store.root / FORMS_DIR).iterdir())
    assert len(markers) == 1


def test_a_new_form_for_the_same_key_is_accepted(
    client: FlaskClient, local_store: LocalBlobStore, clock: FakeClock
) -> None:
    assert post(client, form_for(local_store)).status_code == 204
    clock.now += 1

    assert post(client, form_for(local_store), b"\xff\xd8 the second original").status_code == 204


def test_a_body_with_two_file_parts_is_malformed_and_nothing_is_stored(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    parts = [*text_parts(form_for(local_store)), file_part(JPEG), file_part(b"\xff\xd8 other")]

    response = post_raw(client, parts)

    assert (response.status_code, error_code(response)) == (400, "malformed")
    assert on_stored.calls == []
    assert stored_files(local_store) == []


def test_a_file_part_not_named_file_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    parts = [*text_parts(form_for(local_store)), file_part(JPEG), file_part(JPEG, name="extra")]

    response = post_raw(client, parts)

    assert (response.status_code, error_code(response)) == (400, "malformed")
    assert stored_files(local_store) == []


def test_a_field_after_the_file_is_malformed_and_nothing_is_stored(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = form_for(local_store)
    signature = fields.pop("signature")
    parts = [*text_parts(fields), file_part(JPEG), Part("signature", signature.encode())]

    response = post_raw(client, parts)

    assert (response.status_code, error_code(response)) == (400, "malformed")
    assert stored_files(local_store) == []


def test_a_field_sent_twice_in_another_case_is_malformed(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    fields = form_for(local_store)
    parts = [*text_parts(fields), Part("KEY", fields["key"].encode()), file_part(JPEG)]

    response = post_raw(client, parts)

    assert (response.status_code, error_code(response)) == (400, "malformed")


def test_an_empty_file_is_refused_even_when_the_policy_allows_zero_bytes(
    client: FlaskClient, local_store: LocalBlobStore, on_stored: Recorder
) -> None:
    response = post(client, form_for(local_store, min_bytes=0), b"")

    assert (response.status_code, error_code(response)) == (400, "too_small")
    assert on_stored.calls == []
    assert stored_files(local_store) == []


def test_a_body_cut_off_inside_the_file_is_malformed_and_nothing_is_stored(
    client: FlaskClient, local_store: LocalBlobStore
) -> None:
    parts = [*text_parts(form_for(local_store)), file_part(JPEG)]

    response = post_raw(client, parts, closed=False)

    assert (response.status_code, error_code(response)) == (400, "malformed")
    assert stored_files(local_store) == []
