"""Demo data through the real upload path: artists register and upload over the HTTP API.

Each artwork is created with `POST /me/artworks`, gets its signed upload form, and its
generated image is posted to the form's URL exactly as a browser would; the queue and the
processor do the rest. Each artist's bio and copyright line are set with `PATCH /me` right
after registering (registration takes only the name), before any work is uploaded. Titles are
distinct, media are print media, and each sheet size has its image's proportions. Passwords
are generated and written to `seed-accounts.json` in the data directory (owner-readable
only), never fixed in code.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from copper.demo_art import ASPECTS, SHAPES, artwork_jpeg

TIMEOUT = 30


@dataclass(frozen=True)
class DemoArtist:
    """A demo printmaker: their name, bio, the print media they work in and their themes."""

    name: str
    bio: str
    media: tuple[str, ...]
    tags: tuple[str, ...]


ARTISTS = (
    DemoArtist(
        "Ada Verdigris",
        "Ada Verdigris etches copper plates in a converted boathouse. Her etchings and "
        "aquatints build quiet geometry out of bitten lines and soft tone, printed on cotton rag.",
        ("Etching", "Aquatint", "Drypoint"),
        ("geometry", "abstract", "tone", "line"),
    ),
    DemoArtist(
        "Rufus Ochre",
        "Rufus Ochre cuts woodblocks and lino about light on water, printing each colour by hand "
        "from one reduced block until nothing is left to cut.",
        ("Woodcut", "Linocut", "Reduction linocut"),
        ("sea", "light", "landscape", "warm"),
    ),
    DemoArtist(
        "Mina Cobalt",
        "Mina Cobalt pulls screenprints and risograph prints in blue and orange, "
        "layering flat colour until the overlaps make a third.",
        ("Screenprint", "Risograph print"),
        ("colour field", "blue", "abstract", "overlay"),
    ),
)
ADJECTIVES = ("Quiet", "Burning", "Northern", "Soft", "Copper", "Late", "Drifting", "Bright")
NOUNS = ("Harbour", "Orchard", "Signal", "Tide", "Meadow", "Lantern", "Horizon", "Garden")
MEDIA = tuple(medium for artist in ARTISTS for medium in artist.media)
TAGS = tuple(sorted({tag for artist in ARTISTS for tag in artist.tags}))
LONG_EDGES_CM = (30, 45, 60, 75, 90)  # whole centimetres for every demo shape
COLOUR_COUNTS = ("two", "three", "four", "five")
EDITIONS = (8, 12, 15, 20, 25, 30)


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


def register(
    api: str, display_name: str, bio: str, email: str, copyright_line: str = ""
) -> SeededArtist:
    """Register a demo artist over the API, then set their bio and copyright line."""
    password = secrets.token_urlsafe(12)
    response = requests.post(
        f"{api}/auth/register",
        json={"email": email, "password": password, "display_name": display_name},
        timeout=TIMEOUT,
    )
    body = _check(response, f"register {email}")
    artist = SeededArtist(email, password, display_name, body["token"])
    profile = {"bio": bio, "copyright_line": copyright_line}
    edit_profile(api, artist.token, {key: value for key, value in profile.items() if value})
    return artist


def edit_profile(api: str, token: str, fields: dict[str, str]) -> dict[str, Any]:
    """Change the caller's profile fields with `PATCH /me` (nothing to send: no request)."""
    if not fields:
        return {}
    response = requests.patch(
        f"{api}/me", json=fields, headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT
    )
    return _check(response, "edit profile")


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


def physical_size(shape: str, long_edge_cm: int) -> str:
    """Return a sheet size, width × height, with the proportions of a demo image's shape."""
    across, down = ASPECTS[shape]
    scale = long_edge_cm / max(across, down)
    return f"{round(across * scale)} × {round(down * scale)} cm"


def demo_titles(rng: random.Random) -> Iterator[str]:
    """Yield distinct titles forever: every adjective–noun pair once, then numbered series."""
    pairs = [f"{adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
    rng.shuffle(pairs)
    for series in itertools.count(1):
        for title in pairs:
            yield title if series == 1 else f"{title} {series}"


def demo_fields(
    rng: random.Random,
    shape: str | None = None,
    *,
    artist: DemoArtist | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Return plausible metadata for a demo print (a sheet size only when the shape is known)."""
    medium = rng.choice(artist.media if artist else MEDIA)
    fields: dict[str, Any] = {
        "title": title or f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
        "description": (
            f"{medium} in {rng.choice(COLOUR_COUNTS)} colours, printed by the artist "
            f"in an edition of {rng.choice(EDITIONS)}."
        ),
        "tags": rng.sample(artist.tags if artist else TAGS, 3),
        "medium": medium,
        "year": rng.randint(2015, 2026),
    }
    if shape is not None:
        fields["physical_size"] = physical_size(shape, rng.choice(LONG_EDGES_CM))
    return fields


@dataclass(frozen=True)
class DemoWork:
    """One demo print to upload: who made it, its image's seed and shape, and its metadata."""

    artist_index: int
    image_seed: int
    shape: str
    fields: dict[str, Any]

    def image(self, long_edge: int) -> bytes:
        """Return the work's generated original as JPEG bytes."""
        return artwork_jpeg(self.image_seed, long_edge, self.shape)


def demo_works(per_artist: int, rng: random.Random) -> list[DemoWork]:
    """Plan every demo artist's works: distinct titles, sizes that follow each image's shape."""
    titles = demo_titles(rng)
    works = []
    for number, artist in enumerate(ARTISTS):
        for index in range(per_artist):
            image_seed = number * 100 + index
            shape = SHAPES[image_seed % len(SHAPES)]
            fields = demo_fields(rng, shape, artist=artist, title=next(titles))
            works.append(DemoWork(number, image_seed, shape, fields))
    return works


def copyright_line(name: str, year: int | None = None) -> str:
    """Return a demo artist's copyright line."""
    return f"© {year or datetime.now(UTC).year} {name}. All rights reserved."


def seed(
    api: str,
    data_dir: Path,
    *,
    artworks_per_artist: int = 4,
    long_edge: int = 1600,
    progress: Callable[[str], None] = print,
) -> list[str]:
    """Register the demo artists with their profiles and upload their works; return the ids."""
    api = api.rstrip("/")
    suffix = secrets.token_hex(3)
    artists = []
    for artist in ARTISTS:
        email = f"{artist.name.split()[0].lower()}.{suffix}@demo.copper.local"
        artists.append(register(api, artist.name, artist.bio, email, copyright_line(artist.name)))
    write_accounts(
        data_dir,
        [{"email": a.email, "password": a.password, "name": a.display_name} for a in artists],
    )
    ids: list[str] = []
    for work in demo_works(artworks_per_artist, random.Random(7)):
        artist = artists[work.artist_index]
        ids.append(upload_artwork(api, artist.token, work.image(long_edge), work.fields))
        progress(f"uploaded {len(ids)}: {artist.display_name}")
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
