"""botocore plumbing for the AWS adapters: what a failed call says, and unreachable endpoints."""

from __future__ import annotations

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

# Raised when no response came back at all: the endpoint is down or the network is.
UNREACHABLE = (BotoConnectionError, HTTPClientError)


def error_code(error: ClientError) -> str:
    """Return the service's error code of a failed call ("" if the response has none)."""
    return error.response.get("Error", {}).get("Code", "")


def http_status(error: ClientError) -> int:
    """Return the HTTP status of a failed call (0 if unknown)."""
    return error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
