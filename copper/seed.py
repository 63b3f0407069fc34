"""Demo data through the real upload path: artists register and upload over the HTTP API.

Each artwork is created with `POST /me/artworks`, gets its signed upload form, and its
generated image is posted to the form's URL exactly as a browser would; the queue and the
processor do the rest. Each artist's bio and copyright line are set with `PATCH /me` right
after registering (registration takes only the name), before any work is uploaded. Titles are
distinct, media are print media, and each sheet size has its image's proportions. Passwords
are generated and written to `seed-accounts.json` in the data directory (owner-readable
only), never fixed in code.

Seeding is idempotent: a second run logs in to the recorded demo accounts, creates only the
works missing (matched by title per artist), uploads again the works whose upload never
completed, publishes the drafts, then waits (bounded) for every demo work to be ready.
"""

from __future__ import annotations

import itertools
import random
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from copper.demo_art import ASPECTS, SHAPES, artwork_jpeg
from copper.seed_state import (
    DEMO_DOMAIN,
    find_account,
    mark_complete,
    record_upload,
    record_work,
    upload_recorded,
    write_accounts,
)

TIMEOUT = 30
READY_TIMEOUT = 300  # seconds the seed waits for the demo works to be processed
UPLOADABLE = frozenset({"awaiting_upload", "rejected", "failed"})
UNFINISHED = frozenset({"awaiting_upload", "processing"})


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
    """The API refused a step of the seeding (with its HTTP status), or a work never got ready."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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
        raise SeedError(
            f"{step}: HTTP {response.status_code} {response.text[:300]}", response.status_code
        )
    return response.json() if response.content else {}


def sign_up(api: str, email: str, password: str, display_name: str) -> str:
    """Register an account over the API; return its token."""
    response = requests.post(
        f"{api}/auth/register",
        json={"email": email, "password": password, "display_name": display_name},
        timeout=TIMEOUT,
    )
    return _check(response, f"register {email}")["token"]


def log_in(api: str, email: str, password: str) -> str | None:
    """Return a token for the account, or None if these credentials do not log in."""
    response = requests.post(
        f"{api}/auth/login", json={"email": email, "password": password}, timeout=TIMEOUT
    )
    if response.status_code == 401:
        return None
    return _check(response, f"log in {email}")["token"]


def register(
    api: str, display_name: str, bio: str, email: str, copyright_line: str = ""
) -> SeededArtist:
    """Register a demo artist over the API, then set their bio and copyright line."""
    password = secrets.token_urlsafe(12)
    token = sign_up(api, email, password, display_name)
    artist = SeededArtist(email, password, display_name, token)
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


def create_artwork(api: str, token: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Create a draft artwork awaiting its upload; return it."""
    return _check(
        requests.post(f"{api}/me/artworks", json=fields, headers=_auth(token), timeout=TIMEOUT),
        "create artwork",
    )


def upload_original(api: str, token: str, artwork_id: str, image: bytes) -> bool:
    """Post the original through a signed form; False if the work already has its image."""
    response = requests.post(
        f"{api}/me/artworks/{artwork_id}/upload",
        json={"content_type": "image/jpeg"},
        headers=_auth(token),
        timeout=TIMEOUT,
    )
    if response.status_code == 409 and error_code(response) == "not_allowed":
        return False  # processing began since the work was listed
    form = _check(response, "issue upload")
    posted = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": ("original.jpg", image, "image/jpeg")},
        timeout=TIMEOUT,
    )
    _check(posted, "upload original")
    return True


def publish(api: str, token: str, artwork_id: str) -> dict[str, Any]:
    """Publish a work (visitors see it once it is ready); return it."""
    url = f"{api}/me/artworks/{artwork_id}/publish"
    return _check(requests.post(url, headers=_auth(token), timeout=TIMEOUT), "publish")


def upload_artwork(api: str, token: str, image: bytes, fields: dict[str, Any]) -> str:
    """Create an artwork, upload its original through the signed form, publish it; return its id."""
    artwork_id = create_artwork(api, token, fields)["id"]
    upload_original(api, token, artwork_id, image)
    publish(api, token, artwork_id)
    return artwork_id


def own_works(api: str, token: str) -> list[dict[str, Any]]:
    """Return all of the caller's works (every page)."""
    works: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = _check(
            requests.get(
                f"{api}/me/artworks", params=params, headers=_auth(token), timeout=TIMEOUT
            ),
            "list works",
        )
        works.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return works


def error_code(response: requests.Response) -> str | None:
    """Return the API's error code in a response, if it has one."""
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _auth(token: str) -> dict[str, str]:
    """Return the bearer header for a token."""
    return {"Authorization": f"Bearer {token}"}


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


@dataclass
class SeedReport:
    """What a seed run did: works created or found, uploads, publications, new accounts."""

    created: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    uploaded: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    registered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return one line saying what the run did."""
        line = f"seeded {len(self.created)} new works, {len(self.present)} already present"
        again = [i for i in self.present if i in self.uploaded]
        published = [i for i in self.present if i in self.published]
        if again or published:
            line += f" ({len(again)} uploaded again, {len(published)} published now)"
        return line


def demo_account(
    api: str, data_dir: Path, artist: DemoArtist, suffix: str
) -> tuple[SeededArtist, bool]:
    """Log in to the artist's recorded demo account, or record and register one; True if new."""
    account = find_account(data_dir, name=artist.name)
    if account is None:
        email = f"{artist.name.split()[0].lower()}.{suffix}{DEMO_DOMAIN}"
        account = {"email": email, "password": secrets.token_urlsafe(12), "name": artist.name}
        write_accounts(data_dir, [account])  # before registering: a password is never lost
    email, password = account["email"], account["password"]
    token = log_in(api, email, password)
    if token is not None:
        return SeededArtist(email, password, artist.name, token), False
    try:
        token = sign_up(api, email, password, artist.name)
    except SeedError as error:
        if error.status != 422:  # 422: the address is taken, by an account we cannot log in to
            raise
        raise SeedError(
            f"{email} exists but its password in seed-accounts.json does not log in; "
            "reset the local data (docs/operations.md)"
        ) from error
    return SeededArtist(email, password, artist.name, token), True


def fill_profile(api: str, token: str, artist: DemoArtist) -> None:
    """Set the demo artist's bio and copyright line where their profile has none."""
    me = _check(requests.get(f"{api}/me", headers=_auth(token), timeout=TIMEOUT), "profile")
    wanted = {"bio": artist.bio, "copyright_line": copyright_line(artist.name)}
    edit_profile(api, token, {name: text for name, text in wanted.items() if not me.get(name)})


def needs_upload(data_dir: Path, work: dict[str, Any]) -> bool:
    """Return whether the work lacks its image: never uploaded, or rejected or failed since."""
    if work["status"] == "awaiting_upload":  # unless its upload completed and awaits processing
        return not upload_recorded(data_dir, work["id"])
    return work["status"] in UPLOADABLE


def seed_work(
    api: str,
    data_dir: Path,
    artist: SeededArtist,
    work: DemoWork,
    existing: dict[str, dict[str, Any]],
    long_edge: int,
    report: SeedReport,
) -> dict[str, Any]:
    """Create the work unless its title exists, upload its image if it has none, publish it."""
    title = work.fields["title"]
    found = existing.get(title)
    if found is None:
        found = create_artwork(api, artist.token, work.fields)
        record_work(data_dir, found["id"], artist.display_name, title)
        report.created.append(found["id"])
    else:
        report.present.append(found["id"])
    if needs_upload(data_dir, found) and upload_original(
        api, artist.token, found["id"], work.image(long_edge)
    ):
        record_upload(data_dir, found["id"])
        report.uploaded.append(found["id"])
    if found["visibility"] != "published":
        found = publish(api, artist.token, found["id"])
        report.published.append(found["id"])
    return found


def wait_until_ready(
    api: str, works: dict[str, SeededArtist], timeout: float, poll: float = 0.5
) -> None:
    """Wait until every work is ready; SeedError if one failed or the time ran out."""
    deadline = time.monotonic() + timeout
    waiting = dict(works)
    while waiting:
        for artwork_id, artist in list(waiting.items()):
            url = f"{api}/me/artworks/{artwork_id}"
            work = _check(requests.get(url, headers=_auth(artist.token), timeout=TIMEOUT), "status")
            if work["status"] in UNFINISHED:
                continue
            del waiting[artwork_id]
            if work["status"] != "ready":
                raise SeedError(
                    f"demo work {work['title']!r} ended {work['status']}; "
                    "seeding again uploads it again"
                )
        if waiting and time.monotonic() > deadline:
            raise SeedError(
                f"{len(waiting)} demo works were not processed within {timeout:.0f} s "
                "(is a worker running?); seeding again picks them up"
            )
        if waiting:
            time.sleep(poll)


def seed(
    api: str,
    data_dir: Path,
    *,
    artworks_per_artist: int = 4,
    long_edge: int = 1600,
    progress: Callable[[str], None] = print,
    ready_timeout: float = READY_TIMEOUT,
) -> SeedReport:
    """Bring the demo accounts, profiles and works up to the full demo set; report what it did."""
    api, data_dir = api.rstrip("/"), Path(data_dir)
    mark_complete(data_dir, False)
    suffix = secrets.token_hex(3)
    plan = demo_works(artworks_per_artist, random.Random(7))
    report = SeedReport()
    waiting: dict[str, SeededArtist] = {}
    for number, demo in enumerate(ARTISTS):
        artist, new = demo_account(api, data_dir, demo, suffix)
        if new:
            report.registered.append(artist.email)
        progress(f"{demo.name}: {'registered' if new else 'logged in'}")
        fill_profile(api, artist.token, demo)
        existing: dict[str, dict[str, Any]] = {}
        for listed in own_works(api, artist.token):
            existing.setdefault(listed["title"], listed)
        for work in (w for w in plan if w.artist_index == number):
            seeded = seed_work(api, data_dir, artist, work, existing, long_edge, report)
            progress(f"{demo.name}: {work.fields['title']!r} {seeded['status']}")
            if seeded["status"] != "ready" or seeded["id"] in report.uploaded:
                waiting[seeded["id"]] = artist
    wait_until_ready(api, waiting, ready_timeout)
    mark_complete(data_dir, True)
    return report


def iter_images(count: int, long_edge: int) -> Iterator[bytes]:
    """Yield `count` distinct demo images."""
    for seed_number in range(count):
        yield artwork_jpeg(seed_number, long_edge)
