"""Deterministic test images: photo-like content, metadata-laden JPEGs, hostile and fake files."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pyvips

from testkit.icc import profile_path

# ---------------------------------------------------------------------------------------------
# Photo-like content
# ---------------------------------------------------------------------------------------------

_BASE_FACTOR = 4  # smooth layers are painted at 1/4 size and upsampled (lazily)
_NOISE_TILE = (509, 503)  # sensor-like grain is a tile of gaussian noise, replicated
_NOISE_SIGMA = 3.0
_TEXTURE_AMPLITUDE = 40.0


def _unit_coords(width: int, height: int) -> tuple[pyvips.Image, pyvips.Image]:
    """Return float images u = x / width and v = y / height."""
    xy = pyvips.Image.xyz(width, height)
    return xy[0].linear(1.0 / width, 0.0), xy[1].linear(1.0 / height, 0.0)


def _disc_alpha(
    u: pyvips.Image, v: pyvips.Image, centre: tuple[float, float], radius: float, aspect: float
) -> pyvips.Image:
    """Return an anti-aliased uchar mask (255 inside) of a disc in unit coordinates."""
    du, dv = u - centre[0], (v - centre[1]) * aspect
    distance = (du * du + dv * dv) ** 0.5
    pixels_inside = (distance * -1.0 + radius) * u.width + 0.5
    return pixels_inside.linear(255.0, 0.0).cast("uchar")


def _landscape(width: int, height: int, rng: random.Random, seed: int) -> pyvips.Image:
    """Return sky over textured ground as 4 float bands: RGB plus a texture weight (0..255)."""
    u, v = _unit_coords(width, height)
    big = pyvips.Image.perlin(width, height, cell_size=max(2, width // 6), seed=seed)
    mid = pyvips.Image.perlin(width, height, cell_size=max(2, width // 40), seed=seed + 1)
    sky = (
        v.linear([-70, -50, -15, 0], [120, 160, 225, 40])
        + u.linear([25, 10, -15, 0], [0, 0, 0, 0])
        + big.linear([18, 18, 10, 0], [0, 0, 0, 0])
    )
    ground = v.linear([40, 30, 10, 0], [50, 80, 30, 255]) + (mid * 1.5 + big).linear(
        [30, 40, 15, 0], [0, 0, 0, 0]
    )
    horizon = (u * 540 + rng.uniform(0, 360)).sin().linear(0.04, rng.uniform(0.5, 0.62))
    return (v > horizon + mid * 0.03).ifthenelse(ground, sky)


def _with_shapes(scene: pyvips.Image, rng: random.Random) -> pyvips.Image:
    """Paint a few flat-ish coloured discs and rectangles with crisp edges over the scene."""
    u, v = _unit_coords(scene.width, scene.height)
    aspect = scene.height / scene.width
    for i in range(6):
        cx, cy = rng.random(), rng.uniform(0.2, 0.8)
        colour = [rng.randint(30, 230) for _ in range(3)] + [90]
        fill = v.linear([-50, -50, -50, 0], colour)
        if i % 2:
            mask = _disc_alpha(u, v, (cx, cy), rng.uniform(0.04, 0.12), aspect)
            scene = mask.ifthenelse(fill, scene, blend=True)
        else:
            w, h = rng.uniform(0.05, 0.2), rng.uniform(0.1, 0.35)
            mask = (u > cx) & (u < cx + w) & (v > cy) & (v < cy + h)
            scene = mask.ifthenelse(fill, scene)
    return scene


def _vignette(scene: pyvips.Image) -> pyvips.Image:
    """Darken the RGB bands towards the corners."""
    u, v = _unit_coords(scene.width, scene.height)
    du, dv = u - 0.5, v - 0.5
    return scene * (du * du + dv * dv).linear([-0.6, -0.6, -0.6, 0.0], [1.0, 1.0, 1.0, 1.0])


def _grain(width: int, height: int, seed: int) -> pyvips.Image:
    """Return gaussian grain (mean 0) as a small in-memory tile replicated over the image."""
    tile_w, tile_h = _NOISE_TILE
    tile = pyvips.Image.gaussnoise(
        tile_w, tile_h, sigma=_NOISE_SIGMA, mean=0.0, seed=seed
    ).copy_memory()
    return tile.replicate(width // tile_w + 1, height // tile_h + 1).crop(0, 0, width, height)


def photo(width: int, height: int, seed: int = 0) -> pyvips.Image:
    """Return lazy, seed-stable, photo-like 8-bit sRGB content (sky, textured ground, shapes)."""
    rng = random.Random(seed)
    small_w, small_h = -(-width // _BASE_FACTOR), -(-height // _BASE_FACTOR)
    scene = _vignette(_with_shapes(_landscape(small_w, small_h, rng, seed), rng)).cast("uchar")
    scene = scene.resize(width / small_w, vscale=height / small_h, kernel="linear")
    scene = scene.embed(0, 0, width, height, extend="copy")
    fine = pyvips.Image.perlin(width, height, cell_size=max(3, width // 500), seed=seed + 2)
    texture = fine * scene[3] * (_TEXTURE_AMPLITUDE / 255)
    pixels = scene[0:3] + texture + _grain(width, height, seed)
    return pixels.cast("uchar").copy(interpretation="srgb")


# ---------------------------------------------------------------------------------------------
# JPEG with metadata
# ---------------------------------------------------------------------------------------------

METADATA_MARKERS: dict[str, bytes] = {
    "camera_make": b"CopperCam Industries",
    "camera_model": b"CPG-7 Mark II",
    "camera_serial": b"CPG-SN-0451-7731",
    "gps_area": b"COPPER-GPS-AREA-51N",
    "xmp_creator_tool": b"CopperXmpCreatorTool 3.1",
    "xmp_city": b"CopperXmpCity",
    "xmp_gps": b"51,30.44000N",
    "iptc_city": b"CopperIptcCity",
    "iptc_byline": b"CopperIptcByline",
}
# Where the GPS block says the photo was taken: 51°30'26.4"N 0°7'40.8"W.
GPS_LATITUDE = ((51, 1), (30, 1), (264, 10))
GPS_LONGITUDE = ((0, 1), (7, 1), (408, 10))
CAMERA_DATETIME = b"2023:06:15 14:30:00"

_ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED, _BYTE = 2, 3, 4, 5, 7, 1
_TYPE_SIZES = {_BYTE: 1, _ASCII: 1, _SHORT: 2, _LONG: 4, _RATIONAL: 8, _UNDEFINED: 1}
_Entry = tuple[int, int, bytes]  # tag, type, little-endian value bytes


def _ascii(text: bytes) -> bytes:
    """Encode an EXIF ASCII value (NUL-terminated)."""
    return text + b"\0"


def _rationals(values: tuple[tuple[int, int], ...]) -> bytes:
    """Encode EXIF RATIONAL values."""
    return b"".join(struct.pack("<II", n, d) for n, d in values)


def _ifd(entries: list[_Entry], offset: int) -> bytes:
    """Encode one little-endian TIFF IFD at the given offset, its out-of-line values after it."""
    entries = sorted(entries)
    data_offset = offset + 2 + 12 * len(entries) + 4
    fields, data = [struct.pack("<H", len(entries))], []
    for tag, kind, value in entries:
        count = len(value) // _TYPE_SIZES[kind]
        if len(value) <= 4:
            fields.append(struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\0"))
            continue
        fields.append(struct.pack("<HHII", tag, kind, count, data_offset))
        data.append(value + bytes(len(value) % 2))
        data_offset += len(data[-1])
    fields.append(struct.pack("<I", 0))
    return b"".join(fields + data)


def _camera_entries() -> tuple[list[_Entry], list[_Entry]]:
    """Return IFD0 and Exif-IFD entries identifying a (fictional) camera."""
    ifd0 = [
        (0x010F, _ASCII, _ascii(METADATA_MARKERS["camera_make"])),
        (0x0110, _ASCII, _ascii(METADATA_MARKERS["camera_model"])),
        (0x0132, _ASCII, _ascii(CAMERA_DATETIME)),
    ]
    exif = [
        (0x9000, _UNDEFINED, b"0232"),
        (0x9003, _ASCII, _ascii(CAMERA_DATETIME)),
        (0xA431, _ASCII, _ascii(METADATA_MARKERS["camera_serial"])),
    ]
    return ifd0, exif


def _gps_entries() -> list[_Entry]:
    """Return GPS-IFD entries: version, latitude/longitude and a marker area string."""
    return [
        (0x0000, _BYTE, bytes([2, 3, 0, 0])),
        (0x0001, _ASCII, b"N\0"),
        (0x0002, _RATIONAL, _rationals(GPS_LATITUDE)),
        (0x0003, _ASCII, b"W\0"),
        (0x0004, _RATIONAL, _rationals(GPS_LONGITUDE)),
        (0x001C, _UNDEFINED, b"ASCII\0\0\0" + METADATA_MARKERS["gps_area"]),
    ]


def exif_block(*, orientation: int | None = None, gps: bool = False, camera: bool = False) -> bytes:
    """Return an APP1 Exif payload ('Exif\\0\\0' + little-endian TIFF) with the asked-for tags."""
    ifd0: list[_Entry] = [
        (0x011A, _RATIONAL, _rationals(((72, 1),))),
        (0x011B, _RATIONAL, _rationals(((72, 1),))),
        (0x0128, _SHORT, struct.pack("<H", 2)),
    ]
    if orientation is not None:
        if not 1 <= orientation <= 8:
            raise ValueError(f"EXIF orientation must be 1..8, got {orientation}")
        ifd0.append((0x0112, _SHORT, struct.pack("<H", orientation)))
    subs: list[tuple[int, list[_Entry]]] = []
    if camera:
        camera_ifd0, exif = _camera_entries()
        ifd0 += camera_ifd0
        subs.append((0x8769, exif))
    if gps:
        subs.append((0x8825, _gps_entries()))
    pointers = [(tag, _LONG, bytes(4)) for tag, _ in subs]
    offset = 8 + len(_ifd(ifd0 + pointers, 8))
    blocks = []
    for index, (tag, entries) in enumerate(subs):
        pointers[index] = (tag, _LONG, struct.pack("<I", offset))
        blocks.append(_ifd(entries, offset))
        offset += len(blocks[-1])
    return (
        b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + _ifd(ifd0 + pointers, 8) + b"".join(blocks)
    )


def _xml(text: str) -> str:
    """Escape text for an XML element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dc_elements(title: str | None, description: str | None, keywords: tuple[str, ...]) -> str:
    """Return XMP dc:title, dc:description and dc:subject elements for the given values."""
    parts = []
    for name, value in (("title", title), ("description", description)):
        if value is not None:
            parts.append(
                f'   <dc:{name}><rdf:Alt><rdf:li xml:lang="x-default">{_xml(value)}</rdf:li>'
                f"</rdf:Alt></dc:{name}>\n"
            )
    if keywords:
        items = "".join(f"<rdf:li>{_xml(word)}</rdf:li>" for word in keywords)
        parts.append(f"   <dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>\n")
    return "".join(parts)


def xmp_packet(
    title: str | None = None, description: str | None = None, keywords: tuple[str, ...] = ()
) -> bytes:
    """Return an XMP packet carrying CreatorTool, City and GPS marker values (and any dc text)."""
    m = {k: v.decode() for k, v in METADATA_MARKERS.items()}
    dc = _dc_elements(title, description, keywords)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"\n'
        '    xmlns:exif="http://ns.adobe.com/exif/1.0/"\n'
        f'    xmp:CreatorTool="{m["xmp_creator_tool"]}"\n'
        f'    photoshop:City="{m["xmp_city"]}"\n'
        f'    exif:GPSLatitude="{m["xmp_gps"]}"\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f'    exif:GPSLongitude="0,7.68000W">\n{dc}'
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def _iptc_dataset(number: int, value: bytes) -> bytes:
    """Encode one IPTC-IIM record-2 dataset."""
    return struct.pack(">BBBH", 0x1C, 2, number, len(value)) + value


def iptc_block(
    title: str | None = None, description: str | None = None, keywords: tuple[str, ...] = ()
) -> bytes:
    """Return an APP13 payload: 'Photoshop 3.0' + 8BIM resource 0x0404 holding IPTC-IIM.

    The object name (2:05) is `title` or "Copper test image"; a caption (2:120) and keywords
    (2:25) are written when given, in UTF-8 (declared by the 1:90 dataset).
    """
    name = (title or "Copper test image").encode()
    extra = [_iptc_dataset(25, word.encode()) for word in keywords]
    if description is not None:
        extra.append(_iptc_dataset(120, description.encode()))
    charset = struct.pack(">BBBH", 0x1C, 1, 90, 3) + b"\x1b%G" if title or extra else b""
    iim = charset + b"".join(
        [
            _iptc_dataset(0, b"\0\x04"),  # record version
            _iptc_dataset(5, name),  # object name
            _iptc_dataset(80, METADATA_MARKERS["iptc_byline"]),
            _iptc_dataset(90, METADATA_MARKERS["iptc_city"]),
            _iptc_dataset(116, b"(c) Copper Print Gallery test kit"),
            *extra,
        ]
    )
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(iim)) + iim
    return b"Photoshop 3.0\0" + resource + bytes(len(iim) % 2)


def _segment(marker: int, payload: bytes) -> bytes:
    """Encode one JPEG marker segment."""
    if len(payload) > 0xFFFD:
        raise ValueError("JPEG segment payload too large")
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _insert_segments(data: bytes, segments: list[bytes]) -> bytes:
    """Insert segments after SOI and any JFIF APP0 that must stay first."""
    position = 2
    if data[2:4] == b"\xff\xe0":
        position = 4 + struct.unpack(">H", data[4:6])[0]
    return data[:position] + b"".join(segments) + data[position:]


def _with_profile(image: pyvips.Image, icc: bytes | None) -> pyvips.Image:
    """Return the image with an ICC profile attached (if one is given)."""
    if icc is None:
        return image
    image = image.copy()
    image.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc)
    return image


def _keep_icc(image: pyvips.Image) -> str:
    """Return the keep= option that preserves only an attached ICC profile."""
    return "icc" if image.get_typeof("icc-profile-data") else "none"


def jpeg(
    image: pyvips.Image,
    *,
    quality: int = 90,
    orientation: int | None = None,
    gps: bool = False,
    xmp: bool | bytes = False,
    iptc: bool | bytes = False,
    icc: bytes | None = None,
    camera: bool = False,
) -> bytes:
    """Return a JPEG with exactly the asked-for metadata (ICC: icc, else the image's own)."""
    image = _with_profile(image, icc)
    data = image.jpegsave_buffer(Q=quality, keep=_keep_icc(image))
    segments = []
    if orientation is not None or gps or camera:
        segments.append(_segment(0xE1, exif_block(orientation=orientation, gps=gps, camera=camera)))
    if xmp:
        packet = xmp if isinstance(xmp, bytes) else xmp_packet()
        segments.append(_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + packet))
    if iptc:
        segments.append(_segment(0xED, iptc if isinstance(iptc, bytes) else iptc_block()))
    return _insert_segments(data, segments)


# ---------------------------------------------------------------------------------------------
# Colour spaces and other formats
# ---------------------------------------------------------------------------------------------


def tagged(image: pyvips.Image, profile: bytes | str) -> pyvips.Image:
    """Convert sRGB (or embedded-profile) pixels into a profile's space and attach the profile."""
    depth = 16 if image.format == "ushort" else 8
    out = image.icc_transform(
        profile_path(profile), input_profile="srgb", embedded=True, depth=depth
    )
    return _with_profile(out, profile if isinstance(profile, bytes) else None)


def cmyk_jpeg(image: pyvips.Image, *, embed_profile: bool, quality: int = 90) -> bytes:
    """Return a CMYK JPEG made with libvips' built-in CMYK profile, embedded or not.

    Without the profile the separation is the prepress default (relative colorimetric with
    black-point compensation), the convention the pipeline assumes for profile-less CMYK.
    """
    bpc = not embed_profile
    cmyk = image.icc_transform(
        "cmyk", input_profile="srgb", embedded=True, black_point_compensation=bpc
    )
    return cmyk.jpegsave_buffer(Q=quality, keep="icc" if embed_profile else "none")


def png16(image: pyvips.Image) -> bytes:
    """Return a 16-bit RGB PNG whose low bytes carry real (dithered) detail."""
    xy = pyvips.Image.xyz(image.width, image.height)
    dither = ((xy[0] * 7 + xy[1] * 13) & 255) - 128
    wide = (image.cast("int") * 257 + dither).cast("ushort").copy(interpretation="rgb16")
    return wide.pngsave_buffer(bitdepth=16, keep=_keep_icc(wide))


def grey_png(image: pyvips.Image) -> bytes:
    """Return an 8-bit greyscale PNG of the image."""
    return image.colourspace("b-w").pngsave_buffer(keep="none")


def alpha_png(image: pyvips.Image) -> bytes:
    """Return an RGBA PNG: left quarter transparent, bottom quarter half-transparent."""
    xy = pyvips.Image.xyz(image.width, image.height)
    half = (xy[1] >= image.height * 3 // 4).ifthenelse(128, 255)
    alpha = (xy[0] < image.width // 4).ifthenelse(0, half).cast("uchar")
    rgba = image.bandjoin(alpha).copy(interpretation="srgb")
    return rgba.pngsave_buffer(keep=_keep_icc(rgba))


def tiff(image: pyvips.Image, compression: str = "lzw") -> bytes:
    """Return a TIFF (keeping an attached ICC profile)."""
    return image.tiffsave_buffer(compression=compression, keep=_keep_icc(image))


def write_tiff(
    image: pyvips.Image, path: str | Path, compression: str = "lzw", *, tile: bool = False
) -> None:
    """Stream a (possibly huge) image to a strip or tiled TIFF file, BigTIFF when needed."""
    big = image.width * image.height * image.bands * (2 if image.format == "ushort" else 1)
    image.tiffsave(
        str(path),
        compression=compression,
        tile=tile,
        bigtiff=big >= 2**31,
        keep=_keep_icc(image),
    )


def animated_gif(frames: int, width: int, height: int) -> bytes:
    """Return a looping GIF with the given number of distinct frames (a disc moving across)."""
    from PIL import Image

    ys, xs = np.mgrid[0:height, 0:width]
    background = (xs * 6 // max(1, width)).astype(np.uint8)  # palette entries 0-5: a ramp
    palette = [v for i in range(6) for v in (120 + 20 * i, 40 + 15 * i, 160 - 20 * i)]
    palette += [250, 200, 30]  # entry 6: the disc
    radius = 0.2 * height
    pages = []
    for index in range(frames):
        cx = (index + 0.5) / frames * width
        indices = np.where((xs - cx) ** 2 + (ys - height / 2) ** 2 < radius**2, 6, background)
        indices[0, 0] = 6 * (index % 2)  # consecutive frames always differ, so none are merged
        page = Image.fromarray(indices.astype(np.uint8), mode="P")
        page.putpalette(palette)
        pages.append(page)
    buffer = io.BytesIO()
    pages[0].save(
        buffer, format="GIF", save_all=True, append_images=pages[1:], duration=100, loop=0,
        optimize=False, disposal=1,
    )  # fmt: skip
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """Encode one PNG chunk with its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _zlib_zeros(total: int, chunk: int = 4 << 20) -> bytes:
    """Return a zlib stream of `total` zero bytes: one chunk deflated once, then repeated."""

    def deflated(size: int) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate
        return compressor.compress(bytes(size)) + compressor.flush(zlib.Z_FULL_FLUSH)

    full, rest = divmod(total, chunk)
    adler, zeros = 1, bytes(chunk)
    for _ in range(full):
        adler = zlib.adler32(zeros, adler)
    adler = zlib.adler32(bytes(rest), adler)
    body = deflated(chunk) * full + (deflated(rest) if rest else b"")
    final_empty_block = b"\x03\x00"
    return b"\x78\xda" + body + final_empty_block + struct.pack(">I", adler)


def decompression_bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """Return a small, valid 1-bit greyscale PNG of all-black rows declaring a huge size."""
    row_bytes = 1 + (width + 7) // 8  # filter byte 0 + packed zero pixels
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", _zlib_zeros(row_bytes * height))
        + _png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """Return a small real PNG whose IHDR is patched (CRC fixed) to claim the given size."""
    data = bytearray(photo(32, 24, seed=7).pngsave_buffer(keep="none"))
    if data[12:16] != b"IHDR":
        raise AssertionError("libvips PNG does not start with IHDR")
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _sof_offset(data: bytes) -> int:
    """Return the offset of the first SOFn marker of a JPEG."""
    position = 2
    while position < len(data):
        marker = data[position + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return position
        position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]
    raise ValueError("no SOF marker found")


def jpeg_claiming(width: int, height: int) -> bytes:
    """Return a small real JPEG whose SOF header is patched to claim the given size."""
    if not (0 < width < 65536 and 0 < height < 65536):
        raise ValueError("a JPEG frame header holds sizes 1..65535")
    data = bytearray(photo(32, 24, seed=7).jpegsave_buffer(keep="none"))
    sof = _sof_offset(bytes(data))
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def truncated_jpeg() -> bytes:
    """Return a real JPEG cut off half-way through its entropy-coded data."""
    data = jpeg(photo(320, 240, seed=3))
    return data[: len(data) // 2]


ZIP_MARKER = b"COPPER-ZIP-PAYLOAD-7f3a9c"


def jpeg_with_zip() -> tuple[bytes, bytes]:
    """Return a JPEG with a (stored) ZIP archive appended, and the payload's marker bytes."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        info = zipfile.ZipInfo("secret.txt", date_time=(2020, 1, 1, 0, 0, 0))
        zf.writestr(info, ZIP_MARKER + b"\n")
    return jpeg(photo(160, 120, seed=4)) + archive.getvalue(), ZIP_MARKER


# ---------------------------------------------------------------------------------------------
# Impostors: not images, or formats the pipeline must refuse
# ---------------------------------------------------------------------------------------------


def svg() -> bytes:
    """Return a small SVG document."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48">'
        b'<rect width="64" height="48" fill="#b87333"/><circle cx="32" cy="24" r="12"/></svg>\n'
    )


def pdf() -> bytes:
    """Return a minimal valid one-page PDF (with a correct xref table)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def psd(width: int = 4, height: int = 4) -> bytes:
    """Return a minimal raw 8-bit RGB Photoshop file ('8BPS' header, empty sections)."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)  # colour mode, image resources, layers
    return header + sections + struct.pack(">H", 0) + bytes(3 * width * height)


def _fits_card(keyword: str, value: str) -> bytes:
    """Encode one 80-column FITS header card."""
    return f"{keyword:<8}= {value:>20}".ljust(80).encode("ascii")


def fits() -> bytes:
    """Return a minimal FITS file: an 8-bit 4×4 primary array."""
    cards = [
        _fits_card("SIMPLE", "T"),
        _fits_card("BITPIX", "8"),
        _fits_card("NAXIS", "2"),
        _fits_card("NAXIS1", "4"),
        _fits_card("NAXIS2", "4"),
        b"END".ljust(80),
    ]
    header = b"".join(cards)
    data = bytes(16)
    return header.ljust(2880, b" ") + data.ljust(2880, b"\0")


def csv() -> bytes:
    """Return a small CSV file."""
    return b"sku,title,price\nCPG-001,Copper Sunset,120.00\nCPG-002,Verdigris Study,95.50\n"


def html() -> bytes:
    """Return a small HTML page."""
    return (
        b"<!DOCTYPE html>\n<html><head><title>Copper</title></head>"
        b'<body><img src="print.jpg" alt="print"></body></html>\n'
    )


def text() -> bytes:
    """Return plain UTF-8 text."""
    return "Copper Print Gallery — not an image.\n".encode()


IMPOSTORS: dict[str, bytes] = {
    "svg": svg(),
    "pdf": pdf(),
    "psd": psd(),
    "fits": fits(),
    "csv": csv(),
    "html": html(),
    "text": text(),
}

# ---------------------------------------------------------------------------------------------
# Colour swatches
# ---------------------------------------------------------------------------------------------

# In-gamut sRGB patches (ColorChecker-like), laid out row by row in a SWATCH_GRID grid.
SWATCHES: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("dark skin", (115, 82, 68)),
    ("light skin", (194, 150, 130)),
    ("blue sky", (98, 122, 157)),
    ("foliage", (87, 108, 67)),
    ("red", (175, 54, 60)),
    ("yellow", (231, 199, 31)),
    ("blue", (56, 61, 150)),
    ("mid grey", (122, 122, 121)),
)
SWATCH_GRID = (4, 2)  # columns, rows
SWATCH_SIZE = 32


def swatches_srgb(size: int = SWATCH_SIZE) -> pyvips.Image:
    """Return a grid of flat, in-gamut sRGB patches (SWATCHES, row by row)."""
    columns, rows = SWATCH_GRID
    grid = np.zeros((rows * size, columns * size, 3), dtype=np.uint8)
    for index, (_, rgb) in enumerate(SWATCHES):
        row, column = divmod(index, columns)
        grid[row * size : (row + 1) * size, column * size : (column + 1) * size] = rgb
    return pyvips.Image.new_from_array(grid).copy(interpretation="srgb")


def patch_means(image: pyvips.Image | np.ndarray) -> list[tuple[float, float, float]]:
    """Return the mean colour of the central half of each SWATCHES cell (any image scale)."""
    pixels = image.numpy() if isinstance(image, pyvips.Image) else np.asarray(image)
    pixels = pixels.reshape(pixels.shape[0], pixels.shape[1], -1).astype(np.float64)
    if pixels.shape[2] < 3:
        pixels = np.repeat(pixels[:, :, :1], 3, axis=2)
    columns, rows = SWATCH_GRID
    cell_h, cell_w = pixels.shape[0] / rows, pixels.shape[1] / columns
    means = []
    for index in range(len(SWATCHES)):
        row, column = divmod(index, columns)
        top, left = round((row + 0.25) * cell_h), round((column + 0.25) * cell_w)
        bottom, right = round((row + 0.75) * cell_h), round((column + 0.75) * cell_w)
        cell = pixels[top : max(bottom, top + 1), left : max(right, left + 1), :3]
        means.append(tuple(float(c) for c in cell.mean(axis=(0, 1))))
    return means


def heic(image: pyvips.Image, *, icc: bytes | None = None, quality: int = 90) -> bytes:
    """Return an HEVC-coded HEIC (as phones write them), optionally with an ICC profile."""
    import pillow_heif
    from PIL import Image

    pixels = image.numpy()
    heif = pillow_heif.from_pillow(Image.fromarray(pixels))
    if icc is not None:
        heif.info["icc_profile"] = icc
    buffer = io.BytesIO()
    heif.save(buffer, quality=quality)
    return buffer.getvalue()
