"""The gallery's settings and their defaults; Heroku sets them as FLASK_* config vars."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Base URL of the backend API (FLASK_API_URL).
    "API_URL": "http://127.0.0.1:8000",
    # Seconds to wait for a connection to the API, and for its answer.
    "API_CONNECT_TIMEOUT": 2.0,
    "API_READ_TIMEOUT": 4.0,
    # Retries of idempotent GETs after a refused connection or a 502/503/504 answer.
    "API_RETRIES": 2,
    # Seconds an API answer stays fresh in the in-memory cache, and how long a stale one may
    # stand in while the API is down.
    "API_CACHE_SECONDS": 30.0,
    "API_STALE_SECONDS": 600.0,
    "API_CACHE_ENTRIES": 2048,
    # Base URL of the rendition files when a rendition carries a key but no URL.
    "MEDIA_BASE_URL": "http://127.0.0.1:8000/media",
    # Extra origins images may come from (space or comma separated), for the CSP.
    "MEDIA_ORIGINS": "",
    # Public base URL of this site (canonical links, sitemap); empty: the request's own.
    "PUBLIC_URL": "",
    # Works per page in the grid, on an artist's page and in search results.
    "PAGE_SIZE": 24,
    # Artwork ids featured on the home page (comma separated); empty: one recent work per artist.
    "FEATURED": "",
    # Most artworks listed in /sitemap.xml.
    "SITEMAP_MAX": 10000,
    # Name of the site in titles.
    "SITE_NAME": "Copper Print Gallery",
    # Seconds browsers may reuse a page, and static files.
    "PAGE_MAX_AGE": 60,
    "SEND_FILE_MAX_AGE_DEFAULT": 31536000,
    "SECRET_KEY": "dev-only-change-me",
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted: 0 (none)
    # unless deployed behind one; Heroku's router is exactly one (app.json sets 1).
    "TRUSTED_PROXIES": 0,
}
