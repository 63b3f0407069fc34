"""Writer of ICC v2 matrix/TRC RGB display profiles, so tests can make wide-gamut originals."""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

XY = tuple[float, float]

# ICC PCS illuminant (D50) as stored in every profile header, and its chromaticity.
PCS_D50_XYZ = (0.9642, 1.0, 0.8249)
D50: XY = (0.9642 / 2.7891, 1.0 / 2.7891)
D65: XY = (0.3127, 0.3290)

_BRADFORD = np.array(
    [
        [0.8951, 0.2664, -0.1614],
        [-0.7502, 1.7135, 0.0367],
        [0.0389, -0.0685, 1.0296],
    ]
)
_CURVE_TABLE_SIZE = 1024
_HEADER_SIZE = 128
_CREATED = (2024, 1, 1, 0, 0, 0)  # fixed, so generated profiles are byte-stable
_COPYRIGHT = "No copyright, use freely (Copper Print Gallery test kit)"


def xy_to_xyz(xy: XY) -> np.ndarray:
    """Return the XYZ (Y = 1) of a chromaticity."""
    x, y = xy
    return np.array([x / y, 1.0, (1.0 - x - y) / y])


def bradford(source_white: np.ndarray, target_white: np.ndarray) -> np.ndarray:
    """Return the 3×3 Bradford chromatic adaptation matrix from one white to another."""
    ratio = (_BRADFORD @ target_white) / (_BRADFORD @ source_white)
    return np.linalg.inv(_BRADFORD) @ np.diag(ratio) @ _BRADFORD


def rgb_to_xyz_matrix(primaries_xy: Sequence[XY], white_xy: XY) -> np.ndarray:
    """Return the RGB → XYZ matrix (columns are the colorants) of an RGB space."""
    colorants = np.column_stack([xy_to_xyz(p) for p in primaries_xy])
    scale = np.linalg.solve(colorants, xy_to_xyz(white_xy))
    return colorants * scale


def d50_colorants(primaries_xy: Sequence[XY], white_xy: XY) -> np.ndarray:
    """Return the RGB → XYZ matrix Bradford-adapted to the ICC D50 PCS white."""
    adapt = bradford(xy_to_xyz(white_xy), np.array(PCS_D50_XYZ))
    return adapt @ rgb_to_xyz_matrix(primaries_xy, white_xy)


def _s15f16(value: float) -> bytes:
    """Encode an s15Fixed16Number."""
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz: Sequence[float]) -> bytes:
    """Encode an XYZType tag."""
    return b"XYZ " + bytes(4) + b"".join(_s15f16(v) for v in xyz)


def _text_tag(text: str) -> bytes:
    """Encode a textType tag (v2)."""
    return b"text" + bytes(4) + text.encode("ascii", "replace") + b"\0"


def _desc_tag(text: str) -> bytes:
    """Encode a textDescriptionType tag (v2): ASCII, empty Unicode and ScriptCode parts."""
    ascii_ = text.encode("ascii", "replace") + b"\0"
    unicode_part = struct.pack(">II", 0, 0)
    scriptcode_part = struct.pack(">HB", 0, 0) + bytes(67)
    return (
        b"desc"
        + bytes(4)
        + struct.pack(">I", len(ascii_))
        + ascii_
        + unicode_part
        + scriptcode_part
    )


def srgb_decode(v: np.ndarray) -> np.ndarray:
    """Apply the IEC 61966-2-1 sRGB transfer function (encoded 0..1 → linear 0..1)."""
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _curve_tag(gamma: float | Literal["srgb"]) -> bytes:
    """Encode a curveType tag: one u8Fixed8 gamma, or a sampled sRGB curve for 'srgb'."""
    if gamma == "srgb":
        samples = srgb_decode(np.linspace(0.0, 1.0, _CURVE_TABLE_SIZE))
        table = np.round(samples * 65535).astype(">u2").tobytes()
        return b"curv" + bytes(4) + struct.pack(">I", _CURVE_TABLE_SIZE) + table
    encoded = round(float(gamma) * 256)
    if not 0 < encoded < 65536:
        raise ValueError(f"gamma {gamma} does not fit a u8Fixed8Number")
    return b"curv" + bytes(4) + struct.pack(">IH", 1, encoded)


def _pad4(data: bytes) -> bytes:
    """Pad to a multiple of four bytes."""
    return data + bytes(-len(data) % 4)


def _header(size: int) -> bytes:
    """Return the 128-byte header of a v2.1 RGB display profile with a D50 illuminant."""
    header = (
        struct.pack(">I", size)
        + b"lcms"  # preferred CMM
        + bytes([0x02, 0x10, 0, 0])  # version 2.1.0
        + b"mntr"
        + b"RGB "
        + b"XYZ "
        + struct.pack(">6H", *_CREATED)
        + b"acsp"
        + b"APPL"  # primary platform
        + struct.pack(">I", 0)  # flags
        + bytes(4)  # device manufacturer
        + bytes(4)  # device model
        + bytes(8)  # attributes
        + struct.pack(">I", 0)  # rendering intent: perceptual
        + b"".join(_s15f16(v) for v in PCS_D50_XYZ)
        + b"CPGK"  # creator
    )
    return header + bytes(_HEADER_SIZE - len(header))  # profile ID + reserved stay zero


def _assemble(tags: list[tuple[bytes, bytes]]) -> bytes:
    """Lay out header, tag table and 4-byte aligned tag data into a profile."""
    offset = _HEADER_SIZE + 4 + 12 * len(tags)
    table, body = [struct.pack(">I", len(tags))], []
    for signature, data in tags:
        table.append(signature + struct.pack(">II", offset, len(data)))
        body.append(_pad4(data))
        offset += len(body[-1])
    return _header(offset) + b"".join(table) + b"".join(body)


def rgb_profile(
    name: str,
    primaries_xy: tuple[XY, XY, XY],
    white_xy: XY,
    gamma: float | Literal["srgb"],
) -> bytes:
    """Return an ICC v2.1 matrix/TRC RGB display profile (gamma, or 'srgb' for the sRGB curve)."""
    colorants = d50_colorants(primaries_xy, white_xy)
    curve = _curve_tag(gamma)
    # wtpt holds the media white as v2 asks; lcms uses D50 for v2 display profiles anyway.
    tags = [
        (b"desc", _desc_tag(name)),
        (b"cprt", _text_tag(_COPYRIGHT)),
        (b"wtpt", _xyz_tag(xy_to_xyz(white_xy))),
        (b"rXYZ", _xyz_tag(colorants[:, 0])),
        (b"gXYZ", _xyz_tag(colorants[:, 1])),
        (b"bXYZ", _xyz_tag(colorants[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    return _assemble(tags)


def tags(profile: bytes) -> dict[str, bytes]:
    """Return the raw data of each tag of a profile, keyed by signature."""
    (count,) = struct.unpack_from(">I", profile, _HEADER_SIZE)
    result = {}
    for i in range(count):
        sig, offset, size = struct.unpack_from(">4sII", profile, _HEADER_SIZE + 4 + 12 * i)
        result[sig.decode("latin-1")] = profile[offset : offset + size]
    return result


def read_xyz(profile: bytes, signature: str) -> tuple[float, float, float]:
    """Return the XYZ value stored in an XYZType tag."""
    data = tags(profile)[signature]
    x, y, z = struct.unpack_from(">3i", data, 8)
    return (x / 65536, y / 65536, z / 65536)


def description(profile: bytes) -> str:
    """Return the ASCII description (desc tag, v2 or v4 'mluc') of a profile."""
    data = tags(profile)["desc"]
    if data[:4] == b"mluc":
        _, size, offset = struct.unpack_from(">4sII", data, 16)
        return data[offset : offset + size].decode("utf-16-be")
    (length,) = struct.unpack_from(">I", data, 8)
    return data[12 : 12 + length].rstrip(b"\0").decode("ascii", "replace")


def profile_path(profile: bytes | str) -> str:
    """Return something icc_transform accepts: a built-in name or path as is, bytes as a file."""
    if isinstance(profile, str):
        return profile
    digest = hashlib.sha256(profile).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / "copper-test-icc" / f"{digest}.icc"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(profile)
        partial.replace(path)
    return str(path)


ADOBE_RGB = rgb_profile(
    "Adobe RGB (1998) compatible",
    ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06)),
    D65,
    563 / 256,
)
PROPHOTO_RGB = rgb_profile(
    "ProPhoto RGB (ROMM) compatible",
    ((0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001)),
    D50,
    1.8,
)
# Exact Display P3: DCI-P3 primaries, D65 white and the sRGB curve (sampled, 1024 entries).
DISPLAY_P3 = rgb_profile(
    "Display P3 compatible",
    ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)),
    D65,
    "srgb",
)
# sRGB built by the same writer; checks the writer against libvips' built-in sRGB.
SRGB = rgb_profile(
    "sRGB IEC61966-2.1 compatible",
    ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06)),
    D65,
    "srgb",
)
