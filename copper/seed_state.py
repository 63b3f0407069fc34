"""What the demo seed made, kept in the data directory, and whether a gallery wants seeding.

`seed-accounts.json` lists the demo accounts with their generated passwords; an account is
recorded before it is registered, so an interrupted seed never loses a password.
`seed-manifest.json` records the works the seed created, which of their uploads completed
(the store accepted the original; processing follows from the queue) and whether a run
finished. Both
files are owner-readable only (mode 0600) and replaced atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

from content.repository import ContentRepository, every_artist

ACCOUNTS_FILE = "seed-accounts.json"
MANIFEST_FILE = "seed-manifest.json"
DEMO_DOMAIN = "@demo.copper.local"


class GalleryState(StrEnum):
    """What a data directory holds, as far as the demo seed is concerned."""

    EMPTY = "empty"
    PARTIAL_DEMO = "partial demo"  # demo accounts, and no finished seed run since
    COMPLETE_DEMO = "complete demo"
    OWN_DATA = "own data"  # artists, none of them demo accounts


def is_demo_email(email: str) -> bool:
    """Return whether an account is one the demo seed makes."""
    return email.lower().endswith(DEMO_DOMAIN)


def write_private(path: Path, data: Any) -> None:
    """Write JSON to `path` atomically, owner-readable only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w") as handle:  # mkstemp creates it with mode 0600
            json.dump(data, handle, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_json(path: Path, default: Any) -> Any:
    """Return the JSON in `path`, or `default` if there is no such file."""
    return json.loads(path.read_text()) if path.exists() else default


def read_accounts(data_dir: Path) -> list[dict[str, str]]:
    """Return the recorded demo accounts: email, password and name."""
    return read_json(Path(data_dir) / ACCOUNTS_FILE, [])


def find_account(data_dir: Path, *, name: str | None = None, email: str | None = None) -> Any:
    """Return the first recorded account with this name or e-mail address, or None."""
    for account in read_accounts(data_dir):
        if account.get("name") == name or account.get("email") == email:
            return account
    return None


def write_accounts(data_dir: Path, accounts: list[dict[str, str]]) -> Path:
    """Add accounts to `seed-accounts.json` (mode 0600), replacing any with the same e-mail."""
    path = Path(data_dir) / ACCOUNTS_FILE
    emails = {account["email"] for account in accounts}
    kept = [account for account in read_accounts(data_dir) if account["email"] not in emails]
    write_private(path, [*kept, *accounts])
    return path


def read_manifest(data_dir: Path) -> dict[str, Any]:
    """Return the manifest: created works by id (artist and title) and whether a run finished."""
    manifest = read_json(Path(data_dir) / MANIFEST_FILE, {})
    return {"works": manifest.get("works", {}), "complete": bool(manifest.get("complete"))}


def record_work(data_dir: Path, artwork_id: str, artist: str, title: str) -> None:
    """Record a work the seed created."""
    manifest = read_manifest(data_dir)
    manifest["works"][artwork_id] = {"artist": artist, "title": title}
    write_private(Path(data_dir) / MANIFEST_FILE, manifest)


def record_upload(data_dir: Path, artwork_id: str) -> None:
    """Record that a work's original was accepted by the store (its processing may be pending)."""
    manifest = read_manifest(data_dir)
    manifest["works"].setdefault(artwork_id, {})["uploaded"] = True
    write_private(Path(data_dir) / MANIFEST_FILE, manifest)


def upload_recorded(data_dir: Path, artwork_id: str) -> bool:
    """Return whether the seed recorded a completed upload of this work."""
    return bool(read_manifest(data_dir)["works"].get(artwork_id, {}).get("uploaded"))


def mark_complete(data_dir: Path, complete: bool) -> None:
    """Record whether the last seed run finished (every demo work ready and published)."""
    manifest = read_manifest(data_dir)
    if manifest["complete"] != complete or not (Path(data_dir) / MANIFEST_FILE).exists():
        write_private(Path(data_dir) / MANIFEST_FILE, manifest | {"complete": complete})


def all_emails(repository: ContentRepository) -> set[str]:
    """Return the e-mail address of every account in the store."""
    return {artist.email for artist in every_artist(repository)}


def gallery_state(repository: ContentRepository, data_dir: Path) -> GalleryState:
    """Return whether the gallery is empty, half or fully seeded, or holds only its own data."""
    emails = all_emails(repository)
    if not emails:
        return GalleryState.EMPTY
    if not any(is_demo_email(email) for email in emails):
        return GalleryState.OWN_DATA
    recorded = {account["email"] for account in read_accounts(data_dir)}
    if read_manifest(data_dir)["complete"] and recorded <= emails:
        return GalleryState.COMPLETE_DEMO
    return GalleryState.PARTIAL_DEMO
