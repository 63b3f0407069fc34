"""The visitor gallery: a Flask app that reads everything through the backend API over HTTP."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from heroku_web import artists, artworks, errors, gallery, home, search, seo
from heroku_web.client import GalleryClient
from heroku_web.config import DEFAULTS
from heroku_web.media import install_media
from heroku_web.observability import install_request_ids
from heroku_web.security import install_security_headers
from heroku_web.statics import install_static_versions


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the gallery app; configuration comes from FLASK_* variables or `test_config`."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    hops = trusted_proxies(app.config.get("TRUSTED_PROXIES"))
    if hops:  # only then do X-Forwarded-Host and -Proto make the canonical URLs
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    install_request_ids(app)
    client: GalleryClient = app.config.get("API_CLIENT") or GalleryClient()
    client.init_app(app)
    install_media(app)
    install_static_versions(app)
    install_security_headers(app)
    for module in (home, gallery, artworks, artists, search, seo):
        app.register_blueprint(module.blueprint)
    errors.install_error_pages(app)
    return app


def trusted_proxies(value: Any) -> int:
    """Return the number of trusted proxies, refusing to start on anything but 0 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise RuntimeError("FLASK_TRUSTED_PROXIES must be a whole number of proxies, 0 to 5")
    return value
