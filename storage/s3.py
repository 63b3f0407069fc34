"""The blob store in an S3 bucket: the AWS adapter, with presigned POST upload forms.

`upload_form(policy, content_type)` signs a POST policy whose conditions pin the exact key
(`eq $key`), the exact declared content type (`eq $Content-Type`, checked against the
policy's allowlist when the form is issued, since a POST policy cannot say "one of"), the
size range (`content-length-range`) and an expiry of at most 900 seconds.

The client addresses the bucket on its region's virtual-hosted endpoint
(`https://BUCKET.s3.REGION.amazonaws.com/`): the form's URL is then the stack's
`UploadsBucketUrl`, the origin the studio's Content-Security-Policy lets browsers post to
(boto3's default for presigned POST is the global `BUCKET.s3.amazonaws.com`, which a
browser would be refused, and which answers new buckets outside us-east-1 with redirects).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from storage.aws import UNREACHABLE, error_code, http_status
from storage.blobstore import (
    BlobNotFound,
    StorageError,
    StorageUnavailable,
    UploadForm,
    UploadPolicy,
    check_key,
)
from storage.files import CHUNK_SIZE, write_atomically

NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
UNAVAILABLE_CODES = frozenset(
    {
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "InternalError",
        "RequestTimeout",
        "500",
        "503",
    }
)


def regional_client() -> Any:
    """Return an S3 client on the region's virtual-hosted endpoint (unless one is configured)."""
    session = boto3.session.Session()
    region = session.region_name
    configured = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if region is None or configured:
        return session.client("s3")
    return session.client(
        "s3",
        endpoint_url=f"https://s3.{region}.amazonaws.com",
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )


class S3BlobStore:
    """Objects in one S3 bucket; direct uploads through presigned POST."""

    def __init__(self, bucket: str, *, client: Any = None) -> None:
        """Use `client` (a boto3 S3 client), or make one from the environment."""
        self._bucket = bucket
        self._client = client if client is not None else regional_client()

    def upload_form(self, policy: UploadPolicy, content_type: str) -> UploadForm:
        """Return a presigned POST for one `content_type` file at exactly `policy.key`."""
        declared = policy.declared_type(content_type)
        post = self._call(
            "generate_presigned_post",
            Bucket=self._bucket,
            Key=policy.key,
            Fields={"Content-Type": declared},
            Conditions=[
                ["eq", "$key", policy.key],
                ["eq", "$Content-Type", declared],
                ["content-length-range", policy.min_bytes, policy.max_bytes],
            ],
            ExpiresIn=policy.expires_in,
        )
        fields = {name: str(value) for name, value in post["fields"].items()}
        return UploadForm(url=post["url"], fields=fields, expires_at=_expiration(fields))

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` with its content type, replacing any object there."""
        self._call(
            "put_object",
            Bucket=self._bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
        )

    def get(self, key: str) -> bytes:
        """Return the object's bytes, or raise BlobNotFound."""
        with self.open(key) as body:
            try:
                return body.read()
            except UNREACHABLE as e:
                raise StorageUnavailable(f"reading {key} failed: {type(e).__name__}") from e

    def open(self, key: str) -> BinaryIO:
        """Return the object's streaming body (the caller closes it), or raise BlobNotFound."""
        response = self._call("get_object", Bucket=self._bucket, Key=check_key(key))
        return cast(BinaryIO, response["Body"])

    def download_to(self, key: str, path: Path) -> None:
        """Stream the object to `path` atomically, or raise BlobNotFound."""
        with self.open(key) as body:
            try:
                write_atomically(Path(path), iter(lambda: body.read(CHUNK_SIZE), b""))
            except UNREACHABLE as e:
                raise StorageUnavailable(f"reading {key} failed: {type(e).__name__}") from e

    def delete(self, key: str, version_id: str | None = None) -> None:
        """Remove the object (or just one version of it); deleting a missing key succeeds."""
        versioned = {"VersionId": version_id} if version_id else {}
        self._call("delete_object", Bucket=self._bucket, Key=check_key(key), **versioned)

    def exists(self, key: str) -> bool:
        """Return whether an object is stored under `key`."""
        try:
            self._call("head_object", Bucket=self._bucket, Key=check_key(key))
        except BlobNotFound:
            return False
        return True

    def modified_at(self, key: str) -> float:
        """Return the object's Last-Modified time (epoch seconds), or raise BlobNotFound."""
        head = self._call("head_object", Bucket=self._bucket, Key=check_key(key))
        return float(head["LastModified"].timestamp())

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys that start with `prefix`, in S3's ascending UTF-8 byte order."""
        request: dict[str, Any] = {"Bucket": self._bucket, "Prefix": prefix}
        while True:
            response = self._call("list_objects_v2", **request)
            yield from (item["Key"] for item in response.get("Contents", []))
            if not response.get("IsTruncated"):
                return
            request["ContinuationToken"] = response["NextContinuationToken"]

    def _call(self, operation: str, **kwargs: Any) -> Any:
        """Call the client, translating its errors into the blob store's own."""
        try:
            return getattr(self._client, operation)(**kwargs)
        except ClientError as e:
            _translate(e, kwargs.get("Key", kwargs.get("Bucket", "")))
        except UNREACHABLE as e:
            raise StorageUnavailable(f"S3 unreachable: {type(e).__name__}") from e


def _translate(error: ClientError, subject: str) -> NoReturn:
    """Raise the project error for an S3 error code (and HTTP status)."""
    code, status = error_code(error), http_status(error)
    if code in NOT_FOUND_CODES:
        raise BlobNotFound(f"no object {subject}") from error
    if code in UNAVAILABLE_CODES or status >= 500:
        raise StorageUnavailable(f"S3 unavailable: {code or status}") from error
    raise StorageError(f"S3 refused the request on {subject}: {code or status}") from error


def _expiration(fields: dict[str, str]) -> str:
    """Return the expiry written into the presigned POST's policy document."""
    document = json.loads(base64.b64decode(fields["policy"]))
    return str(document["expiration"]).replace(".000Z", "Z")
