"""The Search Service's errors, shared by the port and both adapters."""

from __future__ import annotations

from kernel.errors import CopperError, Invalid, Transient


class SearchError(CopperError):
    """Base class of search errors."""


class SearchUnavailable(SearchError, Transient):
    """The index could not be reached, was busy or throttled us: transient, retry later."""


class DocumentRefused(SearchError):
    """The index answered but refused to store a document (not a throttle): retry, then alert."""


class InvalidQuery(SearchError, Invalid, ValueError):
    """The query cannot be run as given (a malformed cursor, limit, sort or colour)."""
