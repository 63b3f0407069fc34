"""The packaged template holds the operating limits: throttling, concurrency, alarms, tracing.

Like test_template.py, these read what `make deploy-check` wrote and skip on a developer's
machine without it (CI fails instead).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.deploy.test_template import (
    FUNCTIONS,
    Template,
    above_zero,
    alarm_on,
    mapping,
    metric_alarm,
    resources,
)

API_FUNCTIONS = ("ContentApiLambdaFunction", "SearchApiLambdaFunction", "AdminApiLambdaFunction")
XRAY_POLICY = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"}


def properties(template: Template, logical_id: str) -> dict[str, Any]:
    """Return one resource's properties."""
    return template["Resources"][logical_id]["Properties"]


def search_alarm(template: Template, metric: str) -> dict[str, Any]:
    """Return the alarm on one of the OpenSearch domain's metrics."""
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("Namespace") == "AWS/ES" and props.get("MetricName") == metric:
            names = {d["Name"]: d["Value"] for d in props["Dimensions"]}
            assert names == {
                "DomainName": {"Ref": "OpenSearchDomainName"},
                "ClientId": {"Ref": "AWS::AccountId"},
            }
            return props
    raise AssertionError(f"no alarm on AWS/ES {metric}")


def test_the_api_is_throttled_and_auth_more_strictly(template: Template) -> None:
    stage = properties(template, "HttpApiStage")
    default = stage["DefaultRouteSettings"]
    auth = stage["RouteSettings"]["ANY /auth/{proxy+}"]
    assert 0 < default["ThrottlingRateLimit"] <= 1000
    assert default["ThrottlingBurstLimit"] >= default["ThrottlingRateLimit"]
    assert 0 < auth["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
    assert auth["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    # The stage's route settings name a route that must exist before the stage refers to it.
    assert "HttpApiRouteAnyAuthProxyVar" in template["Resources"]["HttpApiStage"]["DependsOn"]
    route_keys = {
        r["Properties"]["RouteKey"]
        for r in resources(template, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(stage["RouteSettings"]) <= route_keys


def test_every_function_has_reserved_concurrency_within_the_default_quota(
    template: Template,
) -> None:
    reserved = {f: properties(template, f)["ReservedConcurrentExecutions"] for f in FUNCTIONS}
    assert all(value >= 1 for value in reserved.values()), reserved
    # AWS keeps 100 unreserved; the default account quota is 1,000.
    assert sum(reserved.values()) + 100 <= 1000
    # The processor never gets more events in flight than it may run at once.
    uploads = mapping(template, "UploadsQueue", "Arn")
    processor = reserved["ProcessUploadsLambdaFunction"]
    assert uploads["ScalingConfig"]["MaximumConcurrency"] <= processor


def test_every_function_is_traced_and_may_write_its_traces(template: Template) -> None:
    for function in FUNCTIONS:
        assert properties(template, function)["TracingConfig"] == {"Mode": "Active"}, function
        role = properties(template, function)["Role"]["Fn::GetAtt"][0]
        assert XRAY_POLICY in properties(template, role)["ManagedPolicyArns"], role


def test_failed_records_alarm_within_minutes_although_batches_succeed(template: Template) -> None:
    failed = metric_alarm(template, "failed", "copper-processor")
    assert above_zero(failed)
    assert failed["Period"] * failed["EvaluationPeriods"] <= 300


def test_slow_processing_alarms_before_the_timeout(template: Template) -> None:
    duration = metric_alarm(template, "duration", "copper-processor")
    timeout_ms = properties(template, "ProcessUploadsLambdaFunction")["Timeout"] * 1000
    assert duration["ExtendedStatistic"] == "p95"
    assert 0 < duration["Threshold"] < timeout_ms


def test_the_search_domain_alarms_on_red_blocked_writes_and_low_storage(
    template: Template,
) -> None:
    red = search_alarm(template, "ClusterStatus.red")
    assert red["Threshold"] == 1 and red["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert search_alarm(template, "ClusterIndexWritesBlocked")["Threshold"] == 1
    storage = search_alarm(template, "FreeStorageSpace")
    assert storage["Statistic"] == "Minimum"
    assert storage["ComparisonOperator"] == "LessThanOrEqualToThreshold"
    assert storage["Threshold"] > 0


def test_table_throttles_alarm(template: Template) -> None:
    for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
        alarm = alarm_on(template, "AWS/DynamoDB", metric, "TableName", {"Ref": "ContentTable"})
        assert above_zero(alarm)


def test_the_api_5xx_rate_alarms_above_one_percent(template: Template) -> None:
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if "Metrics" in props and any("5xx" in json.dumps(m) for m in props["Metrics"]):
            break
    else:
        raise AssertionError("no 5xx rate alarm")
    [expression] = [m for m in props["Metrics"] if "Expression" in m]
    assert expression["ReturnData"] is True
    assert re.search(r"100 \* errors / requests", expression["Expression"])
    assert props["Threshold"] == 1


def test_one_dashboard_shows_the_pipeline_and_the_api(template: Template) -> None:
    [dashboard] = resources(template, "AWS::CloudWatch::Dashboard").values()
    props = dashboard["Properties"]
    # Dashboards belong to the account, not to a region: the name carries the region.
    assert props["DashboardName"].endswith("-eu-west-1")
    body, names = props["DashboardBody"]["Fn::Sub"]
    widgets = json.loads(
        re.sub(r"\$\{[^}]+\}", "x", body)  # the substitutions are plain strings in the JSON
    )["widgets"]
    shown = json.dumps(widgets)
    for metric in ("failed", "duration", "ApproximateAgeOfOldestMessage", "5xx", "Latency"):
        assert f'"{metric}"' in shown, metric
    for metric in ("IteratorAge", "ClusterStatus.red", "FreeStorageSpace", "WriteThrottleEvents"):
        assert f'"{metric}"' in shown, metric
    assert {"Queue", "DeadLetters", "Processor", "Indexer", "Domain", "Table"} <= set(names)


def test_one_retry_does_not_trip_the_queue_age_alarm(template: Template) -> None:
    visibility = properties(template, "UploadsQueue")["VisibilityTimeout"]
    age = alarm_on(
        template,
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        "QueueName",
        {"Fn::GetAtt": ["UploadsQueue", "QueueName"]},
    )
    assert age["Threshold"] > 2 * visibility
