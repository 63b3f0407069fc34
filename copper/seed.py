"""Demo data through the real upload path: artists register and upload over the HTTP API.

Each artwork is created with `POST /me/artworks`, gets its signed upload form, and its
generated image is posted to the form's URL exactly as a browser would; the queue and the
processor do the rest. Passwords are generated and written to `seed-accounts.json` in the
data directory (owner-readable only), never fixed in code.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from copper.demo_art import artwork_jpeg

TIMEOUT = 30
ARTISTS = (
    ("Ada Verdigris", "Abstract colour fields and quiet geometry, printed on cotton rag."),
    ("Rufus Ochre", "Large warm canvases about light on water."),
    ("Mina Cobalt", "Screen prints and risograph studies in blue and orange."),
)
ADJECTIVES = ("Quiet", "Burning", "Northern", "Soft", "Copper", "Late", "Drifting", "Bright")
NOUNS = ("Harbour", "Orchard", "Signal", "Tide", "Meadow", "Lantern", "Horizon", "Garden")
MEDIA = ("Oil on canvas", "Acrylic on board", "Screen print", "Giclée print", "Watercolour")
TAGS = ("abstract", "colour field", "landscape", "geometry", "light", "sea", "warm", "blue")


class SeedError(RuntimeError):
    """The API refused a step of the seeding."""


@dataclass(frozen=True)
class SeededArtist:
    """A demo account and its token."""

    email: str
    password: str
    display_name: str
    token: str


def _check(response: requests.Response, step: str) -> dict[str, Any]:
    """Return the JSON body of a successful response, or raise SeedError naming the step."""
    if response.status_code >= 400:
        raise SeedError(f"{step}: HTTP {response.status_code} {response.text[:300]}")
    return response.json() if response.content else {}


def register(api: str, display_name: str, bio: str, email: str) -> SeededArtist:
    """Register (or log in) a demo artist over the API."""
    password = secrets.token_urlsafe(12)
    response = requests.post(
        f"{api}/auth/register",
        json={"email": email, "password": password, "display_name": display_name},
        timeout=TIMEOUT,
    )
    body = _check(response, f"register {email}")
    return SeededArtist(email, password, display_name, body["token"])


def upload_artwork(api: str, token: str, image: bytes, fields: dict[str, Any]) -> str:
    """Create an artwork, upload its original through the signed form, publish it; return its id."""
    headers = {"Authorization": f"Bearer {token}"}
    created = _check(
        requests.post(f"{api}/me/artworks", json=fields, headers=headers, timeout=TIMEOUT),
        "create artwork",
    )
    artwork_id = created["id"]
    form = _check(
        requests.post(
            f"{api}/me/artworks/{artwork_id}/upload",
            json={"content_type": "image/jpeg"},
            headers=headers,
            timeout=TIMEOUT,
        ),
        "issue upload",
    )
    posted = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": ("original.jpg", image, "image/jpeg")},
        timeout=TIMEOUT,
    )
    _check(posted, "upload original")
    _check(
        requests.post(f"{api}/me/artworks/{artwork_id}/publish", headers=headers, timeout=TIMEOUT),
        "publish",
    )
    return artwork_id


def demo_fields(rng: random.Random) -> dict[str, Any]:
    """Return plausible metadata for a demo artwork."""
    return {
        "title": f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
        "description": "A generated study in colour and shape, made for the demo gallery.",
        "tags": rng.sample(TAGS, 3),
        "medium": rng.choice(MEDIA),
        "year": rng.randint(2015, 2026),
        "physical_size": rng.choice(("30 × 40 cm", "50 × 70 cm", "A3", "100 × 70 cm")),
    }


def seed(
    api: str,
    data_dir: Path,
    *,
    artworks_per_artist: int = 4,
    long_edge: int = 1600,
    progress: Callable[[str], None] = print,
) -> list[str]:
    """Register the demo artists and upload their works; return the artwork ids."""
    api = api.rstrip("/")
    rng = random.Random(7)
    suffix = secrets.token_hex(3)
    accounts: list[dict[str, str]] = []
    ids: list[str] = []
    for number, (name, bio) in enumerate(ARTISTS):
        email = f"{name.split()[0].lower()}.{suffix}@demo.copper.local"
        artist = register(api, name, bio, email)
        accounts.append({"email": artist.email, "password": artist.password, "name": name})
        for index in range(artworks_per_artist):
            image = artwork_jpeg(number * 100 + index, long_edge)
            ids.append(upload_artwork(api, artist.token, image, demo_fields(rng)))
            progress(f"uploaded {len(ids)}: {name}")
    write_accounts(data_dir, accounts)
    return ids


def write_accounts(data_dir: Path, accounts: list[dict[str, str]]) -> Path:
    """Add accounts to `seed-accounts.json` (mode 0600) in the data directory."""
    path = Path(data_dir) / "seed-accounts.json"
    known = json.loads(path.read_text()) if path.exists() else []
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump([*known, *accounts], handle, indent=2)
    return path


def iter_images(count: int, long_edge: int) -> Iterator[bytes]:
    """Yield `count` distinct demo images."""
    for seed_number in range(count):
        yield artwork_jpeg(seed_number, long_edge)
