"""How both index adapters read a search's words: concepts to match and colours to find.

The words of a query (folded, stop words dropped, as `search.text.words` splits them) are
read left to right against `search.vocabulary`:

- A technique word or phrase ("etching", "lino", "screen print") becomes one concept whose
  alternatives are its group's words and phrases; known words tolerate no typos, so "lino"
  finds linocuts and never "line".
- A colour word ("orange", "teal", "grey") becomes a colour word: a work matches it when one
  of its palette colours is of the colour's families and within the candidate box of its
  Lab colour, or when the word is among the work's words (so "ochre" still finds the artist
  Rufus Ochre). The colour ranks the works, nearest first, like a colour from the picker.
- Any other word is a concept of its own, with typos tolerated as before.

Every single word of 3 or more letters also matches the words it begins (a prefix, on the
engine's stemmed words), scored below an exact match: an exact match scores the word and the
prefix together. Every concept and every colour word must match (AND).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.text import MAX_TERM_LENGTH, MAX_TERMS, STOPWORDS, words
from search.vocabulary import COLOURS, TECHNIQUES, NamedColour, Technique

MIN_PREFIX = 3  # letters a word needs before it also matches the words it begins
LONGEST_PHRASE = 2  # words in the longest phrase of the vocabulary


@dataclass(frozen=True)
class Concept:
    """One thing asked for in words: what was typed and what may match it."""

    said: str
    words: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    typos: bool = True

    @property
    def prefixes(self) -> tuple[str, ...]:
        """Return the words long enough to match as a prefix too."""
        return tuple(word for word in self.words if len(word) >= MIN_PREFIX)

    @property
    def also(self) -> tuple[str, ...]:
        """Return the alternatives beyond what was typed, words then phrases."""
        return tuple(alt for alt in (*self.words, *self.phrases) if alt != self.said)


@dataclass(frozen=True)
class ColourWord:
    """A colour named in the words: the colour, and the word as text (either may match)."""

    said: str
    colour: NamedColour

    @property
    def text(self) -> Concept:
        """Return the word as a concept of its own (a known word: no typos)."""
        return Concept(self.said, (self.said,), typos=False)

    @property
    def lab(self) -> tuple[float, float, float]:
        """Return the CIELAB colour the word stands for."""
        return self.colour.lab


@dataclass(frozen=True)
class Interpretation:
    """What a search's words were read as: concepts, then colour words."""

    concepts: tuple[Concept, ...] = ()
    colour_words: tuple[ColourWord, ...] = ()

    @property
    def expanded(self) -> bool:
        """Return whether the search looked for more than the words as typed."""
        return bool(self.colour_words) or any(concept.also for concept in self.concepts)

    def shown(self) -> Interpretation | None:
        """Return this reading if it says more than the words typed, else None."""
        return self if self.expanded else None


def interpret(text: str) -> Interpretation:
    """Return the concepts and colour words of a search text, in the order typed."""
    said = [w for w in words(text) if w not in STOPWORDS and len(w) <= MAX_TERM_LENGTH]
    concepts: list[Concept] = []
    colour_words: list[ColourWord] = []
    seen: set[str] = set()
    position = 0
    while position < len(said) and len(concepts) + len(colour_words) < MAX_TERMS:
        item, used = _read_at(said, position)
        position += used
        key = item.said if isinstance(item, ColourWord) else " ".join(item.words + item.phrases)
        if key in seen:
            continue
        seen.add(key)
        if isinstance(item, ColourWord):
            colour_words.append(item)
        else:
            concepts.append(item)
    return Interpretation(tuple(concepts), tuple(colour_words))


def _read_at(said: list[str], position: int) -> tuple[Concept | ColourWord, int]:
    """Return what the words from `position` on stand for, and how many words it took."""
    for length in range(min(LONGEST_PHRASE, len(said) - position), 0, -1):
        phrase = tuple(said[position : position + length])
        technique = _TECHNIQUES.get(phrase) or _TECHNIQUES.get(_singular(phrase))
        if technique is not None:
            return _technique_concept(" ".join(phrase), technique), length
    word = said[position]
    colour = _COLOURS.get(word)
    if colour is not None:
        return ColourWord(word, colour), 1
    return Concept(word, (word,)), 1


def _technique_concept(said: str, technique: Technique) -> Concept:
    """Return the concept of a technique named by `said`."""
    single = tuple(alt for alt in technique.finds if " " not in alt)
    phrases = tuple(alt for alt in technique.finds if " " in alt)
    return Concept(said, single, phrases, typos=False)


def _singular(phrase: tuple[str, ...]) -> tuple[str, ...]:
    """Return the words of a phrase without a plural "s" ("linocuts" → "linocut")."""
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in phrase
    )


_TECHNIQUES: dict[tuple[str, ...], Technique] = {
    tuple(word.split()): technique for technique in TECHNIQUES for word in technique.words
}
_COLOURS: dict[str, NamedColour] = {word: colour for colour in COLOURS for word in colour.words}
