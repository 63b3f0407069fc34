"""The S3 adapter turns SDK errors into the blob store's own, by error code, never by text."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber
from moto import mock_aws

from storage.blobstore import BlobNotFound, StorageError, StorageUnavailable, UploadPolicy
from storage.s3 import S3BlobStore

from .conftest import BUCKET

KEY = "originals/A1/W1"


class UnreachableClient:
    """An S3 client whose every call fails to connect."""

    def __init__(self, error: Exception) -> None:
        """Fail every call with `error`."""
        self.error = error

    def __getattr__(self, operation: str) -> object:
        """Return a callable that raises the connection error."""

        def call(**kwargs: object) -> object:
            raise self.error

        return call


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("SlowDown", 503),
        ("ServiceUnavailable", 503),
        ("InternalError", 500),
        ("Throttling", 400),
        ("RequestTimeout", 400),
        ("SomethingNew", 502),
    ],
)
def test_throttling_and_server_errors_are_storage_unavailable(
    s3_client: object, code: str, status: int
) -> None:
    store = S3BlobStore(BUCKET, client=s3_client)
    with Stubber(s3_client) as stub:
        stub.add_client_error("get_object", service_error_code=code, http_status_code=status)

        with pytest.raises(StorageUnavailable):
            store.get(KEY)


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://s3.eu-west-1.amazonaws.com"),
    ],
)
def test_an_unreachable_s3_is_storage_unavailable(error: Exception) -> None:
    store = S3BlobStore(BUCKET, client=UnreachableClient(error))

    with pytest.raises(StorageUnavailable) as raised:
        store.put(KEY, b"x", "image/jpeg")

    assert raised.value.__cause__ is error


def test_a_missing_object_on_head_is_not_found_by_its_404_code(s3_client: object) -> None:
    store = S3BlobStore(BUCKET, client=s3_client)
    with Stubber(s3_client) as stub:
        stub.add_client_error("head_object", service_error_code="404", http_status_code=404)
        stub.add_client_error("get_object", service_error_code="NoSuchKey", http_status_code=404)

        assert not store.exists(KEY)
        with pytest.raises(BlobNotFound):
            store.get(KEY)


def test_a_refusal_such_as_access_denied_is_a_storage_error_not_a_transient_one(
    s3_client: object,
) -> None:
    store = S3BlobStore(BUCKET, client=s3_client)
    with Stubber(s3_client) as stub:
        stub.add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)

        with pytest.raises(StorageError) as raised:
            store.get(KEY)

    assert not isinstance(raised.value, StorageUnavailable | BlobNotFound)


def test_a_missing_bucket_is_a_storage_error(s3_client: object) -> None:
    store = S3BlobStore("no-such-bucket-here", client=s3_client)

    with pytest.raises(StorageError) as raised:
        store.put(KEY, b"x", "image/jpeg")

    assert not isinstance(raised.value, StorageUnavailable)


def test_upload_forms_post_to_the_regional_bucket_address_the_studio_allows(
    aws_environment: None,
) -> None:
    with mock_aws():
        boto3.client("s3").create_bucket(
            Bucket="copper-test-uploads",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        store = S3BlobStore("copper-test-uploads")
        form = store.upload_form(UploadPolicy("originals/a/b/original"), "image/jpeg")
        # the stack's UploadsBucketUrl output: https:// + the bucket's RegionalDomainName
        assert form.url == "https://copper-test-uploads.s3.eu-west-1.amazonaws.com/"
        store.put("originals/a/b/original", b"x", "image/jpeg")
        assert store.get("originals/a/b/original") == b"x"
