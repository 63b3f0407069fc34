"""An artist's links: http(s) only, short, labelled (by the host when no label is given)."""

from __future__ import annotations

from typing import Any

import pytest

from content.fields import InvalidArtwork
from content.links import MAX_LINKS, clean_links
from content.model import Link


def test_a_link_without_a_label_is_labelled_by_its_host() -> None:
    links = clean_links(
        [{"url": " https://www.Example.org/prints "}, {"label": "", "url": "http://a.example"}]
    )
    assert links == (
        Link("www.example.org", "https://www.Example.org/prints"),
        Link("a.example", "http://a.example"),
    )


def test_a_labelled_link_keeps_its_trimmed_label() -> None:
    assert clean_links([{"label": "  My shop ", "url": "https://shop.example/ada"}]) == (
        Link("My shop", "https://shop.example/ada"),
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "//example.org/no-scheme",
        "example.org",
        "https://",
        "https://exa mple.org/",
        "https://example.org/\u0000",
        "https://" + "a" * 300 + ".example",
        "",
    ],
)
def test_only_short_http_and_https_urls_are_accepted(url: str) -> None:
    with pytest.raises(InvalidArtwork) as refused:
        clean_links([{"url": url}])
    assert refused.value.field == "links"
    assert refused.value.message


def test_a_label_longer_than_forty_characters_is_refused() -> None:
    with pytest.raises(InvalidArtwork, match="40"):
        clean_links([{"label": "x" * 41, "url": "https://example.org"}])


def test_at_most_six_links_are_kept() -> None:
    six = [{"url": f"https://example.org/{n}"} for n in range(MAX_LINKS)]
    assert len(clean_links(six)) == 6
    with pytest.raises(InvalidArtwork, match="6"):
        clean_links([*six, {"url": "https://example.org/7"}])


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org",
        [["https://example.org"]],
        [{"url": 5}],
        [{"href": "https://x.org"}],
        None,
    ],
)
def test_links_that_are_not_a_list_of_label_and_url_are_refused(value: Any) -> None:
    with pytest.raises(InvalidArtwork):
        clean_links(value)
