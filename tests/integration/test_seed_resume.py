"""An interrupted demo seed is completed by the next run, and a gallery's own data is left alone.

The seed runs in this process against a real local API stack (HTTP, SQLite, a worker); an
interruption is an exception raised from its progress callback at a chosen line.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from content.model import Status, Visibility
from content.repository import NotFound
from copper.demo import seed_when_empty
from copper.seed import (
    ARTISTS,
    SeedError,
    SeedReport,
    create_artwork,
    demo_works,
    log_in,
    seed,
    upload_original,
)
from copper.seed_state import (
    ACCOUNTS_FILE,
    MANIFEST_FILE,
    GalleryState,
    find_account,
    gallery_state,
)
from service.bootstrap import build_services
from service.settings import ServiceSettings
from testkit.stack import LocalStack

PER_ARTIST = 2
LONG_EDGE = 400


class Interrupted(Exception):
    """The seed was stopped here (as if the process had died)."""


def stop_at(prefix: str) -> Callable[[str], None]:
    """Return a progress callback that stops the seed at the first line starting with `prefix`."""

    def progress(line: str) -> None:
        if line.startswith(prefix):
            raise Interrupted(line)

    return progress


def run(stack: LocalStack, progress: Callable[[str], None] = lambda line: None) -> SeedReport:
    """Run the seed in this process against the stack."""
    return seed(
        stack.api_url,
        stack.data_dir,
        artworks_per_artist=PER_ARTIST,
        long_edge=LONG_EDGE,
        progress=progress,
        ready_timeout=120,
    )


def assert_the_full_demo_set_exactly_once(stack: LocalStack, per_artist: int = PER_ARTIST) -> None:
    """Each demo artist exists once, with each planned work once, ready and published."""
    repository = stack.services.repository
    artists = [a for a in repository.list_artists(limit=100).items if a.role == "artist"]
    assert sorted(a.display_name for a in artists) == sorted(a.name for a in ARTISTS)
    plan = demo_works(per_artist, random.Random(7))
    for number, demo in enumerate(ARTISTS):
        artist = next(a for a in artists if a.display_name == demo.name)
        assert artist.bio == demo.bio and artist.copyright_line
        works = repository.list_by_artist(artist.id, include_drafts=True, limit=100).items
        planned = [w.fields["title"] for w in plan if w.artist_index == number]
        assert sorted(w.title for w in works) == sorted(planned)
        assert {(w.status, w.visibility) for w in works} == {(Status.READY, Visibility.PUBLISHED)}


def test_a_seed_stopped_after_the_first_artist_ends_with_the_full_demo_set_once(
    tmp_path: Path,
) -> None:
    with LocalStack(tmp_path / "var") as stack:
        # GIVEN a seed that stopped once the first artist's works were made
        with pytest.raises(Interrupted):
            run(stack, stop_at(f"{ARTISTS[1].name}:"))
        assert gallery_state(stack.services.repository, stack.data_dir) is (
            GalleryState.PARTIAL_DEMO
        )
        # WHEN it runs again
        report = run(stack)
        # THEN it logged in where it could, made only what was missing, and nothing twice
        assert report.summary() == f"seeded 4 new works, {PER_ARTIST} already present"
        assert len(report.registered) == len(ARTISTS) - 2  # the second was registered, then stopped
        assert_the_full_demo_set_exactly_once(stack)
        assert (stack.data_dir / ACCOUNTS_FILE).stat().st_mode & 0o077 == 0
        assert (stack.data_dir / MANIFEST_FILE).stat().st_mode & 0o077 == 0
        # AND a third run finds everything in place
        again = run(stack)
        assert (len(again.created), len(again.present)) == (0, PER_ARTIST * len(ARTISTS))
        assert again.uploaded == again.published == again.registered == []


def test_a_work_whose_upload_never_happened_is_uploaded_and_a_draft_is_published(
    tmp_path: Path,
) -> None:
    with LocalStack(tmp_path / "var") as stack:
        # GIVEN the first artist registered, one work created without its image, one unpublished
        with pytest.raises(Interrupted):
            run(stack, stop_at(f"{ARTISTS[0].name}: registered"))
        account = find_account(stack.data_dir, name=ARTISTS[0].name)
        token = log_in(stack.api_url, account["email"], account["password"])
        assert token is not None
        first, second = (w for w in demo_works(PER_ARTIST, random.Random(7)) if w.artist_index == 0)
        never_uploaded = create_artwork(stack.api_url, token, first.fields)["id"]
        draft = create_artwork(stack.api_url, token, second.fields)["id"]
        assert upload_original(stack.api_url, token, draft, second.image(LONG_EDGE))
        stack.wait_for(draft, token, {"ready"})
        # WHEN the seed runs again
        report = run(stack)
        # THEN it uploads the first, publishes both, and makes the rest
        assert never_uploaded in report.uploaded and draft not in report.uploaded
        assert {never_uploaded, draft} <= set(report.published)
        assert report.summary() == (
            "seeded 4 new works, 2 already present (1 uploaded again, 2 published now)"
        )
        assert_the_full_demo_set_exactly_once(stack)


def test_a_seed_with_no_worker_stops_at_its_deadline_and_the_next_run_uploads_nothing_twice(
    tmp_path: Path,
) -> None:
    with LocalStack(tmp_path / "var", worker=False) as stack:
        # GIVEN a seed whose uploads nobody processes
        with pytest.raises(SeedError) as stopped:
            seed(stack.api_url, stack.data_dir, artworks_per_artist=1, ready_timeout=0.5)
        assert stopped.value.status is None  # not an API refusal: the works never got ready
        assert gallery_state(stack.services.repository, stack.data_dir) is (
            GalleryState.PARTIAL_DEMO
        )
        # WHEN a worker has caught up and the seed runs again
        stack.worker.drain()
        report = seed(stack.api_url, stack.data_dir, artworks_per_artist=1, ready_timeout=30)
        # THEN every upload had completed: nothing is uploaded or made again
        assert report.summary() == f"seeded 0 new works, {len(ARTISTS)} already present"
        assert_the_full_demo_set_exactly_once(stack, per_artist=1)
        assert gallery_state(stack.services.repository, stack.data_dir) is (
            GalleryState.COMPLETE_DEMO
        )


def test_copper_dev_completes_a_half_seeded_gallery_and_then_leaves_it_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LocalStack(tmp_path / "var") as stack:
        # GIVEN a demo seed that stopped after the first artist (4 works each, as copper dev seeds)
        with pytest.raises(Interrupted):
            seed(
                stack.api_url,
                stack.data_dir,
                long_edge=LONG_EDGE,
                progress=stop_at(f"{ARTISTS[1].name}:"),
            )
        # WHEN copper dev starts
        thread = seed_when_empty(stack.services, stack.api_url)
        assert thread is not None
        thread.join(timeout=600)
        # THEN the demo set is complete, with the admin, and it said so
        said = capsys.readouterr().err
        assert "seeded 8 new works, 4 already present" in said, said
        assert_the_full_demo_set_exactly_once(stack, per_artist=4)
        stack.services.repository.find_artist_by_email("admin@demo.copper.local")
        # AND the next start does not seed again
        assert seed_when_empty(stack.services, stack.api_url) is None
        assert "demo data present; not seeding" in capsys.readouterr().err


def test_a_gallery_with_only_its_own_artists_is_never_seeded_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = build_services(ServiceSettings(data_dir=str(tmp_path / "var")))
    found.accounts.register("mina@example.com", "correct horse battery", "Mina Cobalt")
    assert seed_when_empty(found, "http://127.0.0.1:9") is None
    assert "has its own artists; not seeding" in capsys.readouterr().err
    assert [a.email for a in found.repository.list_artists(limit=100).items] == ["mina@example.com"]
    with pytest.raises(NotFound):
        found.repository.find_artist_by_email("admin@demo.copper.local")
    assert not (tmp_path / "var" / ACCOUNTS_FILE).exists()
    assert not (tmp_path / "var" / MANIFEST_FILE).exists()
