"""On AWS the client vouch secret is read from Secrets Manager once per cold start."""

from __future__ import annotations

import boto3
from moto import mock_aws

from service.adapters.aws import secret_source
from service.settings import ServiceSettings


def test_the_vouch_secret_is_read_from_secrets_manager_or_set_or_absent(
    aws_environment: None,
) -> None:
    with mock_aws():
        client = boto3.client("secretsmanager")
        arn = client.create_secret(Name="copper/dev/client-vouch", SecretString="v" * 64)["ARN"]
        settings = ServiceSettings(backend="aws", client_vouch_secret_arn=arn)
        source = secret_source(settings.client_vouch_secret, settings.client_vouch_secret_arn)
        assert source.value() == "v" * 64
        client.put_secret_value(SecretId=arn, SecretString="w" * 64)
        assert source.value() == "v" * 64  # read once
    assert secret_source("s" * 40, "arn:ignored").value() == "s" * 40
    assert secret_source("", "").value() is None
