"""Registration, log-in and tokens over the real SQLite content store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import argon2
import pytest

from content.accounts import (
    AccountError,
    Accounts,
    DisplayNameTaken,
    InvalidCredentials,
    InvalidToken,
    TokenIssuer,
    slugify,
)
from content.model import Role
from content.sqlite import SqliteContentRepository
from testkit.racing import RacingRepository

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    """Accounts over a fresh SQLite database, with a fast argon2 setting for tests."""
    fast = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    repository = SqliteContentRepository(tmp_path / "content.db")
    return Accounts(repository, TokenIssuer("test-secret-" + "x" * 32), hasher=fast)


def test_a_new_artist_can_register_and_log_in(accounts: Accounts) -> None:
    artist = accounts.register("Ada@Example.com ", PASSWORD, "Ada Lovelace")
    assert (artist.email, artist.slug, artist.role) == ("ada@example.com", "ada-lovelace", "artist")
    assert artist.password_hash.startswith("$argon2id$")
    logged_in, token = accounts.log_in("ada@example.com", PASSWORD)
    assert logged_in.id == artist.id
    principal = accounts.tokens.verify(token)
    assert (principal.artist_id, principal.role, principal.is_admin) == (
        artist.id,
        Role.ARTIST,
        False,
    )


def test_a_wrong_password_and_an_unknown_email_fail_with_the_same_message(
    accounts: Accounts,
) -> None:
    accounts.register("ada@example.com", PASSWORD, "Ada")
    with pytest.raises(InvalidCredentials) as wrong_password:
        accounts.log_in("ada@example.com", "not the password")
    with pytest.raises(InvalidCredentials) as unknown_email:
        accounts.log_in("nobody@example.com", PASSWORD)
    assert str(wrong_password.value) == str(unknown_email.value)


def test_an_email_can_register_only_once(accounts: Accounts) -> None:
    accounts.register("ada@example.com", PASSWORD, "Ada")
    with pytest.raises(AccountError, match="exists"):
        accounts.register("ADA@example.com", PASSWORD, "Another Ada")


def test_two_artists_whose_names_make_the_same_slug_get_distinct_slugs(
    accounts: Accounts,
) -> None:
    first = accounts.register("one@example.com", PASSWORD, "Jane Doe")
    second = accounts.register("two@example.com", PASSWORD, "Jane-Doe")
    assert (first.slug, second.slug) == ("jane-doe", "jane-doe-2")


def test_a_name_another_artist_uses_is_refused_saying_what_to_do(accounts: Accounts) -> None:
    accounts.register("one@example.com", PASSWORD, "Jane Doe")
    with pytest.raises(DisplayNameTaken, match="choose a different name"):
        accounts.register("two@example.com", PASSWORD, "JANE  DOE")


def test_admins_may_share_a_name_and_are_never_in_an_artists_way(accounts: Accounts) -> None:
    accounts.register("a1@example.com", PASSWORD, "Gallery Admin", role=Role.ADMIN)
    accounts.register("a2@example.com", PASSWORD, "Gallery Admin", role=Role.ADMIN)
    assert accounts.register("jo@example.com", PASSWORD, "Gallery Admin").slug == "gallery-admin-3"


@pytest.mark.parametrize(
    ("email", "password", "name", "reason"),
    [
        ("not-an-email", PASSWORD, "Ada", "valid e-mail"),
        ("ada@example.com", "short", "Ada", "password"),
        ("ada@example.com", PASSWORD, "   ", "name"),
        ("ada@example.com", PASSWORD, "x" * 81, "name"),
    ],
)
def test_a_bad_registration_form_gets_a_readable_reason(
    accounts: Accounts, email: str, password: str, name: str, reason: str
) -> None:
    with pytest.raises(AccountError, match=reason):
        accounts.register(email, password, name)


def test_an_expired_or_forged_token_is_refused(accounts: Accounts) -> None:
    artist = accounts.register("ada@example.com", PASSWORD, "Ada")
    expired = accounts.tokens.issue(artist, now=1_000_000)
    with pytest.raises(InvalidToken, match="expired"):
        accounts.tokens.verify(expired)
    forged = TokenIssuer("another-secret-" + "y" * 32).issue(artist)
    with pytest.raises(InvalidToken, match="not valid"):
        accounts.tokens.verify(forged)
    with pytest.raises(InvalidToken):
        accounts.tokens.verify("not.a.token")


def test_an_admin_token_carries_the_admin_role(accounts: Accounts) -> None:
    admin = accounts.register("root@example.com", PASSWORD, "Root", role=Role.ADMIN)
    _, token = accounts.log_in("root@example.com", PASSWORD)
    assert accounts.tokens.verify(token).is_admin
    assert admin.role is Role.ADMIN


def test_a_weak_hash_is_upgraded_at_log_in(accounts: Accounts) -> None:
    artist = accounts.register("ada@example.com", PASSWORD, "Ada")
    stronger = argon2.PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    upgraded = Accounts(accounts.repository, accounts.tokens, hasher=stronger)
    logged_in, _ = upgraded.log_in("ada@example.com", PASSWORD)
    assert logged_in.password_hash != artist.password_hash
    assert "m=16384,t=2" in logged_in.password_hash
    assert logged_in.version == artist.version + 1


def test_slugs_are_ascii_words() -> None:
    assert slugify("  Zoë Ångström & Co. ") == "zoe-angstrom-co"
    assert slugify("東京") == "artist"


def test_a_log_in_that_races_a_profile_edit_succeeds_and_keeps_the_edit(
    accounts: Accounts,
) -> None:
    artist = accounts.register("ada@example.com", PASSWORD, "Ada")
    racing = RacingRepository(accounts.repository)
    stronger = argon2.PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    upgraded = Accounts(racing, accounts.tokens, hasher=stronger)
    racing.overtake_artist(artist.id, lambda read: replace(read, bio="Etchings."))
    logged_in, token = upgraded.log_in("ada@example.com", PASSWORD)
    assert racing.conflicts == 1
    assert (logged_in.bio, logged_in.password_hash) == ("Etchings.", artist.password_hash)
    assert accounts.tokens.verify(token).artist_id == artist.id
