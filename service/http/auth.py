"""Who is calling: bearer tokens (`authenticated`, `principal`, `admin_only`), and the
attempt limits of log-in and registration (`attempt_limited`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, jsonify, request

from content.accounts import AccountError, InvalidCredentials, InvalidToken, Principal
from content.attempts import AttemptLimits, LoginGuard
from service.http.context import services
from service.http.errors import ApiError
from service.vouch import HEADER, VouchRejected, counted_as, vouched_address

log = logging.getLogger("copper.auth")


def authenticated(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a valid bearer token; the caller is then `g.principal`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "unauthenticated", "Log in to do this.")
        try:
            g.principal = services().accounts.tokens.verify(token.strip())
        except InvalidToken as error:
            raise ApiError(401, "unauthenticated", str(error)) from error
        return view(*args, **kwargs)

    return wrapper


def principal() -> Principal:
    """Return the authenticated caller."""
    found: Principal = g.principal
    return found


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require an admin's token."""

    @wraps(view)
    @authenticated
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not principal().is_admin:
            raise ApiError(403, "forbidden", "Only administrators can do this.")
        return view(*args, **kwargs)

    return wrapper


def login_guard() -> LoginGuard:
    """Return the attempt policy of this app's services, sized from their settings."""
    found = services()
    limits = AttemptLimits(
        account=found.settings.login_account_limit,
        client=found.settings.login_client_limit,
        window=found.settings.login_window,
    )
    return LoginGuard(found.attempts, limits)


def client_address() -> str:
    """Return the caller's address, found once per request: the one a trusted app (the
    studio) vouches for in a signed header, else the socket peer (`sourceIp` on AWS)."""
    if "client_address" not in g:
        g.client_address = vouched_or_peer()
    found: str = g.client_address
    return found


def vouched_or_peer() -> str:
    """Return the vouched address of a valid header, else the peer's (warning of a bad one)."""
    peer = request.remote_addr or "unknown"
    offered = request.headers.get(HEADER)
    if offered is None:
        return peer
    key = services().vouch_key
    try:
        return vouched_address(offered, key, request.method, request.path, time.time())
    except VouchRejected as refused:  # logged without the header: its signature stays out
        log.warning(
            "not trusting the %s header (%s; claimed %s): counting %s %s against %s",
            HEADER,
            refused.reason,
            refused.claimed or "no readable address",
            request.method,
            request.path,
            peer,
        )
        return peer


def submitted_email() -> str | None:
    """Return the e-mail address the JSON body names, if it names one."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return email if isinstance(email, str) else None


def too_many_attempts(wait_seconds: int) -> Response:
    """Return the 429 answer: a plain message and when to try again."""
    minutes = max(1, round(wait_seconds / 60))
    message = (
        "Too many failed attempts. Please wait about "
        f"{minutes} minute{'s' if minutes > 1 else ''} before trying again."
    )
    response = jsonify(error={"code": "too_many_attempts", "message": message})
    response.status_code = 429
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def attempt_limited(*, account: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse a paused caller with 429 before the view runs (no password is checked);
    count the view's refusals against the client, and, when `account`, the e-mail's account.

    A log-in (`account=True`) that succeeds clears its account's count. Registration counts
    against the client only, so nobody can lock another person's account by naming it.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            guard, client = login_guard(), counted_as(client_address())
            email = submitted_email() if account else None
            wait = guard.wait_seconds(email, client)
            if wait:
                return too_many_attempts(wait)
            refused = InvalidCredentials if account else AccountError
            try:
                answer = view(*args, **kwargs)
            except refused:
                guard.failed(email, client)
                raise
            if email is not None:
                guard.succeeded(email)
            return answer

        return wrapper

    return decorate
