"""Colour names for people: a swatch's or a picked colour's nearest name, never a hex code.

The names are those the search understands as words (the API's colour vocabulary), so a
chip that says "ochre" names what typing "ochre" would find.
"""

from __future__ import annotations

import re

# (hex, name): the colours search reads as words, with the swatches' own names first.
NAMED: tuple[tuple[str, str], ...] = (
    ("b03a2e", "red"),
    ("d35400", "orange"),
    ("e1b12c", "yellow"),
    ("6a8d3a", "green"),
    ("1e8c7e", "teal"),
    ("2e5e8c", "blue"),
    ("5b3f8c", "violet"),
    ("c76b98", "pink"),
    ("8b5a2b", "brown"),
    ("f2ede4", "cream"),
    ("7f8c8d", "grey"),
    ("1c1c1c", "black"),
    ("c8102e", "crimson"),
    ("e67e22", "orange"),
    ("ffbf00", "amber"),
    ("cc7722", "ochre"),
    ("b7410e", "rust"),
    ("d4af37", "gold"),
    ("808000", "olive"),
    ("30b5a8", "turquoise"),
    ("00b7eb", "cyan"),
    ("1f2f5a", "navy"),
    ("0047ab", "cobalt"),
    ("3f00ff", "ultramarine"),
    ("4b0082", "indigo"),
    ("7d3c98", "purple"),
    ("c8a2c8", "lilac"),
    ("b784a7", "mauve"),
    ("f4a6c1", "pink"),
    ("d0308f", "magenta"),
    ("f8f8f4", "white"),
)
_EXACT = dict(NAMED)
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def colour_name(value: str) -> str:
    """Return the name of a hex colour: its own name, else the nearest one's ("near teal")."""
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return "a colour"
    code = match.group(1).lower()
    if code in _EXACT:
        return _EXACT[code]
    lab = _lab(code)
    nearest = min(NAMED, key=lambda named: _distance(lab, _lab(named[0])))
    return f"near {nearest[1]}"


def _distance(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    """Return the Euclidean distance of two Lab colours (CIE76)."""
    return sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) ** 0.5


def _lab(code: str) -> tuple[float, float, float]:
    """Return the CIELAB (D65) of an sRGB hex code."""
    linear = [_linear(int(code[i : i + 2], 16) / 255.0) for i in (0, 2, 4)]
    x = (0.4124564 * linear[0] + 0.3575761 * linear[1] + 0.1804375 * linear[2]) / 0.95047
    y = 0.2126729 * linear[0] + 0.7151522 * linear[1] + 0.0721750 * linear[2]
    z = (0.0193339 * linear[0] + 0.1191920 * linear[1] + 0.9503041 * linear[2]) / 1.08883
    fx, fy, fz = (_companded(v) for v in (x, y, z))
    return (116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz))


def _linear(channel: float) -> float:
    """Return an sRGB channel (0..1) in linear light."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _companded(t: float) -> float:
    """Return the CIE Lab companding of a relative XYZ value."""
    return t ** (1.0 / 3.0) if t > 216.0 / 24389.0 else (24389.0 / 27.0 * t + 16.0) / 116.0
