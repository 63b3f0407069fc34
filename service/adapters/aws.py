"""The AWS adapter family: DynamoDB, S3, SQS, OpenSearch, Lambda and Secrets Manager.

The DynamoDB, S3 and SQS clients are made when the family is built (a Lambda cold start),
one per service and shared by its adapters; the Lambda and Secrets Manager ones when first
used. Building calls no AWS API: the token secret is read the first time it is needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import boto3
from opensearchpy import AWSV4SignerAuth, OpenSearch, RequestsHttpConnection

from content.dynamodb import DynamoAttemptLog, DynamoContentRepository
from messaging.dynamodb import DynamoFailureLog, DynamoHeartbeats, DynamoTaskStore
from messaging.sqs import SqsQueue
from messaging.tasks import TaskRunner
from search.opensearch import OpenSearchIndex
from service.adapters.family import Adapters
from service.adapters.lambda_invoke import LambdaTaskRunner
from service.adapters.secrets import FixedSecret, SecretSource
from service.adapters.secretsmanager import SecretsManagerSecret
from service.adapters.threads import ThreadTaskRunner
from service.config import MissingSettings, Requirement, requirement
from service.settings import ServiceSettings
from storage.s3 import S3BlobStore, regional_client

SEARCH_TIMEOUT_SECONDS = 10
# The settings without which the family cannot be built (the others have usable defaults).
REQUIRED = ("opensearch_url", "queue_url", "dead_letter_queue_url")
REGION_MEANING = (
    "AWS region of the stack's resources (or AWS_DEFAULT_REGION, or a profile's region)."
)


def aws_adapters(settings: ServiceSettings, environ: Mapping[str, str] | None = None) -> Adapters:
    """Return the AWS adapters; `environ` (default: the process's) tells the running function."""
    missing = missing_settings(settings)
    if missing:
        raise MissingSettings("aws", missing)
    table = settings.dynamodb_table
    dynamodb = boto3.client("dynamodb")
    s3 = regional_client()
    return Adapters(
        settings=settings,
        repository=DynamoContentRepository(table, client=dynamodb),
        search=OpenSearchIndex(opensearch_client(settings), alias=settings.search_alias),
        blobs=S3BlobStore(settings.uploads_bucket, client=s3),
        media=S3BlobStore(settings.media_bucket, client=s3),
        queue=SqsQueue(
            settings.queue_url,
            settings.dead_letter_queue_url,
            max_receive_count=settings.max_receive_count,
        ),
        failures=DynamoFailureLog(table, client=dynamodb),
        tasks=DynamoTaskStore(table, client=dynamodb),
        heartbeats=DynamoHeartbeats(table, client=dynamodb),
        runner=task_runner(os.environ if environ is None else environ),
        secret=aws_secret(settings),
        attempts=DynamoAttemptLog(table, client=dynamodb),
        vouch_secret=secret_source(settings.client_vouch_secret, settings.client_vouch_secret_arn),
    )


def missing_settings(settings: ServiceSettings) -> list[Requirement]:
    """Return every setting the AWS family needs that is not set (the region included)."""
    missing = [
        requirement(ServiceSettings, f"COPPER_{name.upper()}")
        for name in REQUIRED
        if not getattr(settings, name)
    ]
    if boto3.Session().region_name is None:  # reads the environment and config files only
        missing.append(Requirement("AWS_REGION", REGION_MEANING))
    return missing


def task_runner(environ: Mapping[str, str]) -> TaskRunner:
    """Return the runner of background tasks: the running Lambda function, else a thread."""
    function = environ.get("AWS_LAMBDA_FUNCTION_NAME")
    return LambdaTaskRunner(function) if function else ThreadTaskRunner()


def aws_secret(settings: ServiceSettings) -> SecretSource:
    """Return the token secret: set, or in Secrets Manager; a function given neither has none.

    Such a function (the processor, the search API) issues and accepts no token.
    """
    return secret_source(settings.token_secret, settings.token_secret_arn)


def secret_source(value: str, arn: str) -> SecretSource:
    """Return a secret set as `value`, else the one in Secrets Manager at `arn`, else none."""
    if value or not arn:
        return FixedSecret(value)
    return SecretsManagerSecret(arn)


def opensearch_client(
    settings: ServiceSettings, session: boto3.Session | None = None
) -> OpenSearch:
    """Return an OpenSearch client; unless turned off, requests are signed (SigV4, "es").

    The signature uses the credentials of `session` (default: the function's role).
    """
    if not settings.opensearch_signing:
        return OpenSearch(hosts=[settings.opensearch_url], timeout=SEARCH_TIMEOUT_SECONDS)
    session = session or boto3.Session()
    auth = AWSV4SignerAuth(session.get_credentials(), session.region_name, "es")
    return OpenSearch(
        hosts=[settings.opensearch_url],
        http_auth=auth,
        connection_class=RequestsHttpConnection,
        timeout=SEARCH_TIMEOUT_SECONDS,
    )
