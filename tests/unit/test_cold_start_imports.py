"""A Lambda handler's cold start imports only what its function uses (fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.coldstart import functions

ROOT = Path(__file__).resolve().parents[2]
IMAGE_LIBRARIES = {"pyvips", "numpy", "PIL"}
WEB_FRAMEWORK = {"flask", "werkzeug", "serverless_wsgi"}
PASSWORD_HASHING = {"argon2", "bcrypt"}  # the accounts use case: only the APIs log people in
# handler module → the libraries its cold start must not load
FORBIDDEN = {
    "handlers.content_api": IMAGE_LIBRARIES,
    "handlers.search_api": IMAGE_LIBRARIES,
    "handlers.admin_api": IMAGE_LIBRARIES,
    "handlers.process_uploads": WEB_FRAMEWORK,
    "handlers.index_changes": IMAGE_LIBRARIES | WEB_FRAMEWORK | PASSWORD_HASHING,
    "handlers.sweep": IMAGE_LIBRARIES | WEB_FRAMEWORK | PASSWORD_HASHING,
    "handlers.audit": IMAGE_LIBRARIES | WEB_FRAMEWORK | PASSWORD_HASHING,
}
PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by(module: str) -> set[str]:
    """Return the top-level modules a fresh interpreter holds after importing `module`."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("handler", sorted(FORBIDDEN))
def test_a_handler_cold_start_loads_none_of_the_libraries_its_function_never_uses(
    handler: str,
) -> None:
    loaded = loaded_by(handler)
    assert handler.split(".")[0] in loaded
    assert not loaded & FORBIDDEN[handler], f"{handler} loads {sorted(loaded & FORBIDDEN[handler])}"


def test_every_function_the_template_defines_is_checked() -> None:
    modules = {handler.rsplit(".", 1)[0] for handler in functions().values()}
    assert modules == set(FORBIDDEN)


def test_the_probe_sees_what_a_module_loads() -> None:
    assert {"pyvips"} <= loaded_by("pipeline.process")


# What an API function or the indexer builds on its first request on AWS: the adapter family
# and the OpenSearch adapter select candidates without numpy, which only colour ranking and
# "more like this" load when they run.
AWS_FIRST_REQUEST = ("service.adapters.aws", "search.opensearch", "search.candidates")


@pytest.mark.parametrize("module", AWS_FIRST_REQUEST)
def test_the_aws_adapters_load_no_image_library_until_a_search_ranks_by_colour(
    module: str,
) -> None:
    loaded = loaded_by(module)
    assert not loaded & IMAGE_LIBRARIES, f"{module} loads {sorted(loaded & IMAGE_LIBRARIES)}"
    assert {"numpy"} <= loaded_by("search.colour")
