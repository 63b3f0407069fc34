"""Fixtures of the blob store contract: one `store` per adapter, nothing real in AWS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from storage.blobstore import BlobStore
from storage.local import LocalBlobStore
from storage.s3 import S3BlobStore
from tests.conftest import AWS_REGION

BUCKET = "copper-uploads-test"
REGION = AWS_REGION
SECRET = b"test-upload-secret"
BASE_URL = "http://localhost:5000"
NOW = 1_700_000_000.0


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: float = NOW) -> None:
        """Start at `now` (epoch seconds)."""
        self.now = now

    def __call__(self) -> float:
        """Return the current fake time."""
        return self.now


@pytest.fixture
def s3_client(aws_environment: None) -> Iterator[object]:
    """Yield an S3 client inside moto, with the bucket created."""
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield client


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock standing at NOW."""
    return FakeClock()


@pytest.fixture
def local_store(tmp_path: Path, clock: FakeClock) -> LocalBlobStore:
    """Return a local blob store in an empty directory, on the fake clock."""
    return LocalBlobStore(tmp_path / "blobs", secret=SECRET, base_url=BASE_URL, clock=clock)


@pytest.fixture
def s3_store(s3_client: object) -> S3BlobStore:
    """Return an S3 blob store over the moto bucket."""
    return S3BlobStore(BUCKET, client=s3_client)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> BlobStore:
    """Return each blob store adapter in turn, empty."""
    return request.getfixturevalue(f"{request.param}_store")
