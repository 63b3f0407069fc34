"""Colour search maths both adapters rank with: CIEDE2000 and the palette distance.

A colour query is one or more Lab colours `q_j`, each with a weight `v_j`. A work's palette
is colours `p_i` with shares `w_i` (0..1). The work's colour distance is

    d_j = min_i [ ΔE00(q_j, p_i) + COVERAGE_PENALTY · (1 − w_i) ]
    colour_distance = Σ_j v_j · d_j / Σ_j v_j

so each query colour is matched by the palette colour closest to it, and a colour that
covers more of the work counts as nearer (an exact match covering 10 % of a work is
18 ΔE00 away; one covering 90 % is 2). Lower is better.

Candidates (`search.candidates`): a work takes part in a colour search only if one of its
palette colours lies inside the box of ± COLOUR_BOX Lab units around one of the query
colours (a range filter both engines evaluate natively). Both adapters rank at most
MAX_COLOUR_CANDIDATES candidates (the lowest artwork ids) in Python with `colour_distance`;
total and facets still count every match.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from pipeline.palette import srgb_to_lab
from search.document import PaletteEntry
from search.errors import InvalidQuery
from search.query import ColourQuery

COVERAGE_PENALTY = 20.0  # ΔE00 added for a palette colour that covers none of the work

_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def colour_from_hex(value: str, weight: float = 1.0) -> ColourQuery:
    """Return the colour query of an sRGB hex code such as '#c0392b'."""
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidQuery(f"not a hex colour: {value!r}")
    rgb = np.frombuffer(bytes.fromhex(match.group(1)), dtype=np.uint8)
    lightness, a, b = (float(v) for v in srgb_to_lab(rgb))
    return ColourQuery((lightness, a, b), weight)


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """Return CIEDE2000 colour differences (kL = kC = kH = 1) between Lab arrays (..., 3).

    Sharma, Wu and Dalal, "The CIEDE2000 color-difference formula" (2005), equations 1–17.
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2.0) ** 7
    g = 0.5 * (1.0 - np.sqrt(c_bar7 / (c_bar7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0
    chroma_product = c1p * c2p
    dh = h2p - h1p
    dh = np.where(dh > 180.0, dh - 360.0, np.where(dh < -180.0, dh + 360.0, dh))
    dh = np.where(chroma_product == 0.0, 0.0, dh)
    d_hue = 2.0 * np.sqrt(chroma_product) * np.sin(np.radians(dh / 2.0))
    l_bar = (l1 + l2) / 2.0
    c_bar_p = (c1p + c2p) / 2.0
    h_bar = _mean_hue(h1p, h2p, chroma_product)
    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_bar - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_bar))
        + 0.32 * np.cos(np.radians(3.0 * h_bar + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_bar - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_bar - 275.0) / 25.0) ** 2))
    r_c = 2.0 * np.sqrt(c_bar_p**7 / (c_bar_p**7 + 25.0**7))
    s_l = 1.0 + 0.015 * (l_bar - 50.0) ** 2 / np.sqrt(20.0 + (l_bar - 50.0) ** 2)
    s_c = 1.0 + 0.045 * c_bar_p
    s_h = 1.0 + 0.015 * c_bar_p * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c
    dl, dc, dhh = (l2 - l1) / s_l, (c2p - c1p) / s_c, d_hue / s_h
    return np.sqrt(dl**2 + dc**2 + dhh**2 + r_t * dc * dhh)


def _mean_hue(h1: np.ndarray, h2: np.ndarray, chroma_product: np.ndarray) -> np.ndarray:
    """Return the mean hue angle of CIEDE2000 (equation 14), in degrees."""
    total = h1 + h2
    wrapped = np.where(total < 360.0, (total + 360.0) / 2.0, (total - 360.0) / 2.0)
    mean = np.where(np.abs(h1 - h2) <= 180.0, total / 2.0, wrapped)
    return np.where(chroma_product == 0.0, total, mean)


def colour_distance(palette: Sequence[PaletteEntry], colours: Sequence[ColourQuery]) -> float:
    """Return a palette's weighted CIEDE2000 distance to the query colours (see module doc)."""
    if not colours:
        return 0.0
    if not palette:
        return math.inf
    palette_lab = np.array([entry[:3] for entry in palette], dtype=np.float64)
    shares = np.clip(np.array([entry[3] for entry in palette], dtype=np.float64), 0.0, 1.0)
    query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
    weights = np.array([colour.weight for colour in colours], dtype=np.float64)
    delta = delta_e_2000(query_lab[:, None, :], palette_lab[None, :, :])
    nearest = (delta + COVERAGE_PENALTY * (1.0 - shares)[None, :]).min(axis=1)
    return float((weights * nearest).sum() / weights.sum())


def colour_distances(
    lab: np.ndarray, shares: np.ndarray, present: np.ndarray, colours: Sequence[ColourQuery]
) -> np.ndarray:
    """Return `colour_distance` of many palettes at once (the same numbers).

    `lab` is (works, colours, 3), `shares` and `present` (works, colours): palettes padded to
    one length, `present` false on the padding. A work without colours is infinitely far.
    """
    count = lab.shape[0]
    if not colours:
        return np.zeros(count, dtype=np.float64)
    if count == 0 or lab.shape[1] == 0:
        return np.full(count, math.inf, dtype=np.float64)
    query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
    weights = np.array([colour.weight for colour in colours], dtype=np.float64)
    shares = np.clip(np.asarray(shares, dtype=np.float64), 0.0, 1.0)
    delta = delta_e_2000(query_lab[None, :, None, :], np.asarray(lab)[:, None, :, :])
    penalised = delta + (COVERAGE_PENALTY * (1.0 - shares))[:, None, :]
    nearest = np.where(present[:, None, :], penalised, math.inf).min(axis=2)
    return (weights[None, :] * nearest).sum(axis=1) / weights.sum()


def packed_colour_distances(
    values: np.ndarray, sizes: np.ndarray, colours: Sequence[ColourQuery]
) -> np.ndarray:
    """Return `colour_distance` of palettes laid end to end (the same numbers).

    `values` holds (L, a, b, share) rows: the first `sizes[0]` rows are the first palette,
    and so on; every palette has at least one colour.
    """
    ends = np.cumsum(sizes)
    query_lab = np.array([colour.lab for colour in colours], dtype=np.float64)
    weights = np.array([colour.weight for colour in colours], dtype=np.float64)
    delta = delta_e_2000(query_lab[None, :, :], values[:, None, :3])
    penalty = COVERAGE_PENALTY * (1.0 - np.clip(values[:, 3], 0.0, 1.0))
    nearest = np.minimum.reduceat(delta + penalty[:, None], ends - sizes, axis=0)
    return (weights[None, :] * nearest).sum(axis=1) / weights.sum()
