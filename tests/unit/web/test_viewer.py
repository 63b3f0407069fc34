"""The artwork page offers a closer look: the zoom viewer for a pyramid, else a lightbox."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from flask.testing import FlaskClient

from heroku_web.security import VIEWER_STYLE
from tests.unit.web.fakes import FakeApi

ROOT = Path(__file__).parents[3]
VENDOR = ROOT / "heroku_web" / "static" / "vendor" / "openseadragon"
PYRAMID = {
    "name": "deep-zoom",
    "format": "dzi",
    "width": 3000,
    "height": 2000,
    "tile_size": 510,
    "overlap": 1,
    "tile_format": "jpeg",
    "levels": 13,
    "tiles": 40,
    "bytes": 900_000,
    "key": "renditions/a/w1/s1/tiles/image.dzi",
    "url": "https://media.example.test/renditions/a/w1/s1/tiles/image.dzi",
}


def directives(csp: str) -> dict[str, str]:
    """Return a CSP's directives by name."""
    return dict(d.strip().split(" ", 1) for d in csp.split(";"))


def test_a_work_with_a_pyramid_gets_the_zoom_viewer_with_its_tile_source(
    client: FlaskClient, fake_api: FakeApi
) -> None:
    work = fake_api.routes["/artworks/w1"]
    work["renditions"] = [*work["renditions"], PYRAMID]
    response = client.get("/artworks/w1")
    html = response.get_data(as_text=True)
    assert 'class="closer zoom"' in html
    tiles = "https://media.example.test/renditions/a/w1/s1/tiles/image_files/"
    assert f'data-tiles="{tiles}"' in html
    assert 'data-tile-size="510"' in html and 'data-extension="jpg"' in html
    assert "vendor/openseadragon/openseadragon.min.js" in html
    assert "viewer.js" in html
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["style-src"] == f"'self' {VIEWER_STYLE}"
    assert "https://media.example.test" in csp["img-src"]


def test_a_work_without_a_pyramid_gets_a_lightbox_and_the_plain_csp(client: FlaskClient) -> None:
    response = client.get("/artworks/w2")
    html = response.get_data(as_text=True)
    assert 'class="closer lightbox"' in html
    assert "closer zoom" not in html and "openseadragon" not in html
    assert directives(response.headers["Content-Security-Policy"])["style-src"] == "'self'"


def test_the_vendored_viewer_is_the_version_package_json_pins_with_its_licence() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["openseadragon"]
    head = (VENDOR / "openseadragon.min.js").read_text()[:200]
    assert head.startswith(f"//! openseadragon {pinned}\n")
    assert (
        "Redistribution and use in source and binary forms" in (VENDOR / "LICENSE.txt").read_text()
    )


def test_the_csp_hash_is_the_one_style_sheet_the_vendored_viewer_writes() -> None:
    source = (VENDOR / "openseadragon.min.js").read_text()
    sheets = re.findall(
        r'data-openseadragon-mobile-css","true"\);\w+\.textContent="([^"]*)"', source
    )
    assert len(sheets) == 1
    digest = base64.b64encode(hashlib.sha256(sheets[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == VIEWER_STYLE
