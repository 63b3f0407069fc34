"""Lambda entry point of the content API (accounts, artists' works, public listings)."""

from __future__ import annotations

from handlers.wsgi import api_handler

app, handler = api_handler(("content",))
