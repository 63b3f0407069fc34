"""The artist studio: a Flask app that talks to the backend API over HTTP only."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from heroku_artist import admin, arrange, auth, errors, profile, security, series, upload, works
from heroku_artist.client import StudioClient
from heroku_artist.config import DEFAULTS, check
from heroku_artist.inputs import BoundedJson
from heroku_artist.present import install_template_helpers

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the studio app from defaults, FLASK_* variables and `test_config`."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    check(app.config)
    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # only then is X-Forwarded-For the client's address (the log-in limit keys on it)
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.json = BoundedJson(app)
    configure_logging(app)
    security.init_app(app)
    csrf.init_app(app)
    client: StudioClient = app.config.get("API_CLIENT") or StudioClient()
    client.init_app(app)
    install_template_helpers(app)
    for blueprint in (
        auth.blueprint,
        works.blueprint,
        upload.blueprint,
        profile.blueprint,
        series.blueprint,
        arrange.blueprint,
        admin.blueprint,
    ):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    return app


def configure_logging(app: Flask) -> None:
    """Log the studio's lines (API calls with their request id) at INFO to stderr."""
    logger = logging.getLogger("heroku_artist")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if not app.testing else logging.WARNING)
