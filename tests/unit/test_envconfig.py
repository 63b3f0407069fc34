"""Settings are declared once and read from COPPER_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.settings import PipelineSettings
from service.config import SettingsError, declared, from_env
from service.settings import ServiceSettings

README = Path(__file__).parents[2] / "README.md"


def test_no_environment_gives_the_declared_defaults() -> None:
    assert from_env(PipelineSettings, {}) == PipelineSettings()


def test_nested_numbers_tuples_literals_and_booleans_are_read_with_their_types() -> None:
    settings = from_env(
        PipelineSettings,
        {
            "COPPER_ENCODERS_AVIF_QUALITY": "60",
            "COPPER_LADDER": "400, 800",
            "COPPER_FORMATS": "webp,jpeg",
            "COPPER_WATERMARK_POSITION": "tiled",
            "COPPER_WATERMARK_OPACITY": "0.6",
            "COPPER_ENCODERS_JPEG_PROGRESSIVE": "no",
            "COPPER_LIMITS_MAX_PIXELS": "200000000",
        },
    )
    assert settings.encoders.avif.quality == 60
    assert settings.ladder == (400, 800)
    assert settings.formats == ("webp", "jpeg")
    assert settings.watermark.position == "tiled"
    assert settings.watermark.opacity == 0.6
    assert settings.encoders.jpeg.progressive is False
    assert settings.limits.max_pixels == 200_000_000


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("COPPER_LIMITS_MAX_PIXELS", "lots", "COPPER_LIMITS_MAX_PIXELS"),
        ("COPPER_FORMATS", "gif", "COPPER_FORMATS"),
        ("COPPER_ENCODERS_AVIF_QUALITY", "300", "AVIF quality must be 1-100"),
        ("COPPER_WATERMARK_OPACITY", "2", "opacity must be 0-1"),
        ("COPPER_ENCODERS_JPEG_PROGRESSIVE", "maybe", "expected true or false"),
    ],
)
def test_an_invalid_value_is_refused_with_a_message_naming_it(
    variable: str, value: str, named: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        from_env(PipelineSettings, {variable: value})
    assert named in str(caught.value)


def test_per_artwork_settings_cannot_be_set_from_the_environment() -> None:
    variables = {item.variable for item in declared(PipelineSettings)}
    assert "COPPER_COPYRIGHT" not in variables
    assert "COPPER_WATERMARK_TEXT" not in variables
    assert "COPPER_FOCAL_POINT" not in variables


@pytest.mark.parametrize("settings_class", [PipelineSettings, ServiceSettings])
def test_every_setting_has_a_description_and_is_documented_in_the_readme(settings_class) -> None:
    documents = [README, *sorted((README.parent / "docs").glob("*.md"))]
    text = "\n".join(document.read_text() for document in documents)
    for item in declared(settings_class):
        assert item.doc, item.variable
        assert f"`{item.variable}`" in text, f"{item.variable} is missing from README and docs/"
