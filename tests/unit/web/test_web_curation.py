"""Curated slots: featured works offer every rendition, sized for their own shape."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def featured_items(html: str) -> list[str]:
    """Return the HTML of each featured item."""
    block = html.split('class="featured-list"', 1)[1].split("</ul>", 1)[0]
    return block.split('<li class="featured-item')[1:]


def test_featured_images_offer_the_largest_rendition_for_wide_screens(
    client: FlaskClient,
) -> None:
    html = client.get("/").get_data(as_text=True)
    items = featured_items(html)
    assert items
    for item in items:
        assert re.search(r'srcset="[^"]*2400px\.avif \d+w"', item)
        assert 'sizes="(max-width: 40em) calc(100vw - 2rem), min(' in item


def test_featured_items_name_their_shape_and_keep_their_aspect(client: FlaskClient) -> None:
    items = featured_items(client.get("/").get_data(as_text=True))
    assert any(item.startswith(" featured-plain") and "--ar: 1.5;" in item for item in items)
