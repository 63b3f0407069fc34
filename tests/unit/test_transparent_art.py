"""Transparent art: JPEG renditions and placeholders show it on a mat that keeps it visible."""

from __future__ import annotations

from dataclasses import replace

import blurhash
import numpy as np
import pytest
import pyvips

from pipeline import PipelineSettings
from pipeline.mat import DARK_MAT, LIGHT_MAT, choose_mat, parse_hex
from pipeline.model import ProcessResult
from pipeline.palette import srgb_to_lab
from pipeline.process import process

WIDTH, HEIGHT = 1200, 800
WHITE, BLACK, RED = (255, 255, 255), (0, 0, 0), (255, 0, 0)


def coverage(width: int = WIDTH, height: int = HEIGHT) -> pyvips.Image:
    """Return the art's alpha: a filled disc, a thin ring and two thin diagonals."""
    xyz = pyvips.Image.xyz(width, height)
    x, y = xyz[0] - width / 2, xyz[1] - height / 2
    radius = (x * x + y * y) ** 0.5
    disc = radius < height / 8
    ring = (radius - height * 0.4).abs() < 1.5
    diagonals = ((x - y).abs() < 1) | ((x + y).abs() < 1)
    return (disc | ring | diagonals).ifthenelse(255, 0).cast("uchar")


def transparent_art(colour: tuple[int, int, int], alpha: pyvips.Image | None = None) -> bytes:
    """Return a PNG of art in one flat colour on a fully transparent background."""
    alpha = coverage() if alpha is None else alpha
    paint = (pyvips.Image.black(alpha.width, alpha.height, bands=3) + list(colour)).cast("uchar")
    return paint.bandjoin(alpha).copy(interpretation="srgb").pngsave_buffer()


def line_drawing(colour: tuple[int, int, int]) -> bytes:
    """Return a PNG of hairline art only: on a small proxy every pixel is mostly transparent."""
    xyz = pyvips.Image.xyz(WIDTH, HEIGHT)
    lines = ((xyz[0] % 60) < 2) | ((xyz[1] % 60) < 2)
    return transparent_art(colour, lines.ifthenelse(255, 0).cast("uchar"))


def jpegs(result: ProcessResult) -> list[np.ndarray]:
    """Return the decoded ladder JPEG renditions as H×W×3 float arrays."""
    return [
        pyvips.Image.new_from_buffer(r.data, "").numpy().astype(np.float64)
        for r in result.renditions
        if r.format == "jpeg" and r.name != "thumb"
    ]


def art_and_background(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the mean colour of the art's disc and of the background of one rendition."""
    mask = coverage(pixels.shape[1], pixels.shape[0]).numpy()
    height, width = mask.shape
    yy, xx = np.mgrid[0:height, 0:width]
    in_disc = (xx - width / 2) ** 2 + (yy - height / 2) ** 2 < (height / 10) ** 2
    return pixels[in_disc].mean(axis=0), pixels[mask == 0].mean(axis=0)


@pytest.mark.parametrize("colour", [WHITE, BLACK], ids=["white art", "black art"])
def test_jpeg_renditions_of_transparent_art_show_the_art_on_its_mat(
    colour: tuple[int, int, int],
) -> None:
    # GIVEN art in one colour on a fully transparent background
    result = process(transparent_art(colour))
    # THEN every JPEG rendition shows the art clearly apart from the background
    for pixels in jpegs(result):
        art, background = art_and_background(pixels)
        assert np.abs(art - colour).mean() < 12
        assert np.abs(art - background).mean() > 100


def test_light_art_gets_the_dark_mat_and_dark_art_the_light_one() -> None:
    white = process(transparent_art(WHITE))
    black = process(transparent_art(BLACK))
    _, on_white_art = art_and_background(jpegs(white)[0])
    _, on_black_art = art_and_background(jpegs(black)[0])
    assert np.abs(on_white_art - DARK_MAT).mean() < 4
    assert np.abs(on_black_art - LIGHT_MAT).mean() < 4


@pytest.mark.parametrize("colour", [WHITE, BLACK], ids=["white art", "black art"])
@pytest.mark.parametrize("draw", [transparent_art, line_drawing], ids=["shapes", "hairlines"])
def test_the_palette_of_transparent_art_names_the_arts_colour(
    colour: tuple[int, int, int], draw
) -> None:
    palette = process(draw(colour)).facts.palette
    assert palette
    art_lab = srgb_to_lab(np.array(colour, dtype=np.uint8))
    distances = [np.linalg.norm(np.array(c.lab) - art_lab) for c in palette]
    assert min(distances) < 5
    assert palette[0].family == ("white" if colour == WHITE else "black")


@pytest.mark.parametrize("colour", [WHITE, BLACK], ids=["white art", "black art"])
def test_the_placeholder_shows_the_art_on_the_same_mat_as_the_jpeg(
    colour: tuple[int, int, int],
) -> None:
    result = process(transparent_art(colour))
    _, background = art_and_background(jpegs(result)[0])
    corner = np.array(blurhash.decode(result.facts.blurhash, 8, 8)[0][0][:3], dtype=np.float64)
    assert np.abs(corner - background).mean() < 25
    assert np.abs(corner - colour).mean() > 100


def test_an_explicit_mat_is_used_for_jpeg_renditions_and_the_placeholder() -> None:
    settings = replace(PipelineSettings(), mat="#ff0000")
    result = process(transparent_art(WHITE), settings)
    for pixels in jpegs(result):
        art, background = art_and_background(pixels)
        assert np.abs(background - RED).mean() < 8
        assert np.abs(art - WHITE).mean() < 12
    corner = blurhash.decode(result.facts.blurhash, 8, 8)[0][0][:3]
    assert np.abs(np.array(corner, dtype=np.float64) - RED).mean() < 25


def test_webp_and_avif_renditions_keep_their_alpha() -> None:
    result = process(transparent_art(WHITE))
    for rendition in result.renditions:
        if rendition.format != "jpeg":
            assert pyvips.Image.new_from_buffer(rendition.data, "").hasalpha()


def test_an_opaque_image_is_unchanged_by_the_mat() -> None:
    opaque = (pyvips.Image.black(300, 200, bands=3) + [40, 90, 160]).cast("uchar")
    data = opaque.copy(interpretation="srgb").pngsave_buffer()
    plain = process(data)
    matted = process(data, replace(PipelineSettings(), mat="#ff0000"))
    assert plain.facts == matted.facts


@pytest.mark.parametrize(("text", "colour"), [("#ff0000", (255, 0, 0)), ("#2B2b2b", (43, 43, 43))])
def test_a_mat_setting_reads_as_a_colour(text: str, colour: tuple[int, int, int]) -> None:
    assert parse_hex(text) == colour
    assert choose_mat(pyvips.Image.black(4, 4, bands=4), text) == colour


@pytest.mark.parametrize("text", ["red", "#fff", "ff0000", "#ff00001", "#gg0000"])
def test_a_mat_that_is_not_an_rgb_hex_colour_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="mat"):
        PipelineSettings(mat=text)


def test_fully_transparent_art_gets_the_light_mat() -> None:
    assert choose_mat(pyvips.Image.black(16, 16, bands=4), "") == LIGHT_MAT
