"""The secret source on AWS: one secret of Secrets Manager, read once per process."""

from __future__ import annotations

from typing import Any

import boto3


class SecretsManagerSecret:
    """The string value of one Secrets Manager secret, read on first use and kept."""

    def __init__(self, secret_id: str, *, client: Any = None) -> None:
        """Read `secret_id` (an ARN or name) with `client`, or a client made when first needed."""
        self._secret_id = secret_id
        self._client = client
        self._value: str | None = None

    def value(self) -> str:
        """Return the secret's string (one call to Secrets Manager per process)."""
        if self._value is None:
            client = self._client if self._client is not None else boto3.client("secretsmanager")
            self._value = client.get_secret_value(SecretId=self._secret_id)["SecretString"]
        return self._value
