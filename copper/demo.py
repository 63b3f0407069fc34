"""The demo gallery on the embedded stack: its admin account and seeding in the background."""

from __future__ import annotations

import secrets
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

from content.model import Role
from content.repository import NotFound
from copper.seed import SeedError, seed
from copper.seed_state import GalleryState, find_account, gallery_state, write_accounts
from service.bootstrap import Services

ADMIN_EMAIL = "admin@demo.copper.local"

Say = Callable[[str], None]


def say_as_copper_dev(line: str) -> None:
    """Tell the operator of `copper dev` what happened, on standard error."""
    print(f"copper dev: {line}", file=sys.stderr, flush=True)


def ensure_admin(services: Services) -> str:
    """Create the demo admin once; its generated password is recorded before it is registered."""
    data_dir = Path(services.settings.data_dir)
    try:
        services.repository.find_artist_by_email(ADMIN_EMAIL)
        return ADMIN_EMAIL
    except NotFound:
        account = find_account(data_dir, email=ADMIN_EMAIL)
        if account is None:
            password = secrets.token_urlsafe(12)
            account = {"email": ADMIN_EMAIL, "password": password, "name": "Gallery Admin"}
            write_accounts(data_dir, [account])
        services.accounts.register(
            ADMIN_EMAIL, account["password"], account["name"], role=Role.ADMIN
        )
        return ADMIN_EMAIL


def wait_for_api(url: str, timeout: float = 30) -> None:
    """Wait until the API answers /healthz; SeedError if it does not within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SeedError(f"the API at {url} did not start")


def seed_when_empty(
    services: Services, api_url: str, say: Say = say_as_copper_dev
) -> threading.Thread | None:
    """Load or complete the demo data in the background, unless it is complete or not wanted.

    A gallery whose artists are all its own (no demo account) is never seeded over; a
    half-seeded one is completed. Return the seeding thread, or None when nothing is to do.
    """
    data_dir = Path(services.settings.data_dir)
    state = gallery_state(services.repository, data_dir)
    if state is GalleryState.OWN_DATA:
        say("the gallery has its own artists; not seeding demo data")
        return None
    if state is GalleryState.COMPLETE_DEMO:
        say("demo data present; not seeding")
        return None
    thread = threading.Thread(
        target=seed_in_background, args=(services, api_url, data_dir, say), daemon=True
    )
    thread.start()
    return thread


def seed_in_background(services: Services, api_url: str, data_dir: Path, say: Say) -> None:
    """Seed (or complete the seed) once the API answers; say what was done or what stopped it."""
    try:
        wait_for_api(api_url)
        ensure_admin(services)
        report = seed(api_url, data_dir, progress=lambda line: None)
    except (SeedError, requests.RequestException) as error:
        say(f"seeding stopped ({error}); the next start completes it")
        return
    say(f"{report.summary()}; logins in {data_dir}/seed-accounts.json")
