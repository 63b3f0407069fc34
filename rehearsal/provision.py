"""Create the template's buckets, queues, table and secret on moto's server, as CloudFormation does.

Each resource is made from its properties in the packaged template; what moto cannot hold
faithfully is left out and said so (`Provisioned.notes`). Other resource types (CloudFront,
the OpenSearch domain, IAM roles, alarms, log groups…) are not created; `Provisioned.skipped`
counts them by type.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from rehearsal.template import ACCOUNT, REGION, Resolver, Unresolved, of_type

CREATED = (
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::Queue",
    "AWS::SQS::QueuePolicy",
    "AWS::DynamoDB::Table",
    "AWS::SecretsManager::Secret",
)
# Emulated by the rehearsal itself rather than created: the HTTP API, the functions and
# their event sources.
EMULATED = (
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Stage",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
)


@dataclass
class Provisioned:
    """What was created, what was left out, and the resolver that knows the physical names."""

    resolver: Resolver
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def provision(template: dict[str, Any], endpoint: str, parameters: dict[str, str]) -> Provisioned:
    """Create the template's storage, queues, table and secret on the moto server at `endpoint`."""
    resolver = Resolver(template, parameters=parameters)
    done = Provisioned(resolver)
    clients = _Clients(endpoint)
    _queues(template, clients, done)
    _queue_policies(template, clients, done)
    _buckets(template, clients, done)
    _bucket_policies(template, clients, done)
    _tables(template, clients, done)
    _secrets(template, clients, done)
    for resource in template["Resources"].values():
        if resource["Type"] not in CREATED + EMULATED:
            done.skipped[resource["Type"]] += 1
    return done


class _Clients:
    """One boto3 client per service, on moto's endpoint."""

    def __init__(self, endpoint: str) -> None:
        def make(service: str) -> Any:
            return boto3.client(service, endpoint_url=endpoint, region_name=REGION)

        self.s3, self.sqs = make("s3"), make("sqs")
        self.dynamodb, self.secrets = make("dynamodb"), make("secretsmanager")


def _in_order(
    resources: dict[str, dict[str, Any]], create: Callable[[str, dict[str, Any]], None]
) -> None:
    """Create resources whose references resolve, repeating until all are made."""
    waiting = dict(resources)
    while waiting:
        progress = False
        for name, resource in list(waiting.items()):
            try:
                create(name, resource)
            except Unresolved:
                continue
            del waiting[name]
            progress = True
        if not progress:
            raise Unresolved(f"cannot order {', '.join(sorted(waiting))}")


def _queues(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Create the SQS queues with their attributes and redrive policy."""
    names = (
        "VisibilityTimeout",
        "MessageRetentionPeriod",
        "MaximumMessageSize",
        "ReceiveMessageWaitTimeSeconds",
        "DelaySeconds",
        "SqsManagedSseEnabled",
    )

    def create(name: str, resource: dict[str, Any]) -> None:
        props = done.resolver.resolve(resource["Properties"])
        attributes = {
            key: str(props[key]).lower() if isinstance(props[key], bool) else str(props[key])
            for key in names
            if key in props
        }
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        queue_name = props.get("QueueName", f"copper-dev-{name}")
        url = clients.sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_name}"
        done.resolver.physical[name] = url
        done.resolver.attributes.update({(name, "Arn"): arn, (name, "QueueName"): queue_name})
        redrive = props.get("RedrivePolicy")
        extra = f", maxReceiveCount {redrive['maxReceiveCount']}" if redrive else ""
        done.created.append(
            f"queue {queue_name} (visibility {attributes.get('VisibilityTimeout', '30')} s{extra})"
        )

    _in_order(of_type(template, "AWS::SQS::Queue"), create)


def _queue_policies(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Attach the queue policies (moto stores them; it does not evaluate them)."""
    for resource in of_type(template, "AWS::SQS::QueuePolicy").values():
        props = done.resolver.resolve(resource["Properties"])
        for url in props["Queues"]:
            clients.sqs.set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
            )
    done.notes.append("queue policies: stored on moto, not evaluated")


def _buckets(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Create the buckets with versioning, CORS, lifecycle, encryption and notifications."""
    s3 = clients.s3
    for name, resource in of_type(template, "AWS::S3::Bucket").items():
        props = done.resolver.resolve(resource["Properties"])
        bucket = props.get("BucketName") or f"copper-dev-{name.lower()}-rehearsal"
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        done.resolver.physical[name] = bucket
        done.resolver.attributes.update(
            {
                (name, "Arn"): f"arn:aws:s3:::{bucket}",
                (name, "RegionalDomainName"): f"{bucket}.s3.{REGION}.amazonaws.com",
                (name, "DomainName"): f"{bucket}.s3.amazonaws.com",
            }
        )
        features = _configure_bucket(s3, bucket, props)
        done.created.append(f"bucket {bucket} ({', '.join(features) or 'plain'})")


def _configure_bucket(s3: Any, bucket: str, props: dict[str, Any]) -> list[str]:
    """Apply a bucket's properties; return the names of those applied."""
    features: list[str] = []
    versioning = props.get("VersioningConfiguration")
    if versioning:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=versioning)
        features.append(f"versioning {versioning['Status']}")
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
        features.append("public access blocked")
    if "BucketEncryption" in props:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                    for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                ]
            },
        )
        features.append("encryption")
    if "CorsConfiguration" in props:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=_cors(props["CorsConfiguration"]))
        features.append("CORS")
    if "LifecycleConfiguration" in props:
        rules = [_lifecycle_rule(rule) for rule in props["LifecycleConfiguration"]["Rules"]]
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": rules}
        )
        features.append(f"{len(rules)} lifecycle rules")
    queues = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
    if queues:
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={"QueueConfigurations": [_notification(q) for q in queues]},
        )
        features.append(f"{len(queues)} notifications to SQS")
    return features


def _cors(config: dict[str, Any]) -> dict[str, Any]:
    """Return a CloudFormation CorsConfiguration in the S3 API's shape."""
    renamed = {"MaxAge": "MaxAgeSeconds", "ExposedHeaders": "ExposeHeaders"}
    return {
        "CORSRules": [
            {renamed.get(key, key): value for key, value in rule.items()}
            for rule in config["CorsRules"]
        ]
    }


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Return a CloudFormation lifecycle rule in the S3 API's shape."""
    shaped: dict[str, Any] = {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "AbortIncompleteMultipartUpload" in rule:
        shaped["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    if "NoncurrentVersionExpiration" in rule:
        shaped["NoncurrentVersionExpiration"] = rule["NoncurrentVersionExpiration"]
    if rule.get("ExpiredObjectDeleteMarker"):
        shaped["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    return shaped


def _notification(config: dict[str, Any]) -> dict[str, Any]:
    """Return a CloudFormation QueueConfiguration in the S3 API's shape."""
    shaped: dict[str, Any] = {"QueueArn": config["Queue"], "Events": [config["Event"]]}
    rules = config.get("Filter", {}).get("S3Key", {}).get("Rules")
    if rules:
        shaped["Filter"] = {"Key": {"FilterRules": rules}}
    return shaped


def _bucket_policies(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Attach each bucket policy's statements that moto evaluates as AWS does.

    moto enforces bucket policies but ignores their conditions, so a statement with a
    `Condition` (TlsOnly: deny without TLS) would deny every request: such statements are
    left out and listed.
    """
    for resource in of_type(template, "AWS::S3::BucketPolicy").values():
        props = resource["Properties"]
        bucket = done.resolver.resolve(props["Bucket"])
        kept, left = [], []
        for statement in props["PolicyDocument"]["Statement"]:
            if "Condition" in statement:
                left.append(f"{statement.get('Sid', '?')} (a condition)")
                continue
            try:
                kept.append(done.resolver.resolve(statement))
            except Unresolved as missing:
                left.append(f"{statement.get('Sid', '?')} ({missing}: not created)")
        if kept:
            policy = dict(props["PolicyDocument"], Statement=kept)
            clients.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        if left:
            done.notes.append(
                f"bucket policy of {bucket}: {'; '.join(left)} left out "
                "(moto ignores policy conditions, so TLS-only would deny every request)"
            )


def _tables(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Create the DynamoDB tables with keys, indexes, stream, TTL and backups."""
    ddb = clients.dynamodb
    for name, resource in of_type(template, "AWS::DynamoDB::Table").items():
        props = done.resolver.resolve(resource["Properties"])
        table = props["TableName"]
        request: dict[str, Any] = {
            key: props[key]
            for key in ("KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes")
            if key in props
        }
        request["BillingMode"] = props.get("BillingMode", "PROVISIONED")
        stream = props.get("StreamSpecification")
        if stream:
            request["StreamSpecification"] = {"StreamEnabled": True, **stream}
        if "SSESpecification" in props:
            request["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
        if "DeletionProtectionEnabled" in props:
            request["DeletionProtectionEnabled"] = bool(props["DeletionProtectionEnabled"])
        described = ddb.create_table(TableName=table, **request)["TableDescription"]
        features = [f"{len(props.get('GlobalSecondaryIndexes', []))} GSIs"]
        if stream:
            features.append(f"stream {stream['StreamViewType']}")
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=ttl)
            features.append(f"TTL on {ttl['AttributeName']}")
        recovery = props.get("PointInTimeRecoverySpecification")
        if recovery:
            ddb.update_continuous_backups(
                TableName=table, PointInTimeRecoverySpecification=recovery
            )
        done.resolver.physical[name] = table
        done.resolver.attributes[name, "Arn"] = described["TableArn"]
        if "LatestStreamArn" in described:
            done.resolver.attributes[name, "StreamArn"] = described["LatestStreamArn"]
        done.created.append(f"table {table} ({', '.join(features)})")


def _secrets(template: dict[str, Any], clients: _Clients, done: Provisioned) -> None:
    """Create the secrets, generating their values as GenerateSecretString says."""
    for name, resource in of_type(template, "AWS::SecretsManager::Secret").items():
        props = done.resolver.resolve(resource["Properties"])
        generate = dict(props.get("GenerateSecretString", {}))
        value = (
            props.get("SecretString")
            or clients.secrets.get_random_password(**generate)["RandomPassword"]
        )
        arn = clients.secrets.create_secret(
            Name=props["Name"], Description=props.get("Description", ""), SecretString=value
        )["ARN"]
        done.resolver.physical[name] = arn
        done.created.append(f"secret {props['Name']} (generated, {len(value)} characters)")
