"""The backend API app: the services' blueprints on one Flask app (locally and on Lambda)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask, Response, g, request
from flask.json.provider import DefaultJSONProvider

from service.bootstrap import Services, build_services
from service.http import context
from service.http.admin import blueprint as admin_blueprint
from service.http.content import blueprint as content_blueprint
from service.http.errors import install_error_handlers
from service.http.params import loads
from service.http.profile_images import blueprint as profile_images_blueprint
from service.http.search import blueprint as search_blueprint
from service.http.series import blueprint as series_blueprint
from service.http.uploads import self_served
from service.logs import REQUEST_ID, configure_logging

MAX_BODY_BYTES = 1024 * 1024
REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
CORS_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, X-Request-Id"


PARTS = ("content", "search", "admin")


class InOrderJson(DefaultJSONProvider):
    """Flask's JSON, with an object's keys in the order the API builds them; bodies it reads
    are bounded in depth (`params.loads`)."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON no deeper than the API reads (a ValueError otherwise)."""
        return loads(s)


def create_app(services: Services | None = None, parts: tuple[str, ...] = PARTS) -> Flask:
    """Create an API app serving `parts` (one service on Lambda, both locally)."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown API parts: {sorted(unknown)}")
    configure_logging("copper-api")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = InOrderJson(app)
    found = services or build_services()
    context.attach(app, found)
    if "content" in parts:
        app.register_blueprint(content_blueprint)
        app.register_blueprint(series_blueprint)
        app.register_blueprint(profile_images_blueprint)
        for blueprint in self_served(found):
            app.register_blueprint(blueprint)
    if "search" in parts:
        app.register_blueprint(search_blueprint)
    if "admin" in parts:
        app.register_blueprint(admin_blueprint)
    install_error_handlers(app)
    app.before_request(assign_request_id)
    app.after_request(add_response_headers)
    app.teardown_request(forget_request_id)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Answer that the API is up, and whether uploads are being processed (200 either way)."""
        return context.services().health()

    return app


def assign_request_id() -> Response | None:
    """Adopt the caller's request id (from the web apps) or make one; answer CORS preflights."""
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if REQUEST_ID_PATTERN.match(offered) else uuid.uuid4().hex
    g.request_id_token = REQUEST_ID.set(g.request_id)
    if request.method == "OPTIONS":
        return Response(status=204)
    return None


def forget_request_id(_error: BaseException | None) -> None:
    """Stop tagging log records with the request's id once it is answered."""
    token = g.pop("request_id_token", None)
    if token is not None:
        REQUEST_ID.reset(token)


def add_response_headers(response: Response) -> Response:
    """Echo the request id, allow configured origins only, and forbid sniffing."""
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = response.headers.get("Cache-Control", "no-store")
    origin = request.headers.get("Origin")
    if origin and origin in context.services().settings.cors_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Vary"] = "Origin"
    return response
