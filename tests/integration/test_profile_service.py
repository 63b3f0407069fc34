"""Profile edits over the real SQLite store, and through the API's PATCH /me."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from content.artworks import ArtworkService
from content.model import Artist, OriginalObject, Status
from content.profile import InvalidProfile, ProfileService
from content.repository import VersionConflict
from content.sqlite import SqliteContentRepository
from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings
from testkit.racing import RacingRepository


@pytest.fixture
def artworks(tmp_path: Path) -> ArtworkService:
    """The artwork service over a fresh SQLite store with one artist, ada."""
    repository = SqliteContentRepository(tmp_path / "content.db")
    repository.add_artist(Artist("ada", "ada", "Ada", "ada@example.com", "hash"))
    return ArtworkService(repository)


@pytest.fixture
def profiles(artworks: ArtworkService) -> ProfileService:
    """The profile service, reprocessing through the artwork service."""
    return ProfileService(artworks.repository, artworks.request_reprocess)


def work_in(artworks: ArtworkService, title: str, status: Status) -> str:
    """Create one of ada's works and put it in `status` with an uploaded original."""
    created = artworks.create("ada", {"title": title})
    original = OriginalObject(key=f"originals/ada/{created.id}/original", sequencer="01")
    artworks.repository.save_artwork(
        replace(created, status=status, original=original), created.version
    )
    return created.id


def test_an_artist_changes_name_bio_and_copyright(profiles: ProfileService) -> None:
    saved = profiles.edit(
        "ada", {"display_name": " Ada L. ", "bio": "Etchings.", "copyright_line": "© Ada"}
    )
    assert (saved.display_name, saved.bio, saved.copyright_line) == ("Ada L.", "Etchings.", "© Ada")
    assert saved.version == 2
    assert profiles.repository.get_artist("ada").bio == "Etchings."


def test_a_watermark_change_keeps_the_settings_it_does_not_name(profiles: ProfileService) -> None:
    saved = profiles.edit("ada", {"watermark": {"enabled": True, "text": "© Ada"}})
    assert (saved.watermark.enabled, saved.watermark.text) == (True, "© Ada")
    assert (saved.watermark.position, saved.watermark.opacity) == ("bottom-right", 0.4)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "x@example.com"}, "email"),
        ({"display_name": "  "}, "display_name"),
        ({"bio": "b" * 2001}, "bio"),
        ({"watermark": {"position": "upside-down"}}, "watermark"),
        ({"watermark": {"opacity": 2}}, "watermark"),
        ({"watermark": {"enabled": True}}, "watermark"),
        ({"watermark": {"colour": "red"}}, "watermark"),
    ],
)
def test_invalid_profile_fields_are_refused_with_the_field_named(
    profiles: ProfileService, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidProfile) as refused:
        profiles.edit("ada", fields)
    assert refused.value.field == field


def test_an_edit_from_a_stale_version_is_a_conflict(profiles: ProfileService) -> None:
    profiles.edit("ada", {"bio": "first"}, version=1)
    with pytest.raises(VersionConflict):
        profiles.edit("ada", {"bio": "second"}, version=1)


def test_a_new_copyright_line_reprocesses_every_work_that_has_a_file_to_process(
    artworks: ArtworkService, profiles: ProfileService
) -> None:
    ids = {status: work_in(artworks, status.value, status) for status in Status}
    profiles.edit("ada", {"copyright_line": "© Ada 2026"})
    statuses = {s: artworks.repository.get_artwork(i).status for s, i in ids.items()}
    pending = {s: artworks.repository.get_artwork(i).reprocess_request for s, i in ids.items()}
    assert statuses[Status.READY] is Status.READY and pending[Status.READY]
    assert statuses[Status.REJECTED] is Status.REJECTED  # its refused file is not kept
    assert statuses[Status.FAILED] is Status.PROCESSING
    assert statuses[Status.AWAITING_UPLOAD] is Status.AWAITING_UPLOAD
    assert statuses[Status.DELETED] is Status.DELETED


def test_a_bio_change_reprocesses_nothing(
    artworks: ArtworkService, profiles: ProfileService
) -> None:
    ready = work_in(artworks, "ready", Status.READY)
    profiles.edit("ada", {"bio": "New bio"})
    assert artworks.repository.get_artwork(ready).status is Status.READY


def test_patch_me_changes_the_account_and_answers_409_when_stale(tmp_path: Path) -> None:
    client = create_app(build_services(ServiceSettings(data_dir=str(tmp_path)))).test_client()
    body = {"email": "ada@example.com", "password": "correct horse battery", "display_name": "A"}
    token = client.post("/auth/register", json=body).json["token"]
    auth = {"Authorization": f"Bearer {token}"}

    changed = client.patch("/me", json={"bio": "Prints.", "version": 1}, headers=auth)
    stale = client.patch("/me", json={"bio": "Other.", "version": 1}, headers=auth)
    invalid = client.patch("/me", json={"watermark": {"opacity": 3}}, headers=auth)
    anonymous = client.patch("/me", json={"bio": "x"})

    assert (changed.status_code, changed.json["bio"], changed.json["version"]) == (
        200,
        "Prints.",
        2,
    )
    assert (stale.status_code, stale.json["error"]["code"]) == (409, "version_conflict")
    assert (invalid.status_code, invalid.json["error"]["code"]) == (422, "invalid_field")
    assert anonymous.status_code == 401


def test_a_profile_edit_without_a_version_keeps_a_concurrent_change(tmp_path: Path) -> None:
    racing = RacingRepository(SqliteContentRepository(tmp_path / "content.db"))
    racing.add_artist(Artist("ada", "ada", "Ada", "ada@example.com", "hash"))
    profiles = ProfileService(racing, ArtworkService(racing).request_reprocess)
    racing.overtake_artist("ada", lambda artist: replace(artist, bio="Etchings."))
    saved = profiles.edit("ada", {"copyright_line": "© Ada"})
    assert racing.conflicts == 1
    assert (saved.bio, saved.copyright_line, saved.version) == ("Etchings.", "© Ada", 3)
    racing.overtake_artist("ada", lambda artist: replace(artist, bio="Woodcuts."))
    with pytest.raises(VersionConflict):
        profiles.edit("ada", {"bio": "Aquatints."}, version=saved.version)
