"""Each Heroku app ships the typefaces its style sheet names, with their licence."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "heroku_release.sh"
STYLES = {"web": "heroku_web/static/site.css", "studio": "heroku_artist/static/studio.css"}
FONT_URL = re.compile(r'url\("(fonts/[^"]+\.woff2)"\)')


@pytest.mark.parametrize("app", STYLES)
def test_a_staged_app_carries_every_font_file_its_css_names_and_the_licence(
    app: str, tmp_path: Path
) -> None:
    stage = tmp_path / app
    subprocess.run(
        ["bash", str(SCRIPT), app, f"copper-{app}-test"],
        env=os.environ | {"DRY_RUN": "1", "STAGE_DIR": str(stage)},
        capture_output=True,
        check=True,
        timeout=60,
    )
    css = stage / STYLES[app]
    named = FONT_URL.findall(css.read_text())
    assert len(named) == 4
    for font in named:
        data = (css.parent / font).read_bytes()
        assert data[:4] == b"wOF2", font
    licence = (css.parent / "fonts" / "LICENSE").read_text()
    assert "SIL Open Font License" in licence and "Source Serif 4" in licence
    assert "http" not in "".join(line for line in css.read_text().splitlines() if "url(" in line)
