"""Security headers: a strict Content-Security-Policy (no inline scripts), HSTS and friends."""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, g

from heroku_web.media import origin

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


# The one style sheet OpenSeadragon (the zoom viewer, static/vendor/openseadragon/) writes as a
# <style> element: no focus outline on touch screens. Allowed by its hash, and only on a page
# that has the viewer (`g.zoom_viewer`); tests/unit/web/test_viewer_vendor.py checks the hash
# against the vendored file.
VIEWER_STYLE = "'sha256-9xTiqzfwFaL2SGb1rmr8gysEwVVjIvqWAgmZgqFqpEE='"


def media_origins() -> list[str]:
    """Return the origins images may come from: configured, and seen in this response."""
    config = current_app.config
    configured = re.split(r"[\s,]+", str(config["MEDIA_ORIGINS"]).strip())
    found = {origin(str(config["MEDIA_BASE_URL"])), *configured, *g.get("media_origins", ())}
    return sorted(o for o in found if o)


def content_security_policy() -> str:
    """Return the page's CSP: scripts only from this site; images also from the media store."""
    images = " ".join(["'self'", "data:", *media_origins()])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # style sheets only from the site (no <style> element but, on a page with the zoom
            # viewer, its one sheet by hash). Style attributes stay
            # allowed: the templates use them only to set a work's aspect ratio and placeholder
            # colour (--ar, --tint; a number and a validated hex colour), which the grid needs
            # without JavaScript
            "style-src 'self'" + (f" {VIEWER_STYLE}" if g.get("zoom_viewer") else ""),
            "style-src-attr 'unsafe-inline'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response: Response) -> Response:
    """Add the security headers to every response."""
    response.headers.update(STATIC_HEADERS)
    response.headers["Content-Security-Policy"] = content_security_policy()
    return response


def install_security_headers(app: Flask) -> None:
    """Send the security headers with every response."""
    app.after_request(add_security_headers)
