"""The studio served over HTTP in front of a real local stack, for a real browser."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.serving import make_server

from content.model import Role
from heroku_artist import create_app
from testkit.stack import LocalStack
from tests.e2e.conftest import ConsoleWatch, OpenPage

PASSWORD = "correct horse battery"


class Deferred:
    """A WSGI app set after the server is bound (the API must know the studio's origin)."""

    app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve with the app set later."""
        return self.app(environ, start_response)


@dataclass
class Studio:
    """The running studio and the stack behind it."""

    url: str
    stack: LocalStack


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """Serve the studio on a free port over a local stack that allows its origin."""
    deferred = Deferred()
    server = make_server("127.0.0.1", 0, deferred, threaded=True)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    data_dir = tmp_path_factory.mktemp("studio-e2e")
    with LocalStack(data_dir, cors_origins=(url,), max_receive_count=2) as stack:
        deferred.app = create_app(
            {
                "SECRET_KEY": "e2e-secret",
                "API_URL": stack.api_url,
                "SESSION_COOKIE_SECURE": False,
                "TRUSTED_PROXIES": 0,
                "POLL_INTERVAL_MS": 400,
            }
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield Studio(url, stack)
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(open_page: OpenPage) -> tuple[Any, ConsoleWatch]:
    """Open a desktop-sized page that records console errors."""
    opened, watch = open_page(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(30_000)
    return opened, watch


def make_admin(stack: LocalStack) -> str:
    """Create an administrator account; return its e-mail."""
    email = f"admin.{time.monotonic_ns()}@example.com"
    stack.services.accounts.register(email, PASSWORD, "Gallery Admin", role=Role.ADMIN)
    return email
