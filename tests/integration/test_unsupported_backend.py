"""An API the backend lacks is named, and every 5xx the API answers is logged with its cause.

moto has no SQS message move tasks (StartMessageMoveTask, ListMessageMoveTasks): the whole
dead-letter replay meets exactly what an emulator or an old SDK does without them.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner
from flask.testing import FlaskClient
from moto import mock_aws

from content.dynamodb import table_definition
from content.model import Role
from copper.cli.root import main
from kernel.errors import Unsupported
from messaging.queue import OperationUnsupported, QueueUnavailable
from messaging.sqs import SqsQueue
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings
from tests.integration.messaging.conftest import sqs_queues

TABLE = "copper-content-test"
PASSWORD = "a long admin password"


@pytest.fixture
def aws_services(aws_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """Yield the services on the AWS adapters (moto), with one message in the DLQ."""
    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition(TABLE))
        sqs = boto3.client("sqs")
        queue_url, dead_url = sqs_queues(sqs)
        sqs.send_message(QueueUrl=dead_url, MessageBody='{"not": "an S3 event"}')
        environment = {
            "COPPER_BACKEND": "aws",
            "COPPER_TOKEN_SECRET": secrets.token_urlsafe(40),
            "COPPER_DYNAMODB_TABLE": TABLE,
            "COPPER_QUEUE_URL": queue_url,
            "COPPER_DEAD_LETTER_QUEUE_URL": dead_url,
            "COPPER_OPENSEARCH_URL": "http://127.0.0.1:9",
        }
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        yield build_services(
            ServiceSettings(
                backend="aws",
                token_secret=environment["COPPER_TOKEN_SECRET"],
                dynamodb_table=TABLE,
                queue_url=queue_url,
                dead_letter_queue_url=dead_url,
                opensearch_url="http://127.0.0.1:9",
            )
        )


def admin_client(services: Services) -> tuple[FlaskClient, dict[str, str]]:
    """Return a test client of the API and an admin's headers."""
    services.accounts.register("admin@example.com", PASSWORD, "Admin", role=Role.ADMIN)
    client = create_app(services).test_client()
    login = {"email": "admin@example.com", "password": PASSWORD}
    token = client.post("/auth/login", json=login).get_json()["token"]
    return client, {"Authorization": f"Bearer {token}", "X-Request-Id": "req-unsupported-1"}


def api_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the error records the API logged."""
    return [r for r in caplog.records if r.name == "copper.api" and r.levelno >= logging.ERROR]


def test_a_move_task_moto_lacks_is_an_unsupported_operation_naming_it(
    aws_services: Services,
) -> None:
    with pytest.raises(OperationUnsupported) as lacking:
        aws_services.queue.redrive_all()
    assert isinstance(lacking.value, Unsupported)
    assert lacking.value.operation == "StartMessageMoveTask"
    assert "StartMessageMoveTask" in str(lacking.value)


@pytest.mark.parametrize(
    ("code", "status"),
    [("InvalidAction", 400), ("UnknownOperationException", 400), ("NotImplemented", 501)],
)
def test_an_operation_the_service_does_not_know_is_unsupported(
    aws_services: Services, code: str, status: int
) -> None:
    queue = aws_services.queue
    assert isinstance(queue, SqsQueue)
    arn = {"Attributes": {"QueueArn": "arn:aws:sqs:eu-west-1:123456789012:copper-dlq"}}
    with Stubber(queue._client) as stub:
        stub.add_response("get_queue_attributes", arn)
        stub.add_client_error("list_message_move_tasks", code, http_status_code=status)
        with pytest.raises(OperationUnsupported, match="ListMessageMoveTasks"):
            queue.move_status("task-1")


def test_the_admin_api_answers_501_naming_the_missing_operation_and_logs_it(
    aws_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    client, headers = admin_client(aws_services)
    with caplog.at_level(logging.INFO, logger="copper"):
        response = client.post("/admin/dlq/replay", json={}, headers=headers)
    assert response.status_code == 501, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "not_implemented"
    assert "StartMessageMoveTask" in error["message"]
    [record] = api_errors(caplog)
    assert record.error_class == "OperationUnsupported"  # type: ignore[attr-defined]
    assert "StartMessageMoveTask" in record.error_message  # type: ignore[attr-defined]
    assert record.store == "queue"  # type: ignore[attr-defined]
    assert record.request_id == "req-unsupported-1"  # type: ignore[attr-defined]
    assert record.status == 501  # type: ignore[attr-defined]


def test_every_503_is_logged_once_with_its_cause(
    aws_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    client, headers = admin_client(aws_services)
    queue: Any = aws_services.queue
    with Stubber(queue._client) as stub, caplog.at_level(logging.INFO, logger="copper"):
        stub.add_client_error("get_queue_attributes", "ThrottlingException", http_status_code=400)
        response = client.get("/admin/dlq/moves/task-1", headers=headers)
    assert response.status_code == 503
    [record] = api_errors(caplog)
    assert record.error_class == "QueueUnavailable"  # type: ignore[attr-defined]
    assert "ThrottlingException" in record.error_message  # type: ignore[attr-defined]
    assert record.cause == "ClientError"  # type: ignore[attr-defined]
    assert record.store == "queue"  # type: ignore[attr-defined]
    assert record.request_id == "req-unsupported-1"  # type: ignore[attr-defined]


def test_copper_dlq_replay_says_what_the_backend_lacks_without_a_traceback(
    aws_services: Services,
) -> None:
    result = CliRunner().invoke(main, ["dlq", "replay"])
    assert result.exit_code == 1, result.output
    assert "StartMessageMoveTask" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_busy_queue_stops_a_command_with_its_store_named_not_a_traceback(
    aws_services: Services,
) -> None:
    def busy(*args: Any, **kwargs: Any) -> Any:
        raise QueueUnavailable("SQS unavailable: ThrottlingException")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SqsQueue, "purge_dead_letters", busy)
        result = CliRunner().invoke(main, ["dlq", "purge", "--yes"])
    assert result.exit_code == 1, result.output
    assert "SQS unavailable: ThrottlingException" in result.output
    assert isinstance(result.exception, SystemExit)
