"""The search contract speaks print-making: colour words, technique synonyms and prefixes.

Each case runs against SQLite and OpenSearch (`index` fixture): both read the words the
same way (`search.interpret`) and answer the same.
"""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.palette import colour_family, srgb_to_lab
from search.document import PaletteEntry, SearchDocument
from search.index import SearchIndex
from search.query import SearchQuery, SearchResult


def palette(*shares: tuple[str, float]) -> tuple[PaletteEntry, ...]:
    """Return a palette of (hex, share) pairs with the pipeline's Lab and colour family."""
    entries = []
    for hex_code, share in shares:
        lab = srgb_to_lab(np.frombuffer(bytes.fromhex(hex_code), dtype=np.uint8))
        lightness, a, b = (float(v) for v in lab)
        entries.append((lightness, a, b, share, f"#{hex_code}", colour_family(lab)))
    return tuple(entries)


def work(artwork_id: str, title: str, **fields: object) -> SearchDocument:
    """Return a visible work by Ada, on cream paper unless `fields` say otherwise."""
    defaults: dict[str, object] = {
        "artist_id": "artist-ada",
        "artist_slug": "ada",
        "artist_name": "Ada Quill",
        "visible": True,
        "published_at": f"2024-01-01T00:00:00.{artwork_id[-3:].rjust(3, '0')}Z",
        "palette": palette(("f2ede4", 1.0)),
    }
    return SearchDocument(artwork_id, title=title, **{**defaults, **fields})  # type: ignore[arg-type]


def ids(result: SearchResult) -> list[str]:
    """Return the artwork ids of a result's hits, in order."""
    return [hit.document.artwork_id for hit in result.hits]


def found(index: SearchIndex, text: str) -> set[str]:
    """Return the ids a text search finds."""
    return set(ids(index.search(SearchQuery(text=text))))


PRINTS = (
    work("p01", "Heron", medium="Etching"),
    work("p02", "Tidal flats", medium="Aquatint"),
    work("p03", "Thistle", medium="Drypoint"),
    work("p04", "Boathouse", medium="Linocut"),
    work("p05", "Reduction harbour", medium="Reduction linocut"),
    work("p06", "Line and tone", medium="Mezzotint"),
    work("p07", "Gull", medium="Screen print"),
    work("p08", "Pier", medium="Screenprint"),
    work("p09", "Orchard", medium="Woodcut"),
    work("p10", "Lantern", medium="Woodblock print"),
    work("p11", "Signal", medium="Risograph print"),
    work("p12", "Garden", medium="Riso"),
    work("p13", "Horizon", medium="Lithograph"),
    work("p14", "Meadow", medium="Monotype"),
    work("p15", "Late tide", medium="Monoprint"),
)


@pytest.fixture
def prints(index: SearchIndex) -> SearchIndex:
    """Return the index holding PRINTS."""
    index.upsert(PRINTS)
    return index


def test_etching_also_finds_aquatints_drypoints_and_mezzotints(prints: SearchIndex) -> None:
    assert found(prints, "etching") == {"p01", "p02", "p03", "p06"}
    assert found(prints, "etchings") == {"p01", "p02", "p03", "p06"}
    assert found(prints, "intaglio") == {"p01", "p02", "p03", "p06"}


def test_a_specific_intaglio_technique_finds_only_its_own_works(prints: SearchIndex) -> None:
    assert found(prints, "aquatint") == {"p02"}
    assert found(prints, "drypoint") == {"p03"}


def test_lino_finds_the_linocuts_and_not_a_line(prints: SearchIndex) -> None:
    assert found(prints, "lino") == {"p04", "p05"}
    assert found(prints, "linocuts") == {"p04", "p05"}
    assert found(prints, "linoleum") == {"p04", "p05"}


@pytest.mark.parametrize(
    "text", ["screen print", "screenprint", "screen-print", "silkscreen", "serigraph"]
)
def test_every_name_of_a_screenprint_finds_both_spellings(prints: SearchIndex, text: str) -> None:
    assert found(prints, text) == {"p07", "p08"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woodcut", {"p09", "p10"}),
        ("woodblock", {"p09", "p10"}),
        ("wood engraving", {"p09", "p10"}),
        ("risograph", {"p11", "p12"}),
        ("riso", {"p11", "p12"}),
        ("lithograph", {"p13"}),
        ("litho", {"p13"}),
        ("monotype", {"p14", "p15"}),
        ("monoprint", {"p14", "p15"}),
        ("relief", {"p04", "p05", "p09", "p10"}),
    ],
)
def test_technique_synonyms_find_the_same_works(
    prints: SearchIndex, text: str, expected: set[str]
) -> None:
    assert found(prints, text) == expected


def test_a_technique_combines_with_other_words(prints: SearchIndex) -> None:
    assert found(prints, "harbour lino") == {"p05"}
    assert found(prints, "etching heron") == {"p01"}


def test_a_word_also_matches_the_words_it_begins_ranked_below_exact_matches(
    index: SearchIndex,
) -> None:
    index.upsert([work("a1", "Sunflower field"), work("a2", "Winter sun"), work("a3", "Moon")])
    assert ids(index.search(SearchQuery(text="sun"))) == ["a2", "a1"]
    assert ids(index.search(SearchQuery(text="sunflo"))) == ["a1"]
    assert ids(index.search(SearchQuery(text="mo"))) == []  # under 3 letters: whole words only


def test_a_word_matched_as_a_prefix_is_highlighted(index: SearchIndex) -> None:
    index.upsert([work("a1", "Sunflower field"), work("a2", "Winter sun")])
    hits = {hit.document.artwork_id: hit for hit in index.search(SearchQuery(text="sunflo")).hits}
    assert "<mark>Sunflower</mark>" in hits["a1"].highlights["title"]


def test_a_search_says_how_its_words_were_read(prints: SearchIndex) -> None:
    result = prints.search(SearchQuery(text="etching harbour"))
    assert result.interpretation is not None
    etching, harbour = result.interpretation.concepts
    assert (etching.said, harbour.said) == ("etching", "harbour")
    assert {"aquatint", "drypoint"} <= set(etching.also)
    assert harbour.also == ()
    assert prints.search(SearchQuery(text="harbour")).interpretation is None


ORANGE, PURPLE, TURQUOISE, BLUE, RED = "e67e22", "7b3fa0", "35b5aa", "2e5e8c", "b03a2e"
COLOURED = (
    work("c1", "Marigolds", medium="Linocut", palette=palette((ORANGE, 0.6), ("f2ede4", 0.4))),
    work("c2", "Dusk", medium="Screenprint", palette=palette((PURPLE, 0.5), ("f2ede4", 0.5))),
    work("c3", "Lagoon", medium="Etching", palette=palette((TURQUOISE, 0.7), ("1c1c1c", 0.3))),
    work("c4", "Deep water", medium="Etching", palette=palette((BLUE, 0.8), ("f2ede4", 0.2))),
    work("c5", "Poppies", medium="Linocut", palette=palette((RED, 0.7), ("f2ede4", 0.3))),
    work("c6", "Amber light", medium="Linocut", palette=palette(("d9822b", 0.3), (BLUE, 0.7))),
    work(
        "c7",
        "Harbour",
        medium="Woodcut",
        artist_name="Rufus Ochre",
        palette=palette((BLUE, 1.0)),
    ),
)


@pytest.fixture
def coloured(index: SearchIndex) -> SearchIndex:
    """Return the index holding COLOURED."""
    index.upsert(COLOURED)
    return index


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("orange", ["c1", "c6"]),
        ("purple", ["c2"]),
        ("violet", ["c2"]),
        ("turquoise", ["c3"]),
        ("teal", ["c3"]),
        ("aqua", ["c3"]),
    ],
)
def test_a_colour_word_finds_the_works_of_that_colour_nearest_first(
    coloured: SearchIndex, text: str, expected: list[str]
) -> None:
    assert ids(coloured.search(SearchQuery(text=text))) == expected


def test_grey_and_gray_are_the_same_colour(index: SearchIndex) -> None:
    index.upsert([work("g1", "Fog", palette=palette(("7f8c8d", 1.0))), work("g2", "Sun")])
    assert ids(index.search(SearchQuery(text="grey"))) == ["g1"]
    assert ids(index.search(SearchQuery(text="gray"))) == ["g1"]


def test_a_colour_word_combines_with_a_technique(coloured: SearchIndex) -> None:
    assert ids(coloured.search(SearchQuery(text="orange linocut"))) == ["c1", "c6"]
    assert ids(coloured.search(SearchQuery(text="blue etching"))) == ["c4"]
    assert ids(coloured.search(SearchQuery(text="purple linocut"))) == []


def test_a_colour_word_still_finds_the_works_whose_words_hold_it(coloured: SearchIndex) -> None:
    # Rufus Ochre's harbour is blue, but his name is a colour word.
    assert ids(coloured.search(SearchQuery(text="ochre"))) == ["c1", "c6", "c7"]
    assert ids(coloured.search(SearchQuery(text="ochre harbour"))) == ["c7"]


def test_a_colour_word_is_read_as_a_colour(coloured: SearchIndex) -> None:
    result = coloured.search(SearchQuery(text="orange linocut"))
    assert result.interpretation is not None
    (word,) = result.interpretation.colour_words
    assert (word.said, word.colour.name, word.colour.hex) == ("orange", "orange", "e67e22")
    assert [concept.said for concept in result.interpretation.concepts] == ["linocut"]


def test_colour_word_pages_follow_the_cursor(coloured: SearchIndex) -> None:
    first = coloured.search(SearchQuery(text="orange", limit=1))
    assert ids(first) == ["c1"] and first.total == 2
    second = coloured.search(SearchQuery(text="orange", limit=1, cursor=first.next_cursor))
    assert ids(second) == ["c6"] and second.next_cursor is None


def test_a_colour_word_finds_its_own_family_anywhere_and_a_near_family_only_close_by(
    index: SearchIndex,
) -> None:
    # GIVEN a vivid blue (far from the blue word's Lab colour) and a purple
    index.upsert(
        [
            work("v1", "Kingfisher", palette=palette(("0000ff", 0.8), ("f2ede4", 0.2))),
            work("v2", "Plums", palette=palette((PURPLE, 0.8), ("f2ede4", 0.2))),
        ]
    )
    # THEN "blue" finds every blue, but navy and purple (near blue) only blues close to them
    assert ids(index.search(SearchQuery(text="blue"))) == ["v1"]
    assert ids(index.search(SearchQuery(text="navy"))) == []
    assert ids(index.search(SearchQuery(text="purple"))) == ["v2"]
