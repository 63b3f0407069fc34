"""The composition root on AWS: signed OpenSearch requests and the token secret at cold start."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from moto import mock_aws

from content.accounts import InvalidToken
from service.adapters.aws import aws_secret, opensearch_client
from service.adapters.secretsmanager import SecretsManagerSecret
from service.settings import ServiceSettings


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with an empty count and keeps the request headers."""

    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        """Record the headers and answer a count of zero."""
        self._answer()

    def do_POST(self) -> None:
        """Record the headers and answer a count of zero."""
        self._answer()

    def _answer(self) -> None:
        Recorder.seen.append(dict(self.headers))
        body = json.dumps({"count": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Stay quiet."""


@pytest.fixture
def recorder() -> Iterator[str]:
    """Yield the URL of a server that records request headers."""
    Recorder.seen = []
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_opensearch_requests_on_aws_are_signed_with_sigv4_for_the_es_service(
    aws_environment: None, recorder: str
) -> None:
    settings = ServiceSettings(backend="aws", opensearch_url=recorder)
    opensearch_client(settings).count(index="artworks")
    [headers] = Recorder.seen
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/eu-west-1/es/aws4_request" in headers["Authorization"]
    assert "X-Amz-Date" in headers


def test_signing_can_be_turned_off_for_an_unauthenticated_test_server(recorder: str) -> None:
    settings = ServiceSettings(backend="aws", opensearch_url=recorder, opensearch_signing=False)
    opensearch_client(settings).count(index="artworks")
    assert "Authorization" not in Recorder.seen[0]


def test_the_token_secret_is_read_from_secrets_manager_once_at_cold_start(
    aws_environment: None,
) -> None:
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(
            Name="copper/dev/token", SecretString="s" * 48
        )["ARN"]
        secret = aws_secret(ServiceSettings(backend="aws", token_secret_arn=arn))
        assert secret.value() == "s" * 48


def test_a_secrets_manager_secret_is_read_on_first_use_only(aws_environment: None) -> None:
    with mock_aws():
        client = boto3.client("secretsmanager")
        arn = client.create_secret(Name="copper/dev/token", SecretString="a" * 48)["ARN"]
        secret = SecretsManagerSecret(arn, client=client)
        assert secret.value() == "a" * 48
        client.put_secret_value(SecretId=arn, SecretString="b" * 48)
        assert secret.value() == "a" * 48


def test_a_function_without_the_secret_accepts_no_token(aws_environment: None) -> None:
    from service.bootstrap import build_services

    assert aws_secret(ServiceSettings(backend="aws")).value() is None
    with mock_aws():
        settings = ServiceSettings(
            backend="aws",
            opensearch_url="http://x",
            queue_url="http://q",
            dead_letter_queue_url="http://d",
        )
        services = build_services(settings)
    with pytest.raises(InvalidToken):
        services.accounts.tokens.verify("anything")
