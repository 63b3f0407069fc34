"""WCAG 2.2 contrast of the gallery's colour pairs, read from the site's style sheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import heroku_web

SITE_CSS = Path(heroku_web.__file__).parent / "static" / "site.css"
TEXT = 4.5  # 1.4.3, normal-size text (AA)
NON_TEXT = 3.0  # 1.4.11, focus indicators and form field boundaries

# (foreground, background, minimum, where the pair appears)
PAIRS = (
    ("--ink", "--paper", TEXT, "body text"),
    ("--muted", "--paper", TEXT, "captions, ledes, small headings, footer"),
    ("--ink", "--wall", TEXT, "empty states and notices"),
    ("--muted", "--wall", TEXT, "a hovered facet's count"),
    ("--copper", "--paper", TEXT, "links"),
    ("--copper-dark", "--paper", TEXT, "hovered links"),
    ("--copper", "--wall", TEXT, "links in empty states"),
    ("--on-dark", "--copper", TEXT, "buttons and the chosen facet"),
    ("--on-dark", "--copper-dark", TEXT, "hovered buttons"),
    ("--on-dark", "--ink", TEXT, "the skip link"),
    ("--ink", "--field", TEXT, "typed search words, tags and chips"),
    ("--ink", "--mark", TEXT, "a highlighted word in a title"),
    ("--muted", "--mark", TEXT, "a highlighted word in a snippet"),
    ("--focus", "--paper", NON_TEXT, "the focus outline"),
    ("--focus", "--wall", NON_TEXT, "the focus outline on the stage"),
    ("--field-line", "--field", NON_TEXT, "a search field's edge"),
    ("--field-line", "--paper", NON_TEXT, "a search field's edge on the page"),
)


def root_colours() -> dict[str, str]:
    """Return the hex colours of the style sheet's :root custom properties."""
    root = re.search(r":root\s*\{(.*?)\}", SITE_CSS.read_text(), re.S)
    assert root is not None
    found = re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", root.group(1))
    return {name: expand(value) for name, value in found}


def expand(colour: str) -> str:
    """Return '#rrggbb' for '#rgb' or '#rrggbb'."""
    digits = colour.lstrip("#")
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of an sRGB hex colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_matches_wcags_extremes() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("foreground", "background", "minimum", "where"), PAIRS)
def test_each_colour_pair_has_enough_contrast(
    foreground: str, background: str, minimum: float, where: str
) -> None:
    colours = root_colours()
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{where}: {foreground} on {background} is {ratio:.2f}:1"
