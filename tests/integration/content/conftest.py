"""Fixtures of the content store contract: one `repository` per adapter, nothing real in AWS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from content.dynamodb import DynamoContentRepository, table_definition
from content.repository import ContentRepository
from content.sqlite import SqliteContentRepository

TABLE_NAME = "copper-content-test"


@pytest.fixture
def dynamodb_client(aws_environment: None) -> Iterator[object]:
    """Yield a DynamoDB client inside moto, with the content table created."""
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(TABLE_NAME))
        yield client


@pytest.fixture
def sqlite_repository(tmp_path: Path) -> Iterator[SqliteContentRepository]:
    """Yield a SQLite content store in a fresh database file."""
    repository = SqliteContentRepository(tmp_path / "content.db")
    yield repository
    repository.close()


@pytest.fixture
def dynamodb_repository(dynamodb_client: object) -> DynamoContentRepository:
    """Return a DynamoDB content store over `dynamodb_client`, with an empty table."""
    return DynamoContentRepository(TABLE_NAME, client=dynamodb_client)


@pytest.fixture(params=["sqlite", "dynamodb"])
def repository(request: pytest.FixtureRequest) -> ContentRepository:
    """Return each content store adapter in turn, empty."""
    return request.getfixturevalue(f"{request.param}_repository")
