"""The studio's wire to the API: its errors; HTTP with timeouts, GET-only retries, request ids."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import requests
from flask import g, has_app_context
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger("heroku_artist.api")

REQUEST_ID_HEADER = "X-Request-Id"


class ApiError(Exception):
    """The API answered with an error: its status, code, a message for people, and for a
    429 the seconds to wait (its Retry-After)."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


class ApiUnavailable(Exception):
    """The API could not be reached, timed out or said it is busy (502/503/504)."""


class HttpTransport:
    """The backend API over HTTP with a pooled session."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 10.0,
        retries: int = 2,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.2,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HttpTransport:
        """Return the transport the app's settings describe."""
        return cls(
            str(config["API_URL"]),
            timeout=float(config["API_TIMEOUT"]),
            retries=int(config["API_RETRIES"]),
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        timeout: float | None = None,
        data: bytes | None = None,
        content_type: str | None = None,
        raw: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request and return its decoded JSON body (None when empty).

        `data` is sent as the raw body with `content_type`; `raw` returns a success's bytes;
        `headers` are added to the request's own.
        """
        read_timeout = timeout or self.timeout
        headers = {
            **(headers or {}),
            REQUEST_ID_HEADER: request_id(),
            "Accept": "application/json",
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if content_type:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                json=json,
                params=params,
                data=data,
                headers=headers,
                timeout=(min(3.05, read_timeout), read_timeout),
            )
        except requests.RequestException as error:
            log.warning(
                "api %s %s failed: %s request_id=%s",
                method,
                path,
                error,
                headers[REQUEST_ID_HEADER],
            )
            raise ApiUnavailable(str(error)) from error
        elapsed = (time.monotonic() - started) * 1000
        log.info(
            "api %s %s -> %d in %.0f ms request_id=%s",
            method,
            path,
            response.status_code,
            elapsed,
            headers[REQUEST_ID_HEADER],
        )
        if raw and response.status_code < 400:
            return response.content
        return decode(response)


def decode(response: requests.Response) -> Any:
    """Return the JSON body of a success, or raise ApiError / ApiUnavailable."""
    if response.status_code in (502, 503, 504):
        raise ApiUnavailable(f"the API answered {response.status_code}")
    try:
        body = response.json() if response.content else None
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's recursion
        body = None
    if response.status_code >= 400:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        wait = response.headers.get("Retry-After", "")
        raise ApiError(
            response.status_code,
            str(error.get("code", "error")),
            str(error.get("message", "The request failed.")),
            retry_after=int(wait) if wait.isascii() and wait.isdigit() and len(wait) < 9 else None,
        )
    return body


def request_id() -> str:
    """Return the id of the request being served (or a fixed marker outside one)."""
    return g.get("request_id", "studio") if has_app_context() else "studio"
