"""Unit tests for the colour maths of search: CIEDE2000 and the weighted palette distance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from search.colour import COVERAGE_PENALTY, colour_distance, colour_from_hex, delta_e_2000
from search.errors import InvalidQuery
from search.query import ColourQuery

# Sharma, Wu and Dalal (2005), table 1: (Lab 1, Lab 2, ΔE00).
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]

RED = (53.24, 80.09, 67.2)
BLUE = (32.3, 79.19, -107.86)


def entry(lab: tuple[float, float, float], share: float) -> tuple:
    """Return a palette entry of a Lab colour covering `share` of a work."""
    return (*lab, share, "#000000", "test")


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA_PAIRS)
def test_delta_e_2000_matches_sharmas_reference_pairs(
    first: tuple, second: tuple, expected: float
) -> None:
    assert float(delta_e_2000(np.array(first), np.array(second))) == pytest.approx(
        expected, abs=1e-4
    )
    assert float(delta_e_2000(np.array(second), np.array(first))) == pytest.approx(
        expected, abs=1e-4
    )


def test_delta_e_2000_broadcasts_over_arrays() -> None:
    firsts = np.array([pair[0] for pair in SHARMA_PAIRS])
    seconds = np.array([pair[1] for pair in SHARMA_PAIRS])
    expected = [pair[2] for pair in SHARMA_PAIRS]
    np.testing.assert_allclose(delta_e_2000(firsts, seconds), expected, atol=1e-4)
    assert delta_e_2000(firsts, firsts).max() == 0.0


def test_a_colour_covering_the_whole_work_is_at_distance_zero() -> None:
    assert colour_distance([entry(RED, 1.0)], [ColourQuery(RED)]) == pytest.approx(0.0)


def test_the_same_colour_covering_less_of_the_work_is_further_away() -> None:
    most = colour_distance([entry(RED, 0.8), entry(BLUE, 0.2)], [ColourQuery(RED)])
    little = colour_distance([entry(RED, 0.1), entry(BLUE, 0.9)], [ColourQuery(RED)])
    assert most == pytest.approx(COVERAGE_PENALTY * 0.2)
    assert little == pytest.approx(COVERAGE_PENALTY * 0.9)


def test_each_query_colour_takes_its_nearest_palette_colour_and_counts_by_weight() -> None:
    palette = [entry(RED, 0.5), entry(BLUE, 0.5)]
    both = colour_distance(palette, [ColourQuery(RED, 3.0), ColourQuery(BLUE, 1.0)])
    assert both == pytest.approx(COVERAGE_PENALTY * 0.5)
    red_only = [entry(RED, 1.0)]
    far = float(delta_e_2000(np.array(BLUE), np.array(RED)))
    weighted = colour_distance(red_only, [ColourQuery(RED, 3.0), ColourQuery(BLUE, 1.0)])
    assert weighted == pytest.approx(far / 4)


def test_no_query_colours_is_distance_zero_and_no_palette_is_infinitely_far() -> None:
    assert colour_distance([entry(RED, 1.0)], []) == 0.0
    assert math.isinf(colour_distance([], [ColourQuery(RED)]))


def test_a_hex_colour_becomes_its_lab_colour() -> None:
    white = colour_from_hex("#FFFFFF")
    assert white.lab == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    red = colour_from_hex("ff0000", weight=2.0)
    assert red.lab == pytest.approx((53.24, 80.09, 67.2), abs=0.05)
    assert red.weight == 2.0


@pytest.mark.parametrize("value", ["", "#fff", "#gggggg", "red", "#1234567"])
def test_a_malformed_hex_colour_is_an_invalid_query(value: str) -> None:
    with pytest.raises(InvalidQuery):
        colour_from_hex(value)


@pytest.mark.parametrize(
    ("lab", "weight"), [((1.0, 2.0), 1.0), ((1.0, 2.0, math.nan), 1.0), ((1.0, 2.0, 3.0), 0.0)]
)
def test_a_colour_needs_three_finite_values_and_a_positive_weight(
    lab: tuple, weight: float
) -> None:
    with pytest.raises(InvalidQuery):
        ColourQuery(lab, weight)
