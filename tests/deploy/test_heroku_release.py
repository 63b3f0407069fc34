"""Each Heroku app deploys on its own: its staged tree runs with no backend package at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "heroku_release.sh"
BACKEND = (
    "content",
    "search",
    "ingest",
    "messaging",
    "storage",
    "copper",
    "service",
    "pipeline",
    "handlers",
    "kernel",
)
APPS = {
    "web": ("heroku_web", "/robots.txt", {"FLASK_API_URL": "http://127.0.0.1:9"}),
    "studio": (
        "heroku_artist",
        "/login",
        {"FLASK_API_URL": "http://127.0.0.1:9", "FLASK_SECRET_KEY": "s" * 40},
    ),
}
# Runs inside the staged tree: refuse every backend import, build the app, serve one page.
PROBE = """
import sys
BLOCKED = set(sys.argv[3].split(","))
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"the app imported the backend package {name}")
sys.meta_path.insert(0, Refuse())
sys.path = [p for p in sys.path if p not in ("", sys.argv[4])]
sys.path.insert(0, ".")
app = __import__(sys.argv[1]).create_app()
response = app.test_client().get(sys.argv[2])
print(response.status_code)
"""


@pytest.mark.parametrize("app", APPS)
def test_an_app_is_staged_with_its_own_procfile_runtime_and_manifest(
    app: str, tmp_path: Path
) -> None:
    package, path, env = APPS[app]
    stage = tmp_path / app
    listed = subprocess.run(
        ["bash", str(SCRIPT), app, f"copper-{app}-test"],
        env=os.environ | {"DRY_RUN": "1", "STAGE_DIR": str(stage)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert {"./Procfile", "./app.json", "./requirements.txt", "./.python-version"} <= set(
        listed.split()
    )
    assert {p.name for p in stage.iterdir()} == {
        package,
        "Procfile",
        "app.json",
        "requirements.txt",
        ".python-version",
    }
    assert f"gunicorn '{package}:create_app()'" in (stage / "Procfile").read_text()
    assert (stage / ".python-version").read_text().strip().startswith("3.11")
    # AND the staged app builds and serves a page with every backend import refused
    served = subprocess.run(
        [sys.executable, "-c", PROBE, package, path, ",".join(BACKEND), str(ROOT)],
        cwd=stage,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert served.returncode == 0, served.stderr
    assert served.stdout.strip() == "200"


def test_an_unknown_app_is_a_usage_error() -> None:
    result = subprocess.run(["bash", str(SCRIPT), "admin"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr
