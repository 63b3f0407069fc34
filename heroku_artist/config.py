"""The studio's settings: defaults here, overridden by FLASK_* config vars (Heroku)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Where the studio's server reaches the backend API.
    "API_URL": "http://127.0.0.1:8000",
    # Where browsers reach the API (upload forms, CSP); empty: the same as API_URL.
    "API_PUBLIC_URL": "",
    # Extra origins browsers upload to (the S3 bucket's URL on AWS), comma-separated.
    "UPLOAD_ORIGINS": "",
    # Base URL of renditions whose entry has a key but no url; empty: {API_PUBLIC_URL}/media.
    "MEDIA_BASE_URL": "",
    # The visitor gallery's URL, for admin links to a work's public page; empty: no links.
    "GALLERY_URL": "",
    # Seconds to wait for the API (connect and read), and retries of idempotent GETs.
    "API_TIMEOUT": 10.0,
    "API_RETRIES": 2,
    # Seconds for admin operations (reindex, reprocess); Heroku's router gives up at 30.
    "ADMIN_API_TIMEOUT": 28.0,
    # Failed log-ins allowed per address and e-mail (and 4x that per address) in the window.
    "LOGIN_ATTEMPTS": 5,
    "LOGIN_WINDOW_SECONDS": 300,
    # Largest upload in bytes, checked in the browser until an upload form from the API gives
    # its own limit (equal to the API's default COPPER_UPLOAD_MAX_BYTES; a test holds them equal).
    "UPLOAD_MAX_BYTES": 262_144_000,
    # Milliseconds between status polls of the upload and work pages (at most 1000, so a
    # work shows "Ready" within a second of being ready).
    "POLL_INTERVAL_MS": 1000,
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted: 0 (no
    # proxy: the socket's address is the client's) unless deployed behind one; Heroku's
    # router is exactly one (deploy/heroku/studio/app.json sets FLASK_TRUSTED_PROXIES=1).
    "TRUSTED_PROXIES": 0,
    # Secret shared with the API (its COPPER_CLIENT_VOUCH_SECRET): with it the studio vouches
    # for the browser's address on log-in and registration, so the API's per-address limit
    # counts each browser, not the studio; empty: nothing is vouched for.
    "API_VOUCH_SECRET": "",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "studio_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}


def check(config: dict[str, Any]) -> None:
    """Refuse to start without a secret key, or with an unusable proxy count or upload limit."""
    if not config.get("SECRET_KEY"):
        raise RuntimeError("set FLASK_SECRET_KEY: the studio signs sessions and forms with it")
    proxies = config.get("TRUSTED_PROXIES")
    if isinstance(proxies, bool) or not isinstance(proxies, int) or not 0 <= proxies <= 5:
        raise RuntimeError("FLASK_TRUSTED_PROXIES must be a whole number of proxies, 0 to 5")
    limit = config.get("UPLOAD_MAX_BYTES")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise RuntimeError("FLASK_UPLOAD_MAX_BYTES must be a whole number of bytes, 1 or more")
