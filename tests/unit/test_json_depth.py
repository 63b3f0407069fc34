"""The JSON depth measure of the API and of the studio: exact up to the limit, never recursive."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_artist.inputs import nesting_depth as studio_depth
from service.http.params import nesting_depth as api_depth

MEASURES = [api_depth, studio_depth]
LIMIT = 32

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n', max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=60,
)


def depth(value: Any) -> int:
    """Return how deep lists and dicts nest in `value` (the reference)."""
    if isinstance(value, list):
        return 1 + max((depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(item) for item in value.values()), default=0)
    return 0


@pytest.mark.parametrize("measure", MEASURES)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=values)
def test_the_depth_of_json_text_is_the_depth_of_its_value(
    measure: Callable[[bytes, int], int], value: Any
) -> None:
    assert measure(json.dumps(value).encode(), LIMIT) == min(depth(value), LIMIT + 1)


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"[" * 10_000, LIMIT + 1),
        (b"[" * 33 + b"]" * 33, LIMIT + 1),
        (b"[" * 32 + b"]" * 32, 32),
        (b'{"a": [{"b": [[]]}]}', 5),
        (b'["]]]]", "[[[[", "\\"[\\\\"]', 1),
        (b"]]]", 0),
        (b'[["unterminated [[[[', 2),  # an open string runs to the end
        (b'[["ends in a backslash \\', 2),
        (b'"' + b'\\"' * 1000, 0),  # one string of escaped quotes, never closed
        (b"", 0),
    ],
)
def test_unbalanced_and_edge_texts(
    measure: Callable[[bytes, int], int], text: bytes, expected: int
) -> None:
    assert measure(text, LIMIT) == expected
