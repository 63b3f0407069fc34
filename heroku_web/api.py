"""The gallery's wire to the API: its errors; HTTP with timeouts, GET retries, a short cache."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import requests
from flask import g, has_request_context
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from heroku_web.observability import REQUEST_ID_HEADER

log = logging.getLogger("heroku_web.api")

Params = Iterable[tuple[str, Any]] | dict[str, Any] | None
RETRIED_STATUSES = (502, 503, 504)


class ApiError(Exception):
    """The API answered with an error, or could not be reached."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ApiNotFound(ApiError):
    """The API has no such record (or it is not public)."""


class ApiRejected(ApiError):
    """The API refused the request's parameters (400 or 422)."""


class ApiUnavailable(ApiError):
    """The API is down, slow or failing: show a friendly page, never a stack trace."""


def encoded(params: Params) -> str:
    """Return the query string of `params` (lists repeat; None and '' are dropped)."""
    pairs: list[tuple[str, str]] = []
    items = params.items() if isinstance(params, dict) else (params or ())
    for name, value in items:
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(name, str(v)) for v in values if v is not None and v != ""]
    return urlencode(pairs)


class TtlCache:
    """A small thread-safe LRU of JSON answers, fresh for `ttl` s and usable stale for `stale`."""

    def __init__(self, ttl: float, stale: float, size: int) -> None:
        self.ttl, self.stale, self.size = ttl, stale, size
        self.entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, *, allow_stale: bool = False) -> Any | None:
        """Return a fresh entry (or a stale one when allowed), else None."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            age = time.monotonic() - entry[0]
            if age <= self.ttl or (allow_stale and age <= self.ttl + self.stale):
                self.entries.move_to_end(key)
                return entry[1]
            return None

    def put(self, key: str, value: Any) -> None:
        """Store an answer, evicting the least recently used beyond `size`."""
        if self.ttl <= 0:
            return
        with self.lock:
            self.entries[key] = (time.monotonic(), value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self.lock:
            self.entries.clear()


class HttpTransport:
    """The backend API over HTTP: a pooled session, GET-only retries and a short cache."""

    def __init__(
        self,
        base_url: str,
        timeout: tuple[float, float] = (2.0, 4.0),
        retries: int = 2,
        cache: TtlCache | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=0,  # a slow answer does not get faster by asking again
            status=retries,
            other=0,
            allowed_methods=frozenset({"GET", "HEAD"}),
            status_forcelist=RETRIED_STATUSES,
            backoff_factor=0.1,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.cache = cache or TtlCache(0, 0, 1)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HttpTransport:
        """Return the transport the app's settings describe."""
        return cls(
            str(config["API_URL"]),
            timeout=(float(config["API_CONNECT_TIMEOUT"]), float(config["API_READ_TIMEOUT"])),
            retries=int(config["API_RETRIES"]),
            cache=TtlCache(
                float(config["API_CACHE_SECONDS"]),
                float(config["API_STALE_SECONDS"]),
                int(config["API_CACHE_ENTRIES"]),
            ),
        )

    def get_json(self, path: str, params: Params = None) -> Any:
        """Return the JSON answer to GET `path`: cached when fresh, stale while the API is down."""
        query = encoded(params)
        key = f"{path}?{query}" if query else path
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            value = self.fetch(key)
        except ApiUnavailable:
            stale = self.cache.get(key, allow_stale=True)
            if stale is None:
                raise
            log.warning("api unavailable; serving a stale answer for %s", key)
            return stale
        self.cache.put(key, value)
        return value

    def fetch(self, path_and_query: str) -> Any:
        """GET one resource from the API, mapping failures to the client's errors."""
        started = time.perf_counter()
        request_id = g.get("request_id", "") if has_request_context() else ""
        headers = {"Accept": "application/json", REQUEST_ID_HEADER: request_id}
        try:
            response = self.session.get(
                self.base_url + path_and_query, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as error:
            log.warning(
                "api request failed",
                extra={"path": path_and_query, "error": type(error).__name__},
            )
            message = "The gallery's API is not answering."
            raise ApiUnavailable(503, "unreachable", message) from error
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        log.info(
            "api GET %s %s",
            path_and_query,
            response.status_code,
            extra={"path": path_and_query, "status": response.status_code, "ms": elapsed_ms},
        )
        return answer(response)


def answer(response: requests.Response) -> Any:
    """Return the response's JSON, or raise the error it describes."""
    status = response.status_code
    try:
        body = response.json()
    except (ValueError, RecursionError) as error:  # not JSON, or nested past the parser's limit
        message = "The API answered something unexpected."
        raise ApiUnavailable(502, "bad_gateway", message) from error
    if status < 400:
        return body
    detail = body.get("error", {}) if isinstance(body, dict) else {}
    code, message = str(detail.get("code", "error")), str(detail.get("message", ""))
    if status == 404:
        raise ApiNotFound(status, code, message)
    if status in (400, 422):
        raise ApiRejected(status, code, message)
    raise ApiUnavailable(status, code, message)
