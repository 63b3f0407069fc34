"""Bearer tokens: who is calling (`authenticated`, `principal`) and admins only (`admin_only`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from content.accounts import InvalidToken, Principal
from service.http.context import services
from service.http.errors import ApiError


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
