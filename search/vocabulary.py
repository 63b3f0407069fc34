"""The print-making vocabulary of search: colour words and technique synonyms (data only).

Colour words name a colour (sRGB hex and its CIELAB, D65, as the pipeline computes it) and
the palette colour families (`pipeline.palette.colour_family`) that count as that colour:
`families` wherever the colour lies, `near` only inside the candidate box around the Lab
colour (`search.candidates.COLOUR_BOX`). `near` covers where the pipeline's bins split a colour
(a deep orange is "brown", a blue-violet "blue") and the colours that are one family's
corner (navy, ochre, cream); the Lab colour then ranks the nearest works first.

Techniques are groups of words and phrases. A word of a group finds every alternative of
its group; an umbrella word ("etching", "intaglio", "relief") finds a whole family of
techniques, while a specific one ("aquatint") finds only its own group.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NamedColour:
    """A colour a visitor can type: its name, hex, Lab and the palette families it covers."""

    name: str
    hex: str
    lab: tuple[float, float, float]
    families: frozenset[str]
    near: frozenset[str]
    words: tuple[str, ...]


@dataclass(frozen=True)
class Technique:
    """A print-making technique: the words that name it and what each of them finds."""

    name: str
    words: tuple[str, ...]
    finds: tuple[str, ...]  # words and phrases ("screen print") matched as alternatives


def _colour(
    name: str, hex_code: str, lab: tuple[float, float, float], families: str, *also: str
) -> NamedColour:
    """Return a named colour: its families ("purple ~blue": "~" marks a near family) and the
    other words for it."""
    named = families.split()
    anywhere = frozenset(family for family in named if not family.startswith("~"))
    near = frozenset(family[1:] for family in named if family.startswith("~"))
    return NamedColour(name, hex_code, lab, anywhere, near, (name, *also))


COLOURS: tuple[NamedColour, ...] = (
    _colour("red", "b03a2e", (41.93, 47.25, 33.73), "red"),
    _colour("crimson", "c8102e", (42.54, 65.89, 35.71), "red", "scarlet", "vermilion", "carmine"),
    _colour("orange", "e67e22", (63.23, 34.38, 62.51), "orange ~brown", "tangerine"),
    _colour("amber", "ffbf00", (81.03, 10.39, 83.03), "orange ~yellow"),
    _colour("ochre", "cc7722", (58.18, 27.34, 56.82), "~orange ~brown ~yellow", "ocher"),
    _colour("rust", "b7410e", (44.06, 45.76, 51.12), "~red ~orange ~brown", "rusty"),
    _colour("yellow", "e1b12c", (74.60, 5.54, 68.79), "yellow", "lemon"),
    _colour("gold", "d4af37", (72.85, 1.38, 62.91), "~yellow ~orange", "golden"),
    _colour("green", "6a8d3a", (54.47, -26.34, 39.61), "green", "emerald"),
    _colour("olive", "808000", (51.87, -12.93, 56.67), "~green ~yellow"),
    _colour("turquoise", "30b5a8", (66.90, -37.80, -3.55), "teal", "teal", "aqua", "aquamarine"),
    _colour("cyan", "00b7eb", (69.37, -20.42, -36.67), "~teal ~blue"),
    _colour("blue", "2e5e8c", (38.69, -0.78, -30.28), "blue", "cobalt", "ultramarine", "azure"),
    _colour("navy", "1f2f5a", (20.29, 8.74, -27.91), "~blue"),
    _colour("indigo", "4b0082", (20.47, 51.69, -53.31), "~blue ~purple"),
    _colour("purple", "7d3c98", (37.59, 43.59, -38.86), "purple ~blue", "violet"),
    _colour("lilac", "c8a2c8", (71.07, 20.54, -14.13), "~purple ~pink", "lavender"),
    _colour("mauve", "b784a7", (61.10, 25.22, -10.77), "~purple ~pink"),
    _colour("pink", "f4a6c1", (76.29, 32.48, -2.04), "pink ~red", "rose"),
    _colour("magenta", "d0308f", (48.90, 68.21, -14.80), "~pink ~purple ~red", "fuchsia"),
    _colour("brown", "8b5a2b", (42.73, 15.49, 34.70), "brown", "sepia", "umber", "sienna"),
    _colour("cream", "f2ede4", (93.90, 0.13, 4.95), "~white ~yellow", "ivory", "beige"),
    _colour("white", "f8f8f4", (97.48, -0.70, 1.92), "white"),
    _colour("grey", "7f8c8d", (57.26, -4.49, -2.14), "grey", "gray", "silver"),
    _colour("black", "1c1c1c", (10.27, 0.0, 0.0), "black"),
)

_INTAGLIO = ("etching", "aquatint", "drypoint", "dry point", "intaglio", "mezzotint", "engraving")
_LINO = ("lino", "linocut", "lino cut", "linoleum", "linoprint", "lino print")
_WOOD = ("woodcut", "wood cut", "woodblock", "wood block", "wood engraving")
_SCREEN = ("screenprint", "screen print", "silkscreen", "silk screen", "serigraph")

TECHNIQUES: tuple[Technique, ...] = (
    Technique("intaglio", ("etching", "etched", "intaglio"), _INTAGLIO),
    Technique("aquatint", ("aquatint",), ("aquatint",)),
    Technique("drypoint", ("drypoint", "dry point"), ("drypoint", "dry point")),
    Technique("mezzotint", ("mezzotint",), ("mezzotint",)),
    Technique("engraving", ("engraving", "engraved"), ("engraving",)),
    Technique("linocut", _LINO, _LINO),
    Technique("woodcut", _WOOD, _WOOD),
    Technique("relief", ("relief", "relief print"), ("relief", *_LINO, *_WOOD)),
    Technique(
        "screenprint", (*_SCREEN, "serigraphy", "screenprinting", "screen printing"), _SCREEN
    ),
    Technique("risograph", ("risograph", "riso", "risography"), ("risograph", "riso")),
    Technique(
        "lithograph",
        ("lithograph", "litho", "lithography", "lithographic"),
        ("lithograph", "litho", "lithography"),
    ),
    Technique("monotype", ("monotype", "monoprint"), ("monotype", "monoprint")),
    Technique("collagraph", ("collagraph", "collograph"), ("collagraph", "collograph")),
)
