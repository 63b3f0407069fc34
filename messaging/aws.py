"""Error translation shared by the AWS adapters: the queue, the failure log and task store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

from messaging.queue import OperationUnsupported, QueueError, QueueUnavailable
from storage.aws import UNREACHABLE, error_code, http_status

# What a service (or an emulator) answers for an action it does not offer.
UNSUPPORTED_CODES = frozenset(
    {
        "InvalidAction",
        "UnknownOperationException",
        "UnsupportedOperation",
        "NotImplemented",
        "NotImplementedException",
    }
)
NOT_IMPLEMENTED_STATUS = 501
# moto's in-process wording for an action it lacks: "The start_message_move_task action ..."
MOTO_ACTION = re.compile(r"The (\w+) action has not been implemented")


@contextmanager
def translated(
    service: str,
    unavailable_codes: frozenset[str],
    *,
    server_errors: bool,
    operation: str = "",
    hint: str = "",
) -> Iterator[None]:
    """Translate a service's errors into the queue's own; with `server_errors`, 5xx is transient.

    An action the endpoint does not offer is OperationUnsupported, naming it (`operation`
    names it when the error does not), with `hint` saying what to do instead.
    """
    try:
        yield
    except ClientError as e:
        code, status = error_code(e), http_status(e)
        if code in UNSUPPORTED_CODES or status == NOT_IMPLEMENTED_STATUS:
            raise OperationUnsupported(service, e.operation_name or operation, hint) from e
        if code in unavailable_codes or (server_errors and status >= 500):
            raise QueueUnavailable(f"{service} unavailable: {code or status}") from e
        raise QueueError(f"{service} refused the request: {code or status}") from e
    except NotImplementedError as e:  # moto, in-process
        raise OperationUnsupported(service, operation or action_of(e), hint) from e
    except UNREACHABLE as e:
        raise QueueUnavailable(f"{service} unreachable: {type(e).__name__}") from e


def action_of(error: NotImplementedError) -> str:
    """Return the API name of the action moto says it lacks ("" if it does not say)."""
    found = MOTO_ACTION.search(str(error))
    if not found:
        return "an operation"
    return "".join(part.title() for part in found[1].split("_"))
