"""Unit tests for the print-making vocabulary and how a search's words are read."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.palette import colour_family, srgb_to_lab
from search.interpret import interpret
from search.query import ColourQuery, SearchQuery
from search.text import words
from search.vocabulary import COLOURS, TECHNIQUES, NamedColour


@pytest.mark.parametrize("colour", COLOURS, ids=lambda colour: colour.name)
def test_a_named_colour_has_the_lab_and_a_family_of_its_hex(colour: NamedColour) -> None:
    lab = srgb_to_lab(np.frombuffer(bytes.fromhex(colour.hex), dtype=np.uint8))
    assert colour.lab == pytest.approx(tuple(lab), abs=0.01)
    assert colour_family(lab) in colour.families | colour.near


def test_every_word_of_the_vocabulary_names_one_thing_and_is_a_folded_word() -> None:
    named = [word for colour in COLOURS for word in colour.words]
    named += [word for technique in TECHNIQUES for word in technique.words]
    assert len(named) == len(set(named))
    for phrase in named + [alt for technique in TECHNIQUES for alt in technique.finds]:
        assert " ".join(words(phrase)) == phrase


def test_plain_words_are_concepts_of_their_own_that_tolerate_typos() -> None:
    reading = interpret("The harbour at night")
    assert [(c.said, c.words, c.typos) for c in reading.concepts] == [
        ("harbour", ("harbour",), True),
        ("night", ("night",), True),
    ]
    assert not reading.expanded and reading.shown() is None


def test_a_technique_word_becomes_its_group_and_tolerates_no_typos() -> None:
    (lino,) = interpret("Lino").concepts
    assert lino.said == "lino" and not lino.typos
    assert {"linocut", "linoleum"} <= set(lino.words) and "lino cut" in lino.phrases
    assert "linocut" in lino.also and "lino" not in lino.also


def test_a_two_word_technique_is_one_concept() -> None:
    reading = interpret("screen-prints of gulls")
    assert [c.said for c in reading.concepts] == ["screen prints", "gulls"]
    assert "screenprint" in reading.concepts[0].words


def test_etching_widens_to_the_intaglio_family_but_aquatint_stays_itself() -> None:
    (etching,) = interpret("etchings").concepts
    assert {"etching", "aquatint", "drypoint", "mezzotint", "intaglio"} <= set(etching.words)
    (aquatint,) = interpret("aquatint").concepts
    assert aquatint.words == ("aquatint",) and aquatint.also == ()


def test_a_colour_word_is_a_colour_not_a_concept() -> None:
    reading = interpret("Gray heron in turquoise")
    assert [c.said for c in reading.concepts] == ["heron"]
    assert [(w.said, w.colour.name) for w in reading.colour_words] == [
        ("gray", "grey"),
        ("turquoise", "turquoise"),
    ]
    assert reading.expanded


def test_words_under_three_letters_match_no_prefixes() -> None:
    (word,) = interpret("mo").concepts
    assert word.prefixes == ()
    (word,) = interpret("sun").concepts
    assert word.prefixes == ("sun",)


def test_a_repeated_word_is_read_once() -> None:
    reading = interpret("orange ORANGE lino linocut")
    assert [w.said for w in reading.colour_words] == ["orange"]
    assert [c.said for c in reading.concepts] == ["lino"]


def test_colour_words_rank_after_the_explicit_colours_up_to_five() -> None:
    explicit = tuple(ColourQuery((50.0, 0.0, float(i))) for i in range(4))
    query = SearchQuery(text="orange purple", colours=explicit)
    colours = query.ranking_colours(query.reading())
    assert colours[:4] == explicit and len(colours) == 5
    assert colours[4].lab == next(c.lab for c in COLOURS if c.name == "orange")
