"""Error translation shared by the AWS adapters: the queue, the failure log and task store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

from messaging.queue import QueueError, QueueUnavailable
from storage.aws import UNREACHABLE, error_code, http_status


@contextmanager
def translated(
    service: str, unavailable_codes: frozenset[str], *, server_errors: bool
) -> Iterator[None]:
    """Translate a service's errors into the queue's own; with `server_errors`, 5xx is transient."""
    try:
        yield
    except ClientError as e:
        code, status = error_code(e), http_status(e)
        if code in unavailable_codes or (server_errors and status >= 500):
            raise QueueUnavailable(f"{service} unavailable: {code or status}") from e
        raise QueueError(f"{service} refused the request: {code or status}") from e
    except UNREACHABLE as e:
        raise QueueUnavailable(f"{service} unreachable: {type(e).__name__}") from e
