"""Lambda entry point of the search API (/search, similar works)."""

from __future__ import annotations

from handlers.wsgi import api_handler

app, handler = api_handler(("search",))
