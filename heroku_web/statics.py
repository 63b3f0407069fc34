"""Static files with content-hashed URLs, so browsers may keep them for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, url_for


def install_static_versions(app: Flask) -> None:
    """Add `asset(filename)` to templates: the static URL with `?v=` its content hash."""
    versions: dict[str, str] = {}
    folder = Path(app.static_folder or "")

    def asset(filename: str) -> str:
        if filename not in versions:
            digest = hashlib.sha256((folder / filename).read_bytes()).hexdigest()[:12]
            versions[filename] = digest
        return url_for("static", filename=filename, v=versions[filename])

    app.jinja_env.globals["asset"] = asset
