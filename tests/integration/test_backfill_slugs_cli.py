"""`copper backfill-slugs` as an operator runs it: works published before slugs get theirs."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

from content.model import OriginalObject, Status, Visibility
from service.bootstrap import build_services
from service.settings import ServiceSettings
from testkit.cli import COPPER

SECRET = "cli-test-secret-" + "x" * 32


def test_the_backfill_gives_published_works_their_slug_and_says_how_many(tmp_path: Path) -> None:
    # GIVEN a work published before works had slugs, and a draft
    data_dir = tmp_path / "var"
    found = build_services(ServiceSettings(data_dir=str(data_dir), token_secret=SECRET))
    artist = found.accounts.register("ada@example.com", "a long enough password", "Ada Verdigris")
    old = found.artworks.create(artist.id, {"title": "Harbour at Dawn"})
    draft = found.artworks.create(artist.id, {"title": "Draft"})
    original = OriginalObject(key=f"originals/{artist.id}/{old.id}/a.jpg", sequencer="01")
    found.repository.save_artwork(
        replace(
            old,
            status=Status.READY,
            original=original,
            visibility=Visibility.PUBLISHED,
            published_at="2024-01-01T00:00:00.000Z",
        ),
        old.version,
    )
    environment = os.environ | {"COPPER_DATA_DIR": str(data_dir), "COPPER_TOKEN_SECRET": SECRET}
    # WHEN the operator runs the backfill twice
    runs = [
        subprocess.run(
            [str(COPPER), "backfill-slugs"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for _ in range(2)
    ]
    # THEN the published work has its readable URL, the draft none, and the second run did nothing
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr[-2000:]
    assert "1 works given a readable URL" in runs[0].stderr
    assert "0 works given a readable URL" in runs[1].stderr
    assert found.repository.find_public_artwork(artist.id, "harbour-at-dawn").id == old.id
    assert found.repository.get_artwork(draft.id).slug is None
