"""Run the whole pipeline on one original: intake, decode, colour, render, facts."""

from __future__ import annotations

import os

import pyvips

from pipeline.colour import measure_fidelity, profile_name, to_srgb
from pipeline.errors import RejectedInput, TransientFailure
from pipeline.facts import compute_facts
from pipeline.intake import Header, Original, decode, harden_libvips, read_header
from pipeline.integrity import check_plausible, decoder_warnings, explain_refusal
from pipeline.mat import Colour, choose_mat
from pipeline.model import ProcessResult, TilePyramid
from pipeline.plan import plan_renditions
from pipeline.render import render
from pipeline.settings import Limits, PipelineSettings
from pipeline.tiles import TilePlan, make_pyramid, plan_tiles
from pipeline.watermark import apply_watermark

LOGO_LIMITS = Limits(max_bytes=5_000_000, max_pixels=16_000_000, max_frames=1)


def process(
    source: bytes | os.PathLike[str] | str, settings: PipelineSettings | None = None
) -> ProcessResult:
    """Turn an original (bytes or a path) into web renditions and facts."""
    settings = settings or PipelineSettings()
    harden_libvips()
    original = Original.of(source)
    header = read_header(original, settings.limits)
    plan = plan_renditions(*header.oriented_size, settings)
    logo = load_logo(settings)
    try:
        decoded = trusted_decode(original, header, max(plan.base_width, plan.base_height))
        base = to_srgb(decoded, header).copy_memory()
        fidelity = measure_fidelity(decoded, header, profile_name(header))
        mat = choose_mat(base, settings.mat)
        renditions = render(base, plan, settings, logo, mat)
        facts = compute_facts(base, header, fidelity, settings.palette_size, mat)
        tiles = plan_tiles(*header.oriented_size, settings)
        pyramid = deep_zoom(original, header, tiles, base, settings, logo, mat) if tiles else None
    except MemoryError as error:
        raise TransientFailure("Ran out of memory while processing the image.") from error
    return ProcessResult(tuple(renditions), facts, settings.version, pyramid)


def deep_zoom(
    original: Original,
    header: Header,
    plan: TilePlan,
    base: pyvips.Image,
    settings: PipelineSettings,
    logo: pyvips.Image | None,
    mat: Colour,
) -> TilePyramid:
    """Decode the original again at full size and cut its tile pyramid (the base if it is)."""
    if (base.width, base.height) == (plan.width, plan.height):
        full = base
    else:
        full = to_srgb(trusted_decode(original, header, max(plan.width, plan.height)), header)
    return make_pyramid(
        full, plan, lambda image: apply_watermark(image, settings.watermark, logo), mat, base
    )


def trusted_decode(original: Original, header: Header, long_edge: int) -> pyvips.Image:
    """Decode, refusing damaged data the decoder only warned about and blank misreadings.

    A known variant that libvips reads as blank (a TIFF with LZMA or old-style JPEG
    compression, say) is decoded again by the fallback before it is refused.
    """
    try:
        with decoder_warnings(header.kind):
            decoded = decode(original, header, long_edge)
        check_plausible(decoded, original, header.kind)
        return decoded
    except RejectedInput as error:
        if error.code == "undecodable":
            from pipeline.fallback import decode_with_fallback, identify_variant  # Pillow: rare

            if identify_variant(original, header.kind):
                return decode_with_fallback(original, header, long_edge, error)
        refusal = explain_refusal(error, original, header.kind)
        if refusal is error:
            raise
        raise refusal from error


def load_logo(settings: PipelineSettings) -> pyvips.Image | None:
    """Decode the watermark logo through the same safe intake, as sRGB with alpha."""
    logo_bytes = settings.watermark.logo
    if not logo_bytes or settings.watermark.text:
        return None
    original = Original.of(logo_bytes)
    try:
        header = read_header(original, LOGO_LIMITS)
    except RejectedInput as error:
        raise RejectedInput(
            f"The watermark logo was refused: {error.message}", code="bad_logo"
        ) from error
    return to_srgb(decode(original, header, 1024), header).copy_memory()
