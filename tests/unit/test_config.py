"""The settings in force are listed with secrets hidden, and the reference is generated."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.settings import Limits, PipelineSettings
from service.bootstrap import load_settings
from service.config import (
    SettingRow,
    SettingsError,
    check_upload_limit,
    configuration_reference,
    declared,
    render_settings,
    settings_in_force,
)
from service.settings import ServiceSettings

ROOT = Path(__file__).parents[2]
REFERENCE = ROOT / "docs" / "configuration.md"
SECRET = "s" * 40


def rows_by_variable(environ: dict[str, str]) -> dict[str, SettingRow]:
    return {row.variable: row for row in settings_in_force(environ)}


def test_every_service_and_pipeline_setting_is_listed_once() -> None:
    listed = [row.variable for row in settings_in_force({})]
    expected = [
        item.variable for cls in (ServiceSettings, PipelineSettings) for item in declared(cls)
    ]
    assert listed == expected
    assert len(set(listed)) == len(listed)


def test_a_row_shows_the_value_in_force_and_the_default_as_the_environment_spells_them() -> None:
    rows = rows_by_variable(
        {"COPPER_LADDER": " 400, 800", "COPPER_OPENSEARCH_SIGNING": "no", "COPPER_DATA_DIR": "/srv"}
    )
    assert rows["COPPER_LADDER"].value == "400,800"
    assert rows["COPPER_LADDER"].default == "320,640,1024,1600,2400"
    assert rows["COPPER_OPENSEARCH_SIGNING"].value == "false"
    assert rows["COPPER_DATA_DIR"] == SettingRow(
        "COPPER_DATA_DIR", "/srv", "var", "Where the local backend keeps its databases and files."
    )


def test_a_secret_that_is_set_is_shown_as_stars_and_an_unset_one_as_empty() -> None:
    assert rows_by_variable({"COPPER_TOKEN_SECRET": SECRET})["COPPER_TOKEN_SECRET"].value == "***"
    assert rows_by_variable({})["COPPER_TOKEN_SECRET"].value == ""


def test_no_listed_value_or_default_contains_a_secret() -> None:
    rows = settings_in_force({"COPPER_TOKEN_SECRET": SECRET})
    assert all(SECRET not in f"{row.value} {row.default}" for row in rows)


def test_an_invalid_value_stops_the_listing_with_a_message_naming_it() -> None:
    with pytest.raises(SettingsError, match="COPPER_TOKEN_LIFETIME"):
        settings_in_force({"COPPER_TOKEN_LIFETIME": "soon"})


def test_rendered_settings_read_as_environment_assignments_with_their_description() -> None:
    rows = [
        SettingRow("COPPER_A", "1", "2", "First."),
        SettingRow("COPPER_TOKEN_SECRET", "***", "", "Second."),
    ]
    assert render_settings(rows).splitlines() == [
        "COPPER_A=1  # First.",
        "COPPER_TOKEN_SECRET=***  # Second.",
    ]


def test_an_upload_limit_within_the_pipeline_limit_passes() -> None:
    check_upload_limit(ServiceSettings(), PipelineSettings())
    check_upload_limit(ServiceSettings(upload_max_bytes=1), PipelineSettings())


def test_an_upload_limit_above_the_pipeline_limit_is_refused_naming_both_variables() -> None:
    pipeline = replace(PipelineSettings(), limits=Limits(max_bytes=1000))
    with pytest.raises(SettingsError) as caught:
        check_upload_limit(ServiceSettings(upload_max_bytes=1001), pipeline)
    assert "COPPER_UPLOAD_MAX_BYTES=1001" in str(caught.value)
    assert "COPPER_LIMITS_MAX_BYTES=1000" in str(caught.value)


def test_the_configuration_reference_matches_the_declarations() -> None:
    assert REFERENCE.read_text() == configuration_reference(), (
        "docs/configuration.md is out of date: run `make docs` "
        "(python -m service.config > docs/configuration.md)"
    )


def test_the_reference_lists_every_setting_with_its_default_and_description() -> None:
    text = configuration_reference()
    for cls in (ServiceSettings, PipelineSettings):
        for item in declared(cls):
            assert f"| `{item.variable}` |" in text and item.doc in text, item.variable


def test_settings_and_errors_load_no_image_library() -> None:
    # GIVEN a fresh interpreter WHEN it imports the settings THEN neither pyvips nor numpy loads
    code = (
        "import sys, service.settings, service.config, pipeline.settings, pipeline.errors, "
        "pipeline.model, pipeline.sniff, kernel.settings, kernel.keys; "
        "print(','.join(sorted({'pyvips', 'numpy'} & set(sys.modules))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_start_up_refuses_an_upload_limit_above_the_pipeline_byte_limit() -> None:
    environ = {"COPPER_UPLOAD_MAX_BYTES": "2000", "COPPER_LIMITS_MAX_BYTES": "1000"}
    with pytest.raises(SettingsError, match="COPPER_UPLOAD_MAX_BYTES=2000"):
        load_settings(environ)
    assert load_settings({**environ, "COPPER_LIMITS_MAX_BYTES": "2000"}).upload_max_bytes == 2000
