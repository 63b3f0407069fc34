"""The packaged CloudFormation template holds the deployment's invariants.

`make deploy-check` writes `.serverless/cloudformation-template-update-stack.json` with
`osls package` (no AWS account needed); these tests read it. Without the template they skip
on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from content.dynamodb import table_definition

Template = dict[str, Any]

FUNCTIONS = {
    "ContentApiLambdaFunction": "handlers.content_api.handler",
    "SearchApiLambdaFunction": "handlers.search_api.handler",
    "AdminApiLambdaFunction": "handlers.admin_api.handler",
    "ProcessUploadsLambdaFunction": "handlers.process_uploads.handler",
    "IndexChangesLambdaFunction": "handlers.index_changes.handler",
    "SweepLambdaFunction": "handlers.sweep.handler",
    "AuditLambdaFunction": "handlers.audit.handler",
}
TABLE = ("${ContentTable.Arn}", "${ContentTable.Arn}/index/*")
TABLE_ONLY = ("${ContentTable.Arn}",)
DOMAIN = "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/${OpenSearchDomainName}"
SEARCH = (f"{DOMAIN}/*",)
ORIGINALS = ("${UploadsBucket.Arn}/originals/*",)
RENDITIONS = ("${MediaBucket.Arn}/renditions/*",)
LOGOS = ("${MediaBucket.Arn}/logos/*",)
PROFILE_IMAGES = ("${MediaBucket.Arn}/logos/*", "${MediaBucket.Arn}/renditions/profiles/*")
DEAD_LETTERS = ("${UploadsDeadLetterQueue.Arn}",)
# Writing a search document: bulk (POST), a tombstone or a first index (PUT), the alias (HEAD).
INDEX_WRITES = ("es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut")
# Every data action each function's role grants, and on what: nothing more, nothing less.
EXPECTED_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "ContentApiLambdaFunction": {
        **dict.fromkeys(
            [
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
            ],
            TABLE,
        ),
        "s3:PutObject": ORIGINALS + PROFILE_IMAGES,
        "s3:DeleteObject": ORIGINALS + PROFILE_IMAGES,
        "s3:GetObject": LOGOS,
        "sqs:SendMessage": ("${UploadsQueue.Arn}",),
        "sqs:GetQueueAttributes": ("${UploadsDeadLetterQueue.Arn}", "${UploadsQueue.Arn}"),
        "secretsmanager:GetSecretValue": ("${ClientVouchSecret}", "${TokenSecret}"),
    },
    "SearchApiLambdaFunction": {
        **dict.fromkeys(["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"], TABLE),
        **dict.fromkeys(["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"], SEARCH),
    },
    "AdminApiLambdaFunction": {
        **dict.fromkeys(
            [
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
            ],
            TABLE,
        ),
        "s3:ListBucket": ("${MediaBucket.Arn}", "${UploadsBucket.Arn}"),
        "s3:GetObject": ORIGINALS + PROFILE_IMAGES,
        "s3:DeleteObject": ORIGINALS + RENDITIONS + LOGOS,
        "sqs:SendMessage": ("${UploadsQueue.Arn}",),
        "secretsmanager:GetSecretValue": ("${TokenSecret}",),
        "sqs:GetQueueAttributes": ("${UploadsDeadLetterQueue.Arn}", "${UploadsQueue.Arn}"),
        **dict.fromkeys(
            [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:PurgeQueue",
                "sqs:StartMessageMoveTask",
                "sqs:ListMessageMoveTasks",
                "sqs:CancelMessageMoveTask",
            ],
            ("${UploadsDeadLetterQueue.Arn}",),
        ),
        **dict.fromkeys(
            [
                "es:ESHttpGet",
                "es:ESHttpHead",
                "es:ESHttpPost",
                "es:ESHttpPut",
                "es:ESHttpDelete",
                "es:ESHttpPatch",
            ],
            SEARCH,
        ),
    },
    "ProcessUploadsLambdaFunction": {
        **dict.fromkeys(
            ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            ("${UploadsQueue.Arn}",),
        ),
        "s3:GetObject": ORIGINALS + RENDITIONS + LOGOS,
        "s3:ListBucket": ("${MediaBucket.Arn}", "${UploadsBucket.Arn}"),
        "s3:PutObject": RENDITIONS,
        "s3:DeleteObject": ORIGINALS + RENDITIONS,
        "s3:DeleteObjectVersion": ORIGINALS,
        **dict.fromkeys(
            [
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem",
            ],
            TABLE,
        ),
        "es:ESHttpPost": (f"{DOMAIN}/artworks/_search",),
    },
    "IndexChangesLambdaFunction": {
        **dict.fromkeys(
            [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            ("${ContentTable.StreamArn}",),
        ),
        "dynamodb:GetItem": TABLE_ONLY,
        "dynamodb:Query": ("${ContentTable.Arn}/index/GSI1",),
        "sqs:SendMessage": ("${IndexFailuresQueue.Arn}",),
        **dict.fromkeys(INDEX_WRITES, SEARCH),
    },
    "SweepLambdaFunction": {
        **dict.fromkeys(["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"], DEAD_LETTERS),
        **dict.fromkeys(
            ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan", "dynamodb:PutItem"],
            TABLE_ONLY,
        ),
    },
    "AuditLambdaFunction": {
        "s3:ListBucket": ("${MediaBucket.Arn}", "${UploadsBucket.Arn}"),
        "s3:GetObject": PROFILE_IMAGES,
        "s3:DeleteObject": ORIGINALS + RENDITIONS + LOGOS,
        **dict.fromkeys(
            ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Scan", "dynamodb:PutItem"],
            TABLE_ONLY,
        ),
        "dynamodb:Query": TABLE,
        "sqs:SendMessage": ("${UploadsQueue.Arn}",),
        "sqs:GetQueueAttributes": ("${UploadsDeadLetterQueue.Arn}", "${UploadsQueue.Arn}"),
        **dict.fromkeys(["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility"], DEAD_LETTERS),
        **dict.fromkeys(INDEX_WRITES, SEARCH),
    },
}
# The S3 prefixes each role may list, by bucket.
EXPECTED_LISTINGS: dict[str, dict[str, list[str]]] = {
    "AdminApiLambdaFunction": {
        "${UploadsBucket.Arn}": ["originals/*"],
        "${MediaBucket.Arn}": ["renditions/*", "logos/*"],
    },
    "ProcessUploadsLambdaFunction": {
        "${UploadsBucket.Arn}": ["originals/*"],
        "${MediaBucket.Arn}": ["renditions/*"],
    },
    "AuditLambdaFunction": {
        "${UploadsBucket.Arn}": ["originals/*"],
        "${MediaBucket.Arn}": ["renditions/*", "logos/*"],
    },
}
DATA_SERVICES = ("s3:", "dynamodb:", "sqs:", "es:", "secretsmanager:")
SIGNS_TOKENS = {"ContentApiLambdaFunction", "AdminApiLambdaFunction"}
ENVIRONMENT = {
    "COPPER_BACKEND",
    "COPPER_UPLOADS_BUCKET",
    "COPPER_MEDIA_BUCKET",
    "COPPER_MEDIA_BASE_URL",
    "COPPER_DYNAMODB_TABLE",
    "COPPER_QUEUE_URL",
    "COPPER_DEAD_LETTER_QUEUE_URL",
    "COPPER_MAX_RECEIVE_COUNT",
    "COPPER_OPENSEARCH_URL",
    "COPPER_SEARCH_ALIAS",
    "COPPER_CORS_ORIGINS",
    "COPPER_PUBLIC_API_URL",
}


def render(value: Any) -> str:
    """Render an intrinsic-function value as a readable string (`${Logical.Attr}`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, argument),) = value.items()
        if name == "Ref":
            return "${" + argument + "}"
        if name == "Fn::GetAtt":
            return "${" + ".".join(argument) + "}"
        if name == "Fn::Join":
            return argument[0].join(render(part) for part in argument[1])
        if name == "Fn::Sub":
            return argument if isinstance(argument, str) else argument[0]
        if name == "Fn::If":
            return f"if({argument[0]}, {render(argument[1])}, {render(argument[2])})"
    raise AssertionError(f"unexpected value {value!r}")


def as_list(value: Any) -> list[Any]:
    """Return `value` as a list (IAM allows a single item or a list)."""
    return value if isinstance(value, list) else [value]


def resources(template: Template, kind: str) -> dict[str, dict[str, Any]]:
    """Return the template's resources of one type, by logical id."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def one(template: Template, kind: str, **properties: Any) -> dict[str, Any]:
    """Return the single resource of `kind` whose properties include `properties`."""
    found = [
        r["Properties"]
        for r in resources(template, kind).values()
        if all(r["Properties"].get(k) == v for k, v in properties.items())
    ]
    assert len(found) == 1, f"{len(found)} {kind} match {properties}"
    return found[0]


def grants(template: Template, function: str) -> dict[str, set[str]]:
    """Return {action: {rendered resource}} of every Allow in the function's own role."""
    role = template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    granted: dict[str, set[str]] = defaultdict(set)
    for policy in template["Resources"][role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            for action in as_list(statement["Action"]):
                granted[action] |= {render(r) for r in as_list(statement["Resource"])}
    return granted


def environment(template: Template, function: str) -> dict[str, Any]:
    """Return a function's environment variables."""
    return template["Resources"][function]["Properties"]["Environment"]["Variables"]


def mapping(template: Template, source: str, attribute: str) -> dict[str, Any]:
    """Return the event source mapping that reads `source` (its ARN attribute)."""
    arn = {"Fn::GetAtt": [source, attribute]}
    return one(template, "AWS::Lambda::EventSourceMapping", EventSourceArn=arn)


def statements(template: Template, function: str) -> list[dict[str, Any]]:
    """Return the statements of the function's own role."""
    role = template["Resources"][function]["Properties"]["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in template["Resources"][role]["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


# queue, dead-letter queue and the processor


def test_the_queue_hides_a_message_for_at_least_six_processor_timeouts(template: Template) -> None:
    queue = template["Resources"]["UploadsQueue"]["Properties"]
    timeout = template["Resources"]["ProcessUploadsLambdaFunction"]["Properties"]["Timeout"]
    window = mapping(template, "UploadsQueue", "Arn").get("MaximumBatchingWindowInSeconds", 0)
    assert queue["VisibilityTimeout"] >= 6 * timeout + window


def test_the_processor_takes_one_message_per_invocation(template: Template) -> None:
    # A crash, an out-of-memory kill or a timeout then returns only the message that caused
    # it (a batch would return its innocent neighbours too, each a receive nearer the DLQ),
    # and the timeout covers one image.
    uploads = mapping(template, "UploadsQueue", "Arn")
    assert uploads["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert uploads["FunctionName"] == {"Fn::GetAtt": ["ProcessUploadsLambdaFunction", "Arn"]}
    assert uploads["BatchSize"] == 1
    assert uploads.get("MaximumBatchingWindowInSeconds", 0) == 0


def test_the_processor_has_memory_and_disk_for_the_largest_original(template: Template) -> None:
    processor = template["Resources"]["ProcessUploadsLambdaFunction"]["Properties"]
    assert processor["MemorySize"] >= 1024  # peak RSS 244 MB (make bench), plus CPU share
    assert processor["EphemeralStorage"]["Size"] >= 512 + 250
    # make bench-worstcase: 12.8 s for the slowest original the limits allow (renditions and
    # deep-zoom tiles), on one core; the timeout keeps at least 3 × that, and a retry must not
    # park an upload for long.
    assert 39 <= processor["Timeout"] <= 90


def test_dead_letters_outlive_the_queue_and_come_after_at_least_five_receives(
    template: Template,
) -> None:
    queue = template["Resources"]["UploadsQueue"]["Properties"]
    dead = template["Resources"]["UploadsDeadLetterQueue"]["Properties"]
    assert dead["MessageRetentionPeriod"] > queue["MessageRetentionPeriod"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["UploadsDeadLetterQueue", "Arn"]
    }
    assert int(queue["RedrivePolicy"]["maxReceiveCount"]) >= 5
    assert queue["MaximumMessageSize"] >= 64 * 1024


def test_every_function_knows_the_redrive_policys_receive_count(template: Template) -> None:
    queue = template["Resources"]["UploadsQueue"]["Properties"]
    count = str(queue["RedrivePolicy"]["maxReceiveCount"])
    for function in FUNCTIONS:
        assert environment(template, function)["COPPER_MAX_RECEIVE_COUNT"] == count, function


def test_every_queue_is_encrypted(template: Template) -> None:
    queues = resources(template, "AWS::SQS::Queue")
    assert set(queues) == {"UploadsQueue", "UploadsDeadLetterQueue", "IndexFailuresQueue"}
    for name, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, name


def test_only_the_uploads_bucket_of_this_account_may_send_to_the_queue(template: Template) -> None:
    policy = one(template, "AWS::SQS::QueuePolicy")
    assert policy["Queues"] == [{"Ref": "UploadsQueue"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert as_list(statement["Action"]) == ["sqs:SendMessage"]
    bucket = render(template["Resources"]["UploadsBucket"]["Properties"]["BucketName"])
    source = render(statement["Condition"]["ArnLike"]["aws:SourceArn"])
    assert source == "arn:${AWS::Partition}:s3:::" + bucket
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert "UploadsQueuePolicy" in as_list(template["Resources"]["UploadsBucket"]["DependsOn"])


# buckets


def test_no_bucket_can_be_made_public(template: Template) -> None:
    buckets = resources(template, "AWS::S3::Bucket")
    assert {"UploadsBucket", "MediaBucket"} <= buckets.keys()
    for name, bucket in buckets.items():
        block = bucket["Properties"]["PublicAccessBlockConfiguration"]
        assert block == dict.fromkeys(
            ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
            True,
        ), name
        assert bucket["Properties"]["BucketEncryption"], name


def test_the_buckets_refuse_plain_http(template: Template) -> None:
    for bucket in ("UploadsBucket", "MediaBucket"):
        policy = one(template, "AWS::S3::BucketPolicy", Bucket={"Ref": bucket})
        denials = [
            s
            for s in policy["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny"
            and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert len(denials) == 1, bucket
        assert {render(r) for r in denials[0]["Resource"]} == {
            f"${{{bucket}.Arn}}",
            f"${{{bucket}.Arn}}/*",
        }


def test_the_uploads_bucket_keeps_versions_and_drops_abandoned_uploads(template: Template) -> None:
    bucket = template["Resources"]["UploadsBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any(
        r["Status"] == "Enabled" and r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] <= 7
        for r in rules
        if "AbortIncompleteMultipartUpload" in r
    )


def test_the_uploads_bucket_notifies_the_queue_of_originals_created_and_removed(
    template: Template,
) -> None:
    configurations = template["Resources"]["UploadsBucket"]["Properties"][
        "NotificationConfiguration"
    ]["QueueConfigurations"]
    events = set()
    for configuration in configurations:
        assert configuration["Queue"] == {"Fn::GetAtt": ["UploadsQueue", "Arn"]}
        assert configuration["Filter"] == {
            "S3Key": {"Rules": [{"Name": "prefix", "Value": "originals/"}]}
        }
        events.add(configuration["Event"])
    assert events == {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}


def test_browsers_may_post_uploads_only_from_the_studio(template: Template) -> None:
    (rule,) = template["Resources"]["UploadsBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert len(rule["AllowedOrigins"]) == 1
    assert rule["AllowedOrigins"][0].startswith("https://")
    assert "*" not in rule["AllowedOrigins"][0]


def test_renditions_are_served_by_cloudfront_only_with_a_long_cache(template: Template) -> None:
    distribution = one(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
    (origin,) = distribution["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["MediaBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["MediaOriginAccessControl", "Id"]}
    behaviour = distribution["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    policy = template["Resources"][behaviour["CachePolicyId"]["Ref"]]["Properties"]
    assert policy["CachePolicyConfig"]["DefaultTTL"] >= 30 * 86400
    headers = template["Resources"][behaviour["ResponseHeadersPolicyId"]["Ref"]]["Properties"]
    (cache,) = headers["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]["Items"]
    assert cache["Header"] == "Cache-Control"
    assert "max-age=31536000" in cache["Value"]
    media_policy = one(template, "AWS::S3::BucketPolicy", Bucket={"Ref": "MediaBucket"})
    (reader,) = [s for s in media_policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert render(reader["Condition"]["StringEquals"]["AWS:SourceArn"]).endswith(
        ":distribution/${MediaDistribution}"
    )


# content store and search


def test_the_table_has_the_key_schema_the_code_defines(template: Template) -> None:
    table = template["Resources"]["ContentTable"]["Properties"]
    expected = table_definition("unused")
    assert table["KeySchema"] == expected["KeySchema"]
    assert sorted(table["AttributeDefinitions"], key=str) == sorted(
        expected["AttributeDefinitions"], key=str
    )
    assert table["GlobalSecondaryIndexes"] == expected["GlobalSecondaryIndexes"]
    assert table["BillingMode"] == expected["BillingMode"]
    # CloudFormation's StreamSpecification has only the view type: giving it enables the stream.
    stream = expected.get("StreamSpecification")
    if stream is not None:
        assert stream["StreamEnabled"] is True
        assert table["StreamSpecification"] == {"StreamViewType": stream["StreamViewType"]}


def test_the_table_streams_the_keys_of_each_change_to_the_indexer(template: Template) -> None:
    table = template["Resources"]["ContentTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "KEYS_ONLY"}
    indexer = mapping(template, "ContentTable", "StreamArn")
    assert indexer["FunctionName"] == {"Fn::GetAtt": ["IndexChangesLambdaFunction", "Arn"]}
    assert indexer["Enabled"] is True


def test_the_table_recovers_to_a_point_in_time_and_expires_failure_logs(template: Template) -> None:
    table = template["Resources"]["ContentTable"]["Properties"]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_the_search_domain_is_encrypted_and_https_only_or_an_existing_one(
    template: Template,
) -> None:
    domain = template["Resources"]["SearchDomain"]
    assert domain["Condition"] == "CreateSearchDomain"
    assert template["Conditions"]["CreateSearchDomain"] == {
        "Fn::Equals": [{"Ref": "OpenSearchEndpoint"}, ""]
    }
    properties = domain["Properties"]
    assert properties["EncryptionAtRestOptions"] == {"Enabled": True}
    assert properties["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert properties["DomainEndpointOptions"]["EnforceHTTPS"] is True
    assert properties["DomainEndpointOptions"]["TLSSecurityPolicy"].startswith("Policy-Min-TLS-1-2")
    url = render(environment(template, "ContentApiLambdaFunction")["COPPER_OPENSEARCH_URL"])
    assert (
        url
        == "if(CreateSearchDomain, https://${SearchDomain.DomainEndpoint}, ${OpenSearchEndpoint})"
    )


# the search indexer


def test_the_indexer_reports_partial_failures_and_bisects_a_failing_batch(
    template: Template,
) -> None:
    indexer = mapping(template, "ContentTable", "StreamArn")
    assert indexer["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert indexer["BisectBatchOnFunctionError"] is True
    assert 10 <= indexer["BatchSize"] <= 1000
    assert 0 < indexer["MaximumBatchingWindowInSeconds"] <= 5
    # Re-reading the stream is harmless (the latest record is indexed, stale versions ignored),
    # and a re-created mapping then misses no change.
    assert indexer["StartingPosition"] == "TRIM_HORIZON"


def test_the_indexer_gives_up_on_a_change_after_bounded_retries_into_a_queue(
    template: Template,
) -> None:
    indexer = mapping(template, "ContentTable", "StreamArn")
    assert 1 <= indexer["MaximumRetryAttempts"] <= 10  # -1 would retry until the record expires
    assert 60 <= indexer["MaximumRecordAgeInSeconds"] <= 6 * 3600  # the stream keeps 24 hours
    assert indexer["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": ["IndexFailuresQueue", "Arn"]}}
    }
    failures = template["Resources"]["IndexFailuresQueue"]["Properties"]
    assert failures["MessageRetentionPeriod"] == 14 * 86400


def test_the_indexer_is_invoked_only_for_artwork_and_artist_items(template: Template) -> None:
    indexer = mapping(template, "ContentTable", "StreamArn")
    [pattern] = [json.loads(f["Pattern"]) for f in indexer["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"SK": {"S": ["ARTWORK", "PROFILE"]}}}}


def test_the_indexer_has_time_for_a_batch_on_a_slow_domain(template: Template) -> None:
    indexer = template["Resources"]["IndexChangesLambdaFunction"]["Properties"]
    batch = mapping(template, "ContentTable", "StreamArn")["BatchSize"]
    assert indexer["Timeout"] >= batch + 60  # room for a slow domain and the client retries
    assert indexer["Timeout"] <= 900
    assert 256 <= indexer["MemorySize"] <= 1024


# scheduled functions


def schedule_of(template: Template, function: str) -> dict[str, Any]:
    """Return the one EventBridge rule that invokes a function, and check it may."""
    arn = {"Fn::GetAtt": [function, "Arn"]}
    rules = [
        rule["Properties"]
        for rule in resources(template, "AWS::Events::Rule").values()
        if [target["Arn"] for target in rule["Properties"]["Targets"]] == [arn]
    ]
    assert len(rules) == 1, f"{len(rules)} rules invoke {function}"
    permissions = [
        p["Properties"]
        for p in resources(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == arn
        and p["Properties"]["Principal"] == "events.amazonaws.com"
    ]
    assert len(permissions) == 1, function
    return rules[0]


def test_the_sweeper_runs_every_five_minutes_and_finishes_before_the_next_run(
    template: Template,
) -> None:
    rule = schedule_of(template, "SweepLambdaFunction")
    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    assert rule["State"] == "ENABLED"
    assert template["Resources"]["SweepLambdaFunction"]["Properties"]["Timeout"] < 300


def test_the_audit_repairs_every_hour_with_the_longest_timeout(template: Template) -> None:
    rule = schedule_of(template, "AuditLambdaFunction")
    assert rule["ScheduleExpression"] == "rate(1 hour)"
    assert rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert json.loads(target.get("Input", "{}")).get("repair", True) is True
    assert template["Resources"]["AuditLambdaFunction"]["Properties"]["Timeout"] == 900


def test_a_failed_scheduled_run_is_not_retried_over_the_next_one(template: Template) -> None:
    for function in ("SweepLambdaFunction", "AuditLambdaFunction"):
        config = one(template, "AWS::Lambda::EventInvokeConfig", FunctionName={"Ref": function})
        assert config["MaximumRetryAttempts"] == 0, function


def test_a_cut_off_background_task_of_the_admin_function_is_not_run_again(
    template: Template,
) -> None:
    config = one(
        template,
        "AWS::Lambda::EventInvokeConfig",
        FunctionName={"Ref": "AdminApiLambdaFunction"},
    )
    assert config["MaximumRetryAttempts"] == 0


# Names that are unique in the whole account (or everywhere), not per region: the property
# holding each. The same stage deployed in a second region must not collide with the first.
ACCOUNT_WIDE_NAMES = {
    "AWS::IAM::Role": ("RoleName",),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName",),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::CloudFront::OriginAccessControl": ("OriginAccessControlConfig", "Name"),
    "AWS::CloudFront::CachePolicy": ("CachePolicyConfig", "Name"),
    "AWS::CloudFront::OriginRequestPolicy": ("OriginRequestPolicyConfig", "Name"),
    "AWS::CloudFront::ResponseHeadersPolicy": ("ResponseHeadersPolicyConfig", "Name"),
    "AWS::CloudFront::Function": ("Name",),
}


def test_every_account_wide_name_includes_the_region(template: Template) -> None:
    named = 0
    for kind, path in ACCOUNT_WIDE_NAMES.items():
        for logical_id, resource in resources(template, kind).items():
            value: Any = resource["Properties"]
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                continue  # CloudFormation makes a unique name itself
            named += 1
            assert "${AWS::Region}" in render(value), f"{logical_id}: {render(value)}"
    assert named >= 3 + len(FUNCTIONS)  # the three CloudFront names and a role per function


# functions and their roles


def test_each_function_runs_its_handler_with_its_own_role(template: Template) -> None:
    roles = set()
    for function, handler in FUNCTIONS.items():
        properties = template["Resources"][function]["Properties"]
        assert properties["ImageConfig"]["Command"] == [handler]
        assert properties["Architectures"] == ["x86_64"]
        roles.add(properties["Role"]["Fn::GetAtt"][0])
    assert len(roles) == len(FUNCTIONS)
    assert set(resources(template, "AWS::IAM::Role")) == roles


@pytest.mark.parametrize("function", sorted(EXPECTED_GRANTS))
def test_each_role_grants_exactly_its_functions_data_actions_on_named_resources(
    template: Template, function: str
) -> None:
    granted = grants(template, function)
    data = {a: sorted(r) for a, r in granted.items() if a.startswith(DATA_SERVICES)}
    assert data == {a: sorted(r) for a, r in EXPECTED_GRANTS[function].items()}
    for action, targets in granted.items():
        assert "*" not in action.split(":")[-1] or action.startswith("logs:"), action
        assert "*" not in targets, f"{function} grants {action} on every resource"


def test_the_content_api_and_the_processor_never_write_the_search_index(
    template: Template,
) -> None:
    assert not any(a.startswith("es:") for a in grants(template, "ContentApiLambdaFunction"))
    processor = {
        action: targets
        for action, targets in grants(template, "ProcessUploadsLambdaFunction").items()
        if action.startswith("es:")
    }
    alias = environment(template, "ProcessUploadsLambdaFunction")["COPPER_SEARCH_ALIAS"]
    # POST is also how a bulk write travels, so the grant names the alias's _search only.
    assert processor == {"es:ESHttpPost": {f"{DOMAIN}/{alias}/_search"}}


def test_only_the_indexer_the_audit_and_the_admin_api_write_the_search_index(
    template: Template,
) -> None:
    writes = {"es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"}
    writers = {f for f in FUNCTIONS if writes & set(grants(template, f))}
    assert writers == {
        "IndexChangesLambdaFunction",
        "AuditLambdaFunction",
        "AdminApiLambdaFunction",
    }


@pytest.mark.parametrize("function", sorted(EXPECTED_LISTINGS))
def test_each_role_lists_only_its_own_prefix_of_each_bucket(
    template: Template, function: str
) -> None:
    listings = {
        render(statement["Resource"]): statement["Condition"]["StringLike"]["s3:prefix"]
        for statement in statements(template, function)
        if "s3:ListBucket" in as_list(statement["Action"])
    }
    assert listings == EXPECTED_LISTINGS[function]


def test_only_the_admin_function_may_invoke_a_function_and_only_itself(
    template: Template,
) -> None:
    for function in FUNCTIONS:
        invokes = {a: t for a, t in grants(template, function).items() if a.startswith("lambda:")}
        if function != "AdminApiLambdaFunction":
            assert invokes == {}, function
            continue
        name = template["Resources"][function]["Properties"]["FunctionName"]
        assert invokes == {
            "lambda:InvokeFunction": {
                f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"
            }
        }
    admin = template["Resources"]["AdminApiLambdaFunction"]["Properties"]
    assert admin["Timeout"] == 900  # the rebuild's asynchronous run; the API answers in 30 s


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_each_role_writes_only_its_own_log_group(template: Template, function: str) -> None:
    granted = grants(template, function)
    name = template["Resources"][function]["Properties"]["FunctionName"]
    logs = {a: r for a, r in granted.items() if a.startswith("logs:")}
    assert set(logs) == {"logs:CreateLogStream", "logs:PutLogEvents"}
    for targets in logs.values():
        assert targets == {
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
            f"{name}:*"
        }


def test_every_function_is_configured_from_the_environment_without_a_secret_in_it(
    template: Template,
) -> None:
    for function in FUNCTIONS:
        variables = environment(template, function)
        assert variables.keys() >= ENVIRONMENT, function
        assert variables["COPPER_BACKEND"] == "aws"
        assert "COPPER_TOKEN_SECRET" not in variables, "a secret's value in the configuration"
        assert "COPPER_CLIENT_VOUCH_SECRET" not in variables, (
            "a secret's value in the configuration"
        )
        assert "secretsmanager" not in json.dumps(variables), function
        if function in SIGNS_TOKENS:
            assert render(variables["COPPER_TOKEN_SECRET_ARN"]) == "${TokenSecret}"
        else:
            assert "COPPER_TOKEN_SECRET_ARN" not in variables, function
        if function == "ContentApiLambdaFunction":  # only it limits log-ins
            assert render(variables["COPPER_CLIENT_VOUCH_SECRET_ARN"]) == "${ClientVouchSecret}"
        else:
            assert "COPPER_CLIENT_VOUCH_SECRET_ARN" not in variables, function
    for name in ("TokenSecret", "ClientVouchSecret"):
        generated = template["Resources"][name]["Properties"]
        assert generated["GenerateSecretString"]["PasswordLength"] >= 32
        assert "SecretString" not in generated


def test_the_api_answers_browsers_only_from_the_heroku_apps(template: Template) -> None:
    cors = one(template, "AWS::ApiGatewayV2::Api")["CorsConfiguration"]
    assert len(cors["AllowOrigins"]) == 2
    for origin in cors["AllowOrigins"]:
        assert origin.startswith("https://") and "*" not in origin
    variables = environment(template, "ContentApiLambdaFunction")
    assert variables["COPPER_CORS_ORIGINS"].split(",") == cors["AllowOrigins"]


def test_the_routes_reach_the_function_of_their_service(template: Template) -> None:
    targets = {}
    for route in resources(template, "AWS::ApiGatewayV2::Route").values():
        integration = route["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        targets[route["Properties"]["RouteKey"]] = integration
    assert targets["ANY /healthz"] == "HttpApiIntegrationContentApi"
    assert targets["ANY /me/artworks/{proxy+}"] == "HttpApiIntegrationContentApi"
    assert targets["GET /search"] == "HttpApiIntegrationSearchApi"
    assert targets["GET /artworks/{artwork_id}/similar"] == "HttpApiIntegrationSearchApi"
    assert targets["ANY /admin/{proxy+}"] == "HttpApiIntegrationAdminApi"


# operations


def alarm_on(
    template: Template, namespace: str, metric: str, name: str, value: Any
) -> dict[str, Any]:
    """Return the one alarm on a metric with one dimension `name` = `value`."""
    return one(
        template,
        "AWS::CloudWatch::Alarm",
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": name, "Value": value}],
    )


def queue_alarm(template: Template, queue: str) -> dict[str, Any]:
    """Return the alarm on the number of visible messages in a queue."""
    name = {"Fn::GetAtt": [queue, "QueueName"]}
    return alarm_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", name)


def function_alarm(template: Template, function: str, metric: str) -> dict[str, Any]:
    """Return the alarm on one of a function's Lambda metrics."""
    return alarm_on(template, "AWS/Lambda", metric, "FunctionName", {"Ref": function})


def metric_alarm(template: Template, metric: str, service: str) -> dict[str, Any]:
    """Return the alarm on one of the gallery's own metrics (Powertools' service dimension)."""
    return alarm_on(template, "CopperPrintGallery", metric, "service", service)


def above_zero(alarm: dict[str, Any]) -> bool:
    """Return whether an alarm fires on any count above zero and is quiet without data."""
    return (
        alarm["Threshold"] == 0
        and alarm["ComparisonOperator"] == "GreaterThanThreshold"
        and alarm["TreatMissingData"] == "notBreaching"
    )


def test_alarms_watch_dead_letters_processor_errors_and_throttles_and_api_5xx(
    template: Template,
) -> None:
    assert above_zero(queue_alarm(template, "UploadsDeadLetterQueue"))
    for metric in ("Errors", "Throttles"):
        assert above_zero(function_alarm(template, "ProcessUploadsLambdaFunction", metric))
    assert above_zero(alarm_on(template, "AWS/ApiGateway", "5xx", "ApiId", {"Ref": "HttpApi"}))


def test_alarms_watch_index_failures_indexer_lag_and_indexer_errors(template: Template) -> None:
    failures = queue_alarm(template, "IndexFailuresQueue")
    assert above_zero(failures)
    assert failures["OKActions"] == [{"Ref": "AlarmTopic"}]
    lag = function_alarm(template, "IndexChangesLambdaFunction", "IteratorAge")
    assert lag["Statistic"] == "Maximum"
    assert 60_000 <= lag["Threshold"] <= 15 * 60_000  # milliseconds
    assert lag["ComparisonOperator"] == "GreaterThanThreshold"
    assert above_zero(function_alarm(template, "IndexChangesLambdaFunction", "Errors"))


def test_alarms_watch_audit_problems_overdue_works_and_failed_scheduled_runs(
    template: Template,
) -> None:
    problems = metric_alarm(template, "audit_problems", "copper-audit")
    assert above_zero(problems)
    assert problems["Period"] == 3600  # one audit per period
    # A work failed for a dead letter is already in the DLQ alarm; overdue ones are not.
    assert above_zero(metric_alarm(template, "swept_overdue", "copper-sweeper"))
    for function in ("SweepLambdaFunction", "AuditLambdaFunction"):
        assert above_zero(function_alarm(template, function, "Errors"))


def test_every_alarm_notifies_the_alarm_topic(template: Template) -> None:
    alarms = resources(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) >= 12
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name


def test_every_log_group_has_a_retention(template: Template) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    assert len(groups) >= len(FUNCTIONS)
    for name, group in groups.items():
        assert 1 <= group["Properties"]["RetentionInDays"] <= 400, name
