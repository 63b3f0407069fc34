"""The secret source port: a secret set in the settings, or one generated into a file."""

from __future__ import annotations

import stat
from pathlib import Path

from service.adapters.aws import aws_secret
from service.adapters.local import local_secret_source
from service.adapters.secrets import SECRET_FILE, FileSecret, FixedSecret
from service.adapters.secretsmanager import SecretsManagerSecret
from service.settings import ServiceSettings

SET = "s" * 40


def test_a_secret_set_in_the_settings_is_used_as_it_is_and_an_empty_one_is_none() -> None:
    assert FixedSecret(SET).value() == SET
    assert FixedSecret("").value() is None


def test_a_file_secret_is_generated_owner_readable_only_then_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / SECRET_FILE

    first = FileSecret(path).value()

    assert len(first) >= 48
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert FileSecret(path).value() == first


def test_locally_a_set_secret_wins_over_the_generated_file(tmp_path: Path) -> None:
    given = ServiceSettings(data_dir=str(tmp_path), token_secret=SET)
    assert local_secret_source(given).value() == SET
    assert not (tmp_path / SECRET_FILE).exists()
    generated = local_secret_source(ServiceSettings(data_dir=str(tmp_path)))
    assert generated == FileSecret(tmp_path / SECRET_FILE)


def test_on_aws_the_secret_is_set_or_in_secrets_manager_or_there_is_none() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:copper/dev/token"
    assert aws_secret(ServiceSettings(backend="aws", token_secret=SET)).value() == SET
    assert aws_secret(ServiceSettings(backend="aws")).value() is None
    assert isinstance(
        aws_secret(ServiceSettings(backend="aws", token_secret_arn=arn)), SecretsManagerSecret
    )
