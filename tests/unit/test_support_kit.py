"""Tests of the test-image kit itself: ICC profiles, generators, hostile files, similarity."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
import pyvips

from testkit import icc, images, similarity

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _pixel(rgb: tuple[int, int, int]) -> pyvips.Image:
    """Return a 1×1 uchar sRGB image of one colour."""
    return pyvips.Image.new_from_array(np.array([[rgb]], dtype=np.uint8)).copy(
        interpretation="srgb"
    )


def _convert(image: pyvips.Image, source: bytes | str, target: bytes | str) -> list[float]:
    """Convert the top-left pixel between two profiles with lcms, via libvips."""
    out = image.icc_transform(icc.profile_path(target), input_profile=icc.profile_path(source))
    return out(0, 0)


def _pcs_lab(rgb: tuple[int, int, int], profile: bytes | str) -> np.ndarray:
    """Return the D50 PCS Lab of one device colour under a profile."""
    return np.array(_pixel(rgb).icc_import(input_profile=icc.profile_path(profile))(0, 0))


def _header(data: bytes) -> pyvips.Image:
    """Open an image from memory reading only its header."""
    return pyvips.Image.new_from_buffer(data, "")


PROFILES = {"adobe": icc.ADOBE_RGB, "prophoto": icc.PROPHOTO_RGB, "p3": icc.DISPLAY_P3}

# ---------------------------------------------------------------------------------------------
# ICC profiles
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [*PROFILES.values(), icc.SRGB], ids=[*PROFILES, "srgb"])
def test_generated_profiles_have_a_v2_display_header_and_aligned_tags(profile: bytes) -> None:
    (size,) = struct.unpack_from(">I", profile)
    assert size == len(profile) and size % 4 == 0
    assert profile[8:10] == b"\x02\x10"
    assert (profile[12:16], profile[16:20], profile[20:24], profile[36:40]) == (
        b"mntr",
        b"RGB ",
        b"XYZ ",
        b"acsp",
    )
    assert set(icc.tags(profile)) == {"desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ"} | {
        "rTRC",
        "gTRC",
        "bTRC",
    }
    offsets = [struct.unpack_from(">I", profile, 132 + 12 * i + 4)[0] for i in range(9)]
    assert all(offset % 4 == 0 for offset in offsets)


def test_adobe_rgb_colorants_match_adobes_published_d50_values() -> None:
    published = {
        "rXYZ": (0.60974, 0.31111, 0.01947),
        "gXYZ": (0.20528, 0.62567, 0.06087),
        "bXYZ": (0.14919, 0.06322, 0.74457),
    }
    for tag, xyz in published.items():
        assert icc.read_xyz(icc.ADOBE_RGB, tag) == pytest.approx(xyz, abs=5e-4)
    assert icc.description(icc.ADOBE_RGB) == "Adobe RGB (1998) compatible"


def test_prophoto_colorants_match_the_romm_rgb_matrix() -> None:
    published = {
        "rXYZ": (0.7977, 0.2880, 0.0),
        "gXYZ": (0.1352, 0.7119, 0.0),
        "bXYZ": (0.0313, 0.0001, 0.8249),
    }
    for tag, xyz in published.items():
        assert icc.read_xyz(icc.PROPHOTO_RGB, tag) == pytest.approx(xyz, abs=5e-4)


def test_colorants_of_every_profile_sum_to_the_d50_white() -> None:
    for profile in (*PROFILES.values(), icc.SRGB):
        total = np.sum([icc.read_xyz(profile, t) for t in ("rXYZ", "gXYZ", "bXYZ")], axis=0)
        assert total == pytest.approx(icc.PCS_D50_XYZ, abs=1e-4)


@pytest.mark.parametrize("name", list(PROFILES))
def test_srgb_swatches_survive_a_round_trip_through_each_profile(name: str) -> None:
    swatches = images.swatches_srgb(size=8)
    wide = images.tagged(swatches, PROFILES[name])
    back = wide.icc_transform("srgb", embedded=True)
    before = similarity.srgb_to_lab(np.array(images.patch_means(swatches)))
    after = similarity.srgb_to_lab(np.array(images.patch_means(back)))
    assert similarity.delta_e2000(before, after).max() < 1.0


def test_srgb_primaries_land_where_expected_in_adobe_rgb() -> None:
    expected = {
        (255, 0, 0): (219, 0, 0),
        (0, 255, 0): (144, 255, 60),
        (0, 0, 255): (0, 0, 250),
    }
    for srgb, adobe in expected.items():
        assert _convert(_pixel(srgb), "srgb", icc.ADOBE_RGB) == pytest.approx(adobe, abs=10)


def test_adobe_rgb_pure_green_is_clipped_when_converted_to_srgb() -> None:
    converted = _convert(_pixel((0, 255, 0)), icc.ADOBE_RGB, "srgb")
    assert min(converted) == 0 and max(converted) == 255
    as_srgb = tuple(int(c) for c in converted)
    lost = similarity.delta_e2000(_pcs_lab((0, 255, 0), icc.ADOBE_RGB), _pcs_lab(as_srgb, "srgb"))
    assert lost > 5  # ΔE00 ≈ 9.6: far beyond any rounding


def test_generated_srgb_profile_agrees_with_libvips_builtin_srgb() -> None:
    photo = images.photo(48, 32, seed=1)
    ours = photo.icc_transform(icc.profile_path(icc.SRGB), input_profile="srgb")
    assert np.abs(ours.numpy().astype(int) - photo.numpy().astype(int)).max() <= 1


def test_generated_display_p3_agrees_with_libvips_builtin_p3() -> None:
    photo = images.photo(48, 32, seed=1)
    ours = images.tagged(photo, icc.DISPLAY_P3).numpy().astype(int)
    builtin = images.tagged(photo, "p3").numpy().astype(int)
    assert np.abs(ours - builtin).max() <= 2


def test_tagged_attaches_the_exact_profile_and_survives_a_jpeg() -> None:
    wide = images.tagged(images.photo(32, 24), icc.ADOBE_RGB)
    assert wide.get("icc-profile-data") == icc.ADOBE_RGB
    loaded = _header(images.jpeg(wide))
    assert loaded.get("icc-profile-data") == icc.ADOBE_RGB


# ---------------------------------------------------------------------------------------------
# Colour difference and similarity
# ---------------------------------------------------------------------------------------------

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", table 1.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, -0.001, 2.49), (50.0, 0.0009, -2.49), 4.8045),
    ((50.0, -0.001, 2.49), (50.0, 0.0011, -2.49), 4.7461),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_reproduces_sharmas_reference_pairs_in_both_orders() -> None:
    first = np.array([pair[0] for pair in SHARMA_PAIRS])
    second = np.array([pair[1] for pair in SHARMA_PAIRS])
    expected = np.array([pair[2] for pair in SHARMA_PAIRS])
    assert similarity.delta_e2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert similarity.delta_e2000(second, first) == pytest.approx(expected, abs=1e-4)


def test_ciede2000_of_identical_colours_is_zero() -> None:
    lab = similarity.srgb_to_lab(np.array([[12, 200, 99], [0, 0, 0]]))
    assert similarity.delta_e2000(lab, lab) == pytest.approx([0.0, 0.0])


def test_srgb_to_lab_agrees_with_libvips() -> None:
    swatches = images.swatches_srgb(size=4)
    ours = similarity.srgb_to_lab(np.array(images.patch_means(swatches)))
    theirs = np.array(images.patch_means(swatches.colourspace("lab")))
    assert np.abs(ours - theirs).max() < 0.05
    assert similarity.srgb_to_lab((255, 255, 255)) == pytest.approx([100, 0, 0], abs=0.01)


def test_ssim_of_an_image_with_itself_is_one() -> None:
    photo = images.photo(64, 48, seed=2)
    assert similarity.ssim(photo, photo) == pytest.approx(1.0)


def test_ssim_of_noise_against_an_image_is_low() -> None:
    photo = images.photo(64, 48, seed=2)
    noise = np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    assert similarity.ssim(photo, noise) < 0.1


def test_ssim_of_a_good_jpeg_of_an_image_is_high() -> None:
    photo = images.photo(128, 96, seed=2)
    decoded = pyvips.Image.new_from_buffer(images.jpeg(photo, quality=90), "")
    assert 0.9 < similarity.ssim(photo, decoded) < 1.0


def test_ssim_refuses_images_of_different_sizes() -> None:
    with pytest.raises(ValueError):
        similarity.ssim(images.photo(32, 24), images.photo(24, 32))


def test_to_array_always_has_a_band_axis() -> None:
    grey = images.photo(16, 8).colourspace("b-w")
    assert similarity.to_array(grey).shape == (8, 16, 1)


# ---------------------------------------------------------------------------------------------
# Photo-like content and swatches
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1, 1), (17, 5), (641, 479)])
def test_photo_is_8bit_srgb_of_the_requested_size(size: tuple[int, int]) -> None:
    photo = images.photo(*size)
    assert (photo.width, photo.height, photo.bands) == (*size, 3)
    assert (photo.format, photo.interpretation) == ("uchar", "srgb")


def test_photo_is_stable_for_a_seed_and_differs_between_seeds() -> None:
    first, again = images.photo(96, 64, seed=5).numpy(), images.photo(96, 64, seed=5).numpy()
    other = images.photo(96, 64, seed=6).numpy()
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_photo_compresses_like_a_photo_not_like_flat_colour() -> None:
    photo = images.photo(640, 480)
    bits_per_pixel = 8 * len(images.jpeg(photo)) / (640 * 480)
    assert 0.5 < bits_per_pixel < 6
    assert photo.deviate() > 20


def test_patch_means_read_back_each_swatch_even_after_resizing() -> None:
    swatches = images.swatches_srgb()
    expected = [rgb for _, rgb in images.SWATCHES]
    assert images.patch_means(swatches) == [tuple(map(float, rgb)) for rgb in expected]
    halved = images.patch_means(swatches.resize(0.5))
    assert np.abs(np.array(halved) - np.array(expected)).max() < 1


# ---------------------------------------------------------------------------------------------
# JPEG metadata
# ---------------------------------------------------------------------------------------------


def _tagged_jpeg() -> bytes:
    """Return a small JPEG carrying every kind of metadata the kit writes."""
    return images.jpeg(
        images.photo(64, 48),
        orientation=6,
        gps=True,
        xmp=True,
        iptc=True,
        camera=True,
        icc=icc.ADOBE_RGB,
    )


def test_every_metadata_marker_is_present_in_a_fully_tagged_jpeg() -> None:
    data = _tagged_jpeg()
    missing = [name for name, marker in images.METADATA_MARKERS.items() if marker not in data]
    assert missing == []


def test_libvips_reads_back_orientation_gps_camera_xmp_iptc_and_icc() -> None:
    loaded = _header(_tagged_jpeg())
    assert loaded.get("orientation") == 6
    assert loaded.get("exif-ifd0-Make").startswith("CopperCam Industries")
    assert loaded.get("exif-ifd3-GPSLatitude").startswith("51/1 30/1 264/10")
    assert loaded.get("exif-ifd3-GPSLongitudeRef").startswith("W")
    assert images.METADATA_MARKERS["xmp_city"] in loaded.get("xmp-data")
    iptc = loaded.get("iptc-data")
    assert iptc.startswith(b"Photoshop 3.0\0" + b"8BIM\x04\x04")
    assert images.METADATA_MARKERS["iptc_city"] in iptc
    assert icc.description(loaded.get("icc-profile-data")) == "Adobe RGB (1998) compatible"


def test_a_plain_jpeg_carries_no_metadata_at_all() -> None:
    data = images.jpeg(images.photo(64, 48))
    assert not any(marker in data for marker in images.METADATA_MARKERS.values())
    assert b"Exif\0\0" not in data and b"ICC_PROFILE" not in data
    assert _header(data).get_typeof("exif-data") == 0


def test_orientation_alone_writes_only_the_orientation_tag() -> None:
    loaded = _header(images.jpeg(images.photo(32, 24), orientation=3))
    assert loaded.get("orientation") == 3
    assert loaded.get_typeof("exif-ifd0-Make") == 0


def test_orientation_outside_1_to_8_is_refused() -> None:
    with pytest.raises(ValueError):
        images.jpeg(images.photo(8, 8), orientation=9)


# ---------------------------------------------------------------------------------------------
# Other formats
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("embed", [True, False])
def test_cmyk_jpeg_is_four_band_cmyk_with_or_without_its_profile(embed: bool) -> None:
    loaded = _header(images.cmyk_jpeg(images.photo(32, 24), embed_profile=embed))
    assert (loaded.bands, loaded.interpretation) == (4, "cmyk")
    assert (loaded.get_typeof("icc-profile-data") != 0) is embed


def test_png16_is_sixteen_bit_with_real_low_bytes() -> None:
    loaded = pyvips.Image.new_from_buffer(images.png16(images.photo(32, 24)), "")
    assert (loaded.format, loaded.bands, loaded.interpretation) == ("ushort", 3, "rgb16")
    assert len(np.unique(loaded.numpy() & 0xFF)) > 64


def test_grey_png_has_one_band() -> None:
    loaded = _header(images.grey_png(images.photo(32, 24)))
    assert (loaded.bands, loaded.format) == (1, "uchar")


def test_alpha_png_has_transparent_and_half_transparent_regions() -> None:
    loaded = pyvips.Image.new_from_buffer(images.alpha_png(images.photo(32, 24)), "")
    alpha = loaded.numpy()[:, :, 3]
    assert loaded.bands == 4
    assert alpha[0, 0] == 0 and alpha[0, 31] == 255 and alpha[23, 31] == 128


def test_tiff_round_trips_losslessly(tmp_path: Path) -> None:
    photo = images.photo(40, 30)
    assert np.array_equal(
        pyvips.Image.new_from_buffer(images.tiff(photo), "").numpy(), photo.numpy()
    )
    images.write_tiff(photo, tmp_path / "photo.tif")
    loaded = pyvips.Image.new_from_file(str(tmp_path / "photo.tif"))
    assert np.array_equal(loaded.numpy(), photo.numpy())


def test_animated_gif_really_has_the_asked_for_frames() -> None:
    data = images.animated_gif(5, 40, 30)
    loaded = pyvips.Image.new_from_buffer(data, "", n=-1)
    assert (loaded.get("n-pages"), loaded.get("page-height"), loaded.width) == (5, 30, 40)
    frames = loaded.numpy().reshape(5, 30, 40, -1)
    assert not np.array_equal(frames[0], frames[-1])


# ---------------------------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------------------------


def test_decompression_bomb_is_small_but_declares_a_huge_size() -> None:
    data = images.decompression_bomb_png()
    assert len(data) < 1_000_000
    header = _header(data)
    assert (header.width, header.height) == (40_000, 40_000)


def test_decompression_bomb_is_a_valid_png_of_zero_rows() -> None:
    data = images.decompression_bomb_png(3000, 2000)
    (idat_length,) = struct.unpack_from(">I", data, 33)
    assert zlib.decompress(data[41 : 41 + idat_length]) == bytes((1 + 375) * 2000)
    small = pyvips.Image.new_from_buffer(
        images.decompression_bomb_png(300, 200), "", fail_on="warning"
    )
    assert small.max() == 0


@pytest.mark.parametrize("make", [images.png_claiming, images.jpeg_claiming])
def test_claiming_headers_really_declare_the_dimensions(make) -> None:
    header = _header(make(30_000, 20_000))
    assert (header.width, header.height) == (30_000, 20_000)


def test_png_claiming_keeps_a_valid_ihdr_crc() -> None:
    data = images.png_claiming(50_000, 4)
    (crc,) = struct.unpack_from(">I", data, 29)
    assert crc == zlib.crc32(data[12:29])


def test_truncated_jpeg_has_no_end_marker_and_fails_a_strict_decode() -> None:
    data = images.truncated_jpeg()
    assert data.startswith(b"\xff\xd8") and not data.endswith(b"\xff\xd9")
    with pytest.raises(pyvips.Error):
        pyvips.Image.new_from_buffer(data, "", fail_on="truncated").avg()


def test_jpeg_with_zip_really_has_a_zip_appended() -> None:
    data, marker = images.jpeg_with_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert marker in archive.read("secret.txt")
    assert _header(data).width == 160


def test_impostors_have_their_formats_signatures() -> None:
    signatures = {
        "svg": b"<?xml",
        "pdf": b"%PDF-",
        "psd": b"8BPS",
        "fits": b"SIMPLE  =                    T",
        "csv": b"sku,",
        "html": b"<!DOCTYPE html>",
        "text": b"Copper",
    }
    assert set(images.IMPOSTORS) == set(signatures)
    for name, signature in signatures.items():
        assert images.IMPOSTORS[name].startswith(signature), name
    assert len(images.IMPOSTORS["fits"]) % 2880 == 0
