"""Accounts: registration, log-in with argon2 password hashes, and short-lived signed tokens."""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, replace

import argon2
import jwt
from ulid import ULID

from content.model import Artist, Role
from content.repository import Conflict, ContentRepository, NameTaken, NotFound, VersionConflict

TOKEN_ALGORITHM = "HS256"
TOKEN_ISSUER = "copper"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 80
SLUG_ATTEMPTS = 20
EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
LOGIN_FAILED = "The e-mail address or password is incorrect."


class AccountError(Exception):
    """A registration or log-in that cannot go ahead, with a message for the person."""


class DisplayNameTaken(AccountError):
    """Another artist already uses the display name; the message says what to do."""

    def __init__(self, display_name: str) -> None:
        super().__init__(
            f"Another artist already shows their work as “{display_name}”. "
            "Please choose a different name, for example with a middle initial or a place."
        )


class InvalidCredentials(AccountError):
    """Log-in failed; the message never says which half was wrong."""


class InvalidToken(AccountError):
    """The bearer token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the artist id and role carried by a verified token."""

    artist_id: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """Return whether the caller may use admin operations."""
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class TokenIssuer:
    """Signs and verifies bearer tokens with one secret."""

    secret: str
    lifetime_seconds: int = 3600

    def issue(self, artist: Artist, now: float | None = None) -> str:
        """Return a signed token for `artist` that expires after `lifetime_seconds`."""
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": artist.id,
            "role": artist.role.value,
            "iss": TOKEN_ISSUER,
            "iat": issued,
            "exp": issued + self.lifetime_seconds,
        }
        return jwt.encode(claims, self.secret, algorithm=TOKEN_ALGORITHM)

    def verify(self, token: str) -> Principal:
        """Return the principal of a valid token, or raise InvalidToken."""
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[TOKEN_ALGORITHM],
                issuer=TOKEN_ISSUER,
                options={"require": ["sub", "exp", "iat", "role"]},
            )
            return Principal(str(claims["sub"]), Role(claims["role"]))
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("Your session has expired; please log in again.") from error
        except (jwt.InvalidTokenError, ValueError) as error:
            raise InvalidToken("The access token is not valid.") from error


class NoTokens(TokenIssuer):
    """A function without the token secret (the processor): it neither issues nor accepts any."""

    def issue(self, artist: Artist, now: float | None = None) -> str:
        """Refuse: this function cannot sign tokens."""
        raise RuntimeError("this function has no token secret (COPPER_TOKEN_SECRET_ARN)")

    def verify(self, token: str) -> Principal:
        """Refuse every token."""
        raise InvalidToken("The access token is not valid.")


NO_TOKENS = NoTokens(secret="")


def slugify(name: str) -> str:
    """Return a URL slug: lower-case ASCII words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower())
    return "-".join(words)[:60].strip("-") or "artist"


def check_registration(email: str, password: str, display_name: str) -> None:
    """Raise AccountError with a readable reason if the registration form is not acceptable."""
    if not EMAIL_PATTERN.match(email):
        raise AccountError("Please enter a valid e-mail address.")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"Choose a password of {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."
        )
    if not display_name.strip() or len(display_name) > MAX_NAME_LENGTH:
        raise AccountError(f"Your name must be 1 to {MAX_NAME_LENGTH} characters.")


class Accounts:
    """Registration and log-in over the content store."""

    def __init__(
        self,
        repository: ContentRepository,
        tokens: TokenIssuer,
        hasher: argon2.PasswordHasher | None = None,
    ) -> None:
        self.repository = repository
        self.tokens = tokens
        self.hasher = hasher or argon2.PasswordHasher()

    def register(
        self, email: str, password: str, display_name: str, role: Role = Role.ARTIST
    ) -> Artist:
        """Create an account with a unique slug; AccountError if the e-mail is taken."""
        email = email.strip().lower()
        check_registration(email, password, display_name)
        base = slugify(display_name)
        artist = Artist(
            id=str(ULID()),
            slug=base,
            display_name=display_name.strip(),
            email=email,
            password_hash=self.hasher.hash(password),
            role=role,
        )
        for attempt in range(1, SLUG_ATTEMPTS + 1):
            candidate = replace(artist, slug=base if attempt == 1 else f"{base}-{attempt}")
            try:
                self.repository.add_artist(candidate)
                return candidate
            except Conflict as error:
                if self.email_taken(email):
                    raise AccountError("An account with this e-mail address exists.") from error
                if isinstance(error, NameTaken):
                    raise DisplayNameTaken(artist.display_name) from error
        raise AccountError("Please choose a more distinctive name.")

    def email_taken(self, email: str) -> bool:
        """Return whether an account uses this e-mail address."""
        try:
            self.repository.find_artist_by_email(email)
        except NotFound:
            return False
        return True

    def log_in(self, email: str, password: str) -> tuple[Artist, str]:
        """Return the artist and a fresh token, or raise InvalidCredentials."""
        try:
            artist = self.repository.find_artist_by_email(email.strip().lower())
        except NotFound as error:
            self.hasher.hash(password)  # spend the same time as a real check
            raise InvalidCredentials(LOGIN_FAILED) from error
        try:
            self.hasher.verify(artist.password_hash, password)
        except argon2.exceptions.VerificationError as error:
            raise InvalidCredentials(LOGIN_FAILED) from error
        if self.hasher.check_needs_rehash(artist.password_hash):
            artist = self._rehash(artist, password)
        return artist, self.tokens.issue(artist)

    def _rehash(self, artist: Artist, password: str) -> Artist:
        """Store a stronger hash; after a concurrent edit, keep that edit and rehash next time."""
        rehashed = replace(artist, password_hash=self.hasher.hash(password))
        try:
            return self.repository.update_artist(rehashed, artist.version)
        except VersionConflict:
            return self.repository.get_artist(artist.id)
