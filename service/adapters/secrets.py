"""The secret source port (the token-signing and client vouch secrets) and its plain adapters:
set, or a file."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SECRET_FILE = "token-secret"
VOUCH_SECRET_FILE = "client-vouch-secret"  # shared with the studio by `copper dev`


class SecretSource(Protocol):
    """Where a secret (the token-signing one, the client vouch one) comes from."""

    def value(self) -> str | None:
        """Return the secret (None: this process has none, and does without)."""
        ...


@dataclass(frozen=True)
class FixedSecret:
    """A secret given in the settings (or none: an empty one is no secret)."""

    secret: str

    def value(self) -> str | None:
        """Return the secret, or None when it is empty."""
        return self.secret or None


@dataclass(frozen=True)
class FileSecret:
    """A secret kept in a file, generated (owner-readable only) on first use."""

    path: Path

    def value(self) -> str:
        """Return the secret, generating the file if it does not exist yet."""
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return self.path.read_text().strip()


def local_secret(data_dir: Path) -> str:
    """Return the secret kept in `data_dir`, generating it on first use."""
    return FileSecret(data_dir / SECRET_FILE).value()
