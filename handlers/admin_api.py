"""Lambda entry point of the admin API (dead letters, reprocessing, reindex, audit)."""

from __future__ import annotations

from handlers.wsgi import api_handler

app, handler = api_handler(("admin",))
