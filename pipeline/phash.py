"""Perceptual hash (classic 64-bit DCT pHash) and Hamming distance between hashes."""

from __future__ import annotations

import numpy as np

HASH_INPUT_SIZE = 32
HASH_LOW_FREQUENCIES = 8
HASH_HEX_LENGTH = HASH_LOW_FREQUENCIES**2 // 4


def _dct_matrix(size: int) -> np.ndarray:
    """Return the orthonormal DCT-II matrix of the given size (rows are frequencies)."""
    k = np.arange(size)[:, None]
    n = np.arange(size)[None, :]
    matrix = np.cos(np.pi * (2 * n + 1) * k / (2 * size)) * np.sqrt(2.0 / size)
    matrix[0] /= np.sqrt(2.0)
    return np.asarray(matrix, dtype=np.float64)


# Only the lowest frequencies are needed, so keep just those rows.
_DCT_LOW = _dct_matrix(HASH_INPUT_SIZE)[:HASH_LOW_FREQUENCIES]


def perceptual_hash(grey: np.ndarray) -> str:
    """Return the 64-bit DCT pHash of a 32×32 greyscale array as 16 lowercase hex chars."""
    grey = np.asarray(grey, dtype=np.float64)
    if grey.shape != (HASH_INPUT_SIZE, HASH_INPUT_SIZE):
        raise ValueError(f"expected a {HASH_INPUT_SIZE}×{HASH_INPUT_SIZE} array, got {grey.shape}")
    low = (_DCT_LOW @ grey @ _DCT_LOW.T).reshape(-1)
    median = median_of(low[1:])
    value = 0
    for bit in low > median:
        value = (value << 1) | int(bit)
    return f"{value:0{HASH_HEX_LENGTH}x}"


def median_of(values: np.ndarray) -> float:
    """Return the median as np.median does; np.median imports numpy.ma (~10 ms per process)."""
    ordered = np.sort(values)
    middle = ordered.size // 2
    if ordered.size % 2:
        return float(ordered[middle])
    return float((ordered[middle - 1] + ordered[middle]) / 2)


def hamming_distance(a: str, b: str) -> int:
    """Return the number of differing bits between two equal-length hex hashes."""
    if len(a) != len(b):
        raise ValueError(f"hashes differ in length: {len(a)} vs {len(b)}")
    return (int(a, 16) ^ int(b, 16)).bit_count()
