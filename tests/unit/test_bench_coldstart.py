"""The cold-start benchmark times every function serverless.yml defines (bench/coldstart.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.coldstart import FIRST_EVENTS, first_event, functions, target_of


def test_the_benchmark_reads_each_functions_handler_from_the_template() -> None:
    found = functions()
    assert found["contentApi"] == "handlers.content_api.handler"
    assert found["processUploads"] == "handlers.process_uploads.handler"
    assert len(found) == 7


def test_every_function_has_a_captured_first_event() -> None:
    assert set(functions()) == set(FIRST_EVENTS)
    for function in functions():
        name, event = first_event(function)
        assert event, name


def test_only_the_processor_has_the_longer_target() -> None:
    assert target_of("processUploads") == 700
    assert {target_of(name) for name in functions() if name != "processUploads"} == {400}


def test_a_template_without_functions_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "serverless.yml"
    empty.write_text("service: copper\nprovider:\n  name: aws\n")
    with pytest.raises(SystemExit):
        functions(empty)
