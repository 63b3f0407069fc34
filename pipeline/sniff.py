"""Identify a file's type from its first bytes, never from its name or declared type."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SNIFF_BYTES = 512
INFLATE_BYTES = 4096  # of a gzip stream, inflated only to look for an SVG inside

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}

Family = Literal["image", "picture", "archive", "other"]


@dataclass(frozen=True)
class Kind:
    """A recognised file type: its short name, a human label, libvips loader and MIME types.

    `family` says what an artist can do with a refused kind: a `picture` (an image in a format
    the gallery does not take) can be exported again; an `archive` holds files to unpack;
    anything `other` is not an image at all.
    """

    name: str
    label: str
    loader: str | None = None
    mime_types: tuple[str, ...] = ()
    family: Family = "other"

    @property
    def allowed(self) -> bool:
        """Return whether this type may enter the pipeline."""
        return self.loader is not None

    @property
    def refusal(self) -> str:
        """Return why this kind is refused and what to upload instead, in an artist's words."""
        if self.family == "picture":
            return (
                f"This is {self.label}, which the gallery does not accept. "
                f"Please export it as {ALLOWED_LABELS} and upload that."
            )
        if self.family == "archive":
            return (
                f"This is {self.label}, not an image. "
                f"Please unpack it and upload the images inside as {ALLOWED_LABELS} files."
            )
        if self is UNKNOWN:
            return (
                "This file is not in an image format we recognise. "
                f"Please upload a {ALLOWED_LABELS} file."
            )
        return f"This is {self.label}, not an image. Please upload a {ALLOWED_LABELS} file."


def _picture(name: str, label: str) -> Kind:
    return Kind(name, label, family="picture")


JPEG = Kind("jpeg", "JPEG", "jpegload", ("image/jpeg",), "image")
PNG = Kind("png", "PNG", "pngload", ("image/png",), "image")
WEBP = Kind("webp", "WebP", "webpload", ("image/webp",), "image")
TIFF = Kind("tiff", "TIFF", "tiffload", ("image/tiff",), "image")
GIF = Kind("gif", "GIF", "gifload", ("image/gif",), "image")
HEIF = Kind("heif", "HEIC/HEIF", "heifload", ("image/heic", "image/heif"), "image")
AVIF = Kind("avif", "AVIF", "heifload", ("image/avif",), "image")

SVG = _picture("svg", "an SVG drawing")
SVGZ = _picture("svgz", "a compressed SVG drawing (SVGZ)")
PSD = _picture("psd", "a Photoshop document (PSD)")
FITS = _picture("fits", "a FITS astronomy image")
BMP = _picture("bmp", "a BMP image (Windows bitmap)")
TGA = _picture("tga", "a TGA image (Targa)")
DDS = _picture("dds", "a DDS texture (DirectDraw Surface)")
JPEG2000 = _picture("jpeg2000", "a JPEG 2000 image")
JPEGXL = _picture("jpegxl", "a JPEG XL image")
ICO = _picture("ico", "a Windows icon (ICO)")
CUR = _picture("cur", "a Windows cursor (CUR)")
ICNS = _picture("icns", "a macOS icon (ICNS)")
PBM = _picture("pbm", "a PBM image (Netpbm bitmap)")
PGM = _picture("pgm", "a PGM image (Netpbm greymap)")
PPM = _picture("ppm", "a PPM image (Netpbm pixmap)")
PAM = _picture("pam", "a PAM image (Netpbm)")
PFM = _picture("pfm", "a PFM image (portable float map)")
QOI = _picture("qoi", "a QOI image")
EPS = _picture("eps", "an EPS file (Encapsulated PostScript)")
POSTSCRIPT = _picture("postscript", "a PostScript file")
XPM = _picture("xpm", "an XPM image (X PixMap)")
XBM = _picture("xbm", "an XBM image (X BitMap)")
EXR = _picture("exr", "an OpenEXR image")
HDR = _picture("hdr", "a Radiance HDR image")
XCF = _picture("xcf", "a GIMP document (XCF)")
KRITA = _picture("krita", "a Krita document")
OPENRASTER = _picture("openraster", "an OpenRaster document (ORA)")
CAMERA_RAW = _picture("raw", "a camera raw file")
PCX = _picture("pcx", "a PCX image (PC Paintbrush)")
SGI = _picture("sgi", "an SGI image")
SUN_RASTER = _picture("sunraster", "a Sun raster image")
GZIP = Kind("gzip", "a gzip-compressed file", family="archive")
ZIP = Kind("zip", "a ZIP archive", family="archive")
PDF = Kind("pdf", "a PDF document")
HTML = Kind("html", "an HTML page")
TEXT = Kind("text", "a text file")
UNKNOWN = Kind("unknown", "a file in a format we do not recognise")

ALLOWED: tuple[Kind, ...] = (JPEG, PNG, WEBP, TIFF, GIF, HEIF, AVIF)
ALLOWED_LABELS = f"{', '.join(kind.label for kind in ALLOWED[:-1])} or {ALLOWED[-1].label}"
MIME_TYPES: dict[str, tuple[str, ...]] = {kind.name: kind.mime_types for kind in ALLOWED}


def sniff(head: bytes) -> Kind:
    """Return the kind of file whose first bytes are `head`."""
    for test, kind in _SIGNATURES:
        if test(head):
            return kind
    for probe in (_sniff_archive, _sniff_netpbm, _sniff_tga, _sniff_pcx):
        if (found := probe(head)) is not None:
            return found
    return _sniff_textual(head)


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _ftyp_brands(head: bytes) -> set[bytes]:
    if head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[:4], "big")
    end = min(max(size, 16), len(head))
    return {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}


def _is_bmp(head: bytes) -> bool:
    """Check the 'BM' tag and a known DIB header size, so text starting 'BM' stays text."""
    return head[:2] == b"BM" and head[14:18] in {
        size.to_bytes(4, "little") for size in (12, 16, 40, 52, 56, 64, 108, 124)
    }


def _is_icon(head: bytes, kind: int) -> bool:
    """Check an ICO/CUR directory: reserved 0, the type, 1+ entries, a zero reserved byte."""
    if len(head) < 22 or head[:4] != b"\x00\x00" + kind.to_bytes(2, "little"):
        return False
    return int.from_bytes(head[4:6], "little") > 0 and head[9] == 0


_NETPBM = re.compile(
    rb"P([1-7]|[Ff])[ \t\r\n]+(#[^\n]*\n\s*)*(\d|WIDTH|HEIGHT|DEPTH|MAXVAL|TUPLTYPE)"
)
_NETPBM_KINDS = {b"1": PBM, b"4": PBM, b"2": PGM, b"5": PGM, b"3": PPM, b"6": PPM, b"7": PAM}
_EPS = re.compile(rb"%!PS-Adobe-\S+[ \t]+EPSF")
_XBM = re.compile(rb"\s*(/\*.*?\*/\s*)*#define[ \t]+\w*width[ \t]+\d", re.DOTALL)


def _sniff_netpbm(head: bytes) -> Kind | None:
    match = _NETPBM.match(head)
    return None if match is None else _NETPBM_KINDS.get(match.group(1), PFM)


def _is_jpegxl(head: bytes) -> bool:
    return head[:2] == b"\xff\x0a" or head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n"


_RAW_MAGIC = (b"FUJIFILMCCD-RAW", b"IIRO", b"IIRS", b"IIU\x00")

_SIGNATURES: tuple[tuple[Callable[[bytes], bool], Kind], ...] = (
    (lambda h: h[:3] == b"\xff\xd8\xff", JPEG),
    (lambda h: h[:2] == b"\x01\xda" and h[2] in (0, 1) and h[3] in (1, 2), SGI),
    (lambda h: h[:4] == b"\x59\xa6\x6a\x95", SUN_RASTER),
    (lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", PNG),
    (_is_webp, WEBP),
    (lambda h: h[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), TIFF),
    (lambda h: h[:6] in (b"GIF87a", b"GIF89a"), GIF),
    (lambda h: bool(_ftyp_brands(h) & AVIF_BRANDS), AVIF),
    (lambda h: bool(_ftyp_brands(h) & HEIF_BRANDS), HEIF),
    (lambda h: h[:5] == b"%PDF-", PDF),
    (lambda h: h[:4] == b"8BPS", PSD),
    (lambda h: h[:9] == b"SIMPLE  =", FITS),
    (_is_bmp, BMP),
    (lambda h: h[:8] == b"DDS |\x00\x00\x00", DDS),
    (lambda h: h[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n", JPEG2000),
    (lambda h: h[:4] == b"\xff\x4f\xff\x51", JPEG2000),
    (_is_jpegxl, JPEGXL),
    (lambda h: _is_icon(h, 1), ICO),
    (lambda h: _is_icon(h, 2), CUR),
    (lambda h: h[:4] == b"icns", ICNS),
    (lambda h: h[:4] == b"qoif", QOI),
    (lambda h: h[:4] == b"\x76\x2f\x31\x01", EXR),
    (lambda h: h[:10] == b"#?RADIANCE" or h[:6] == b"#?RGBE", HDR),
    (lambda h: h[:9] == b"gimp xcf ", XCF),
    (lambda h: h[:4] == b"\xc5\xd0\xd3\xc6", EPS),
    (lambda h: _EPS.match(h) is not None, EPS),
    (lambda h: h[:2] == b"%!", POSTSCRIPT),
    (lambda h: h.lstrip().startswith((b"/* XPM */", b"! XPM2")), XPM),
    (lambda h: _XBM.match(h) is not None, XBM),
    (lambda h: b"crx " in _ftyp_brands(h) or h.startswith(_RAW_MAGIC), CAMERA_RAW),
)


def _inflate(head: bytes) -> bytes:
    """Return the first few KB a gzip stream's start inflates to, or nothing if it is damaged."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, INFLATE_BYTES)
    except zlib.error:
        return b""


def _sniff_archive(head: bytes) -> Kind | None:
    """Name a gzip stream (SVGZ if it inflates to an SVG) or a ZIP (or a drawing stored as one)."""
    if head[:3] == b"\x1f\x8b\x08":
        return SVGZ if _sniff_textual(_inflate(head)) is SVG else GZIP
    if head[:4] != b"PK\x03\x04":
        return None
    if head[30:38] == b"mimetype":  # stored uncompressed, first, by Krita and OpenRaster
        if head[38:57] == b"application/x-krita":
            return KRITA
        if head[38:54] == b"image/openraster":
            return OPENRASTER
    return ZIP


def _sniff_tga(head: bytes) -> Kind | None:
    """Return TGA if the header is a plausible Targa one: TGA has no magic number at its start."""
    return TGA if len(head) >= 18 and _is_tga_header(head) else None


def _sniff_pcx(head: bytes) -> Kind | None:
    """Return PCX if the 128-byte header is a plausible ZSoft one (manufacturer byte 10)."""
    if len(head) < 128 or head[0] != 0x0A or head[1] not in (0, 2, 3, 4, 5):
        return None
    encoding, bits, planes = head[2], head[3], head[65]
    x0, y0, x1, y1 = struct.unpack_from("<HHHH", head, 4)
    plausible = encoding in (0, 1) and bits in (1, 2, 4, 8) and planes in (1, 3, 4)
    return PCX if plausible and x1 >= x0 and y1 >= y0 and head[64] == 0 else None


def _is_tga_header(head: bytes) -> bool:
    map_type, image_type = head[1], head[2]
    map_length, map_depth = struct.unpack_from("<HB", head, 5)
    width, height, depth, descriptor = struct.unpack_from("<HHBB", head, 12)
    alpha = descriptor & 0x0F
    if image_type & ~8 not in (1, 2, 3) or width == 0 or height == 0 or descriptor & 0xC0:
        return False
    if map_type == 1:
        if map_length == 0 or map_depth not in (8, 15, 16, 24, 32):
            return False
    elif map_type != 0 or image_type & 7 == 1 or any(head[3:8]):
        return False
    depths = {1: (8, 16), 2: (15, 16, 24, 32), 3: (8, 16)}[image_type & 7]
    return depth in depths and alpha in (0, 1, 8)


def _sniff_textual(head: bytes) -> Kind:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith((b"<?xml", b"<!--")) and b"<svg" in text):
        return SVG
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return HTML
    if text.startswith(b"<?xml"):
        return SVG if b"svg" in text else TEXT
    if head and all(b in b"\t\n\r" or 32 <= b < 127 or b >= 128 for b in head):
        return TEXT
    return UNKNOWN
