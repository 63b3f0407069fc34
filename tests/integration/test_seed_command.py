"""`copper seed` against a running API: demo artists with their profiles and coherent works."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from copper.demo_art import ASPECTS, SHAPES
from copper.seed import ARTISTS, MEDIA, demo_fields, demo_titles, demo_works, physical_size
from testkit.cli import COPPER
from testkit.stack import LocalStack

PER_ARTIST = 2
SIZE = re.compile(r"^(\d+) × (\d+) cm$")


def sheet_ratio(size: str) -> float:
    """Return width / height of a demo sheet size such as '60 × 40 cm'."""
    match = SIZE.match(size)
    assert match, size
    return int(match[1]) / int(match[2])


@pytest.mark.parametrize("shape", SHAPES)
def test_a_sheet_size_has_its_images_proportions(shape: str) -> None:
    across, down = ASPECTS[shape]
    for long_edge in (30, 45, 60, 75, 90):
        assert sheet_ratio(physical_size(shape, long_edge)) == pytest.approx(across / down)


def test_demo_titles_never_repeat() -> None:
    titles = list(itertools.islice(demo_titles(random.Random(1)), 150))
    assert len(set(titles)) == len(titles)


def test_planned_works_are_print_media_of_their_artist_with_fitting_sizes() -> None:
    works = demo_works(4, random.Random(7))
    assert len({work.fields["title"] for work in works}) == len(works) == 12
    for work in works:
        assert work.fields["medium"] in ARTISTS[work.artist_index].media
        across, down = ASPECTS[work.shape]
        assert sheet_ratio(work.fields["physical_size"]) == pytest.approx(across / down)


def test_fields_without_a_known_shape_claim_no_sheet_size() -> None:
    fields = demo_fields(random.Random(3))
    assert "physical_size" not in fields
    assert fields["medium"] in MEDIA


def run_seed(stack: LocalStack) -> subprocess.CompletedProcess[str]:
    """Run the installed `copper seed` against the stack's API and data directory."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("COPPER_")
    }
    environment |= {
        "COPPER_DATA_DIR": str(stack.data_dir),
        "COPPER_TOKEN_SECRET": stack.settings.token_secret,
    }
    return subprocess.run(
        [str(COPPER), "seed", "--api", stack.api_url, "--per-artist", str(PER_ARTIST)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def published(api_url: str, count: int, timeout: float = 120) -> list[dict[str, Any]]:
    """Wait until `count` works are public; return them."""
    deadline = time.monotonic() + timeout
    while True:
        items = requests.get(f"{api_url}/artworks?limit=100", timeout=10).json()["items"]
        if len(items) >= count:
            return items
        assert time.monotonic() < deadline, f"{len(items)} of {count} works became ready"
        time.sleep(0.3)


def own_profile(api_url: str, account: dict[str, str]) -> dict[str, Any]:
    """Log in as a seeded account and return `GET /me`."""
    login = requests.post(
        f"{api_url}/auth/login",
        json={"email": account["email"], "password": account["password"]},
        timeout=10,
    )
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    return requests.get(f"{api_url}/me", headers=headers, timeout=10).json()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, str]]:
    """Run the API and a worker over an empty data directory, then `copper seed` against it."""
    with LocalStack(tmp_path_factory.mktemp("seed") / "var") as stack:
        result = run_seed(stack)
        assert result.returncode == 0, result.stderr
        yield stack, result.stderr


def test_copper_seed_gives_each_artist_a_bio_and_copyright_line(
    seeded: tuple[LocalStack, str],
) -> None:
    stack, said = seeded
    assert f"seeded {PER_ARTIST * len(ARTISTS)} new works, 0 already present" in said
    path = stack.data_dir / "seed-accounts.json"
    assert path.stat().st_mode & 0o077 == 0
    accounts = {account["name"]: account for account in json.loads(path.read_text())}
    assert "Gallery Admin" in accounts
    for artist in ARTISTS:
        profile = own_profile(stack.api_url, accounts[artist.name])
        assert profile["bio"] == artist.bio
        assert re.fullmatch(
            rf"© \d{{4}} {artist.name}\. All rights reserved\.", profile["copyright_line"]
        )
        public = requests.get(f"{stack.api_url}/artists/{profile['slug']}", timeout=10).json()
        assert public["bio"] == artist.bio


def test_copper_seed_uploads_distinct_print_works_whose_sizes_fit_their_images(
    seeded: tuple[LocalStack, str],
) -> None:
    stack, _ = seeded
    works = published(stack.api_url, PER_ARTIST * len(ARTISTS))
    assert len({work["title"] for work in works}) == len(works)
    assert {work["medium"] for work in works} <= set(MEDIA)
    for work in works:
        image_ratio = work["facts"]["width"] / work["facts"]["height"]
        assert sheet_ratio(work["physical_size"]) == pytest.approx(image_ratio, rel=0.01)
