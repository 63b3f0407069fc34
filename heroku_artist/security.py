"""Security headers, the content security policy and the request id of every response."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def origin_of(url: str) -> str | None:
    """Return the scheme://host[:port] of an absolute URL, or None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def origins(*values: object) -> list[str]:
    """Return the distinct origins named by URLs or comma-separated lists of URLs."""
    found: list[str] = []
    for value in values:
        items = value if isinstance(value, list | tuple) else str(value or "").split(",")
        for item in items:
            origin = origin_of(str(item))
            if origin and origin not in found:
                found.append(origin)
    return found


def content_security_policy(app: Flask) -> str:
    """Return the CSP: scripts and styles from the studio only; uploads and media allowed."""
    config = app.config
    uploads = origins(config["API_PUBLIC_URL"] or config["API_URL"], config["UPLOAD_ORIGINS"])
    media = origins(config["MEDIA_BASE_URL"] or config["API_PUBLIC_URL"] or config["API_URL"])
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *media],
        "connect-src": ["'self'", *uploads],
        "form-action": ["'self'", *uploads],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def assign_request_id() -> None:
    """Adopt the caller's request id (a router's or proxy's) or make a new one."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if REQUEST_ID_PATTERN.match(offered) else uuid.uuid4().hex


def add_security_headers(response: Response) -> Response:
    """Add the security headers and the request id to every response."""
    headers = response.headers
    headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    headers["Content-Security-Policy"] = current_app.extensions["studio_csp"]
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if response.mimetype in ("text/html", "application/json"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    """Install the request id and the security headers on `app`."""
    app.extensions["studio_csp"] = content_security_policy(app)
    app.before_request(assign_request_id)
    app.after_request(add_security_headers)
