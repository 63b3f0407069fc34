"""The built Lambda artefact on its own: unpacked, in a clean interpreter, against emulated AWS.

The child interpreter runs with `-I -S` and only the unpacked artefact on `sys.path` (no
virtual environment, no site-packages), as the container image runs it. It imports every
handler, then the processor handler renders a real JPEG that moto's S3 notified into SQS,
writing renditions to S3 and the record to DynamoDB; then the indexer handler gets the
table's stream records and writes the document to an OpenSearch-compatible server.

Every function serverless.yml defines also starts as the image starts it (`python -m
awslambdaric HANDLER`, the client from the artefact) and answers its captured first event;
what deploy/build_artifact.py prunes is absent, and every AWS service the code makes a
client for still has its model.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from bench.coldstart import first_event, function_env, functions
from content.dynamodb import table_definition
from copper.demo_art import artwork_jpeg
from deploy.build_artifact import BOTOCORE_SERVICES, PACKAGES
from testkit.lambda_runtime import LambdaFunction

REGION = "eu-west-1"
UPLOADS, MEDIA, TABLE = "copper-uploads-artefact", "copper-media-artefact", "copper-artefact"
HANDLERS = ("content_api", "search_api", "admin_api", "sweep", "audit", "process_uploads")
INDEXER = (*HANDLERS[:-1], "index_changes")

CHILD = """
import json, sys, types
sys.path[:0] = [sys.argv[1]]
import importlib
handlers = [importlib.import_module("handlers." + name) for name in sys.argv[3].split(",")]
event = json.loads(open(sys.argv[2]).read())
context = types.SimpleNamespace(
    function_name="copper-test-processUploads", function_version="$LATEST",
    memory_limit_in_mb=2048, aws_request_id="req-1", log_stream_name="stream",
    invoked_function_arn="arn:aws:lambda:eu-west-1:123456789012:function:copper-test",
    get_remaining_time_in_millis=lambda: 120_000,
)
result = handlers[-1].handler(event, context)
outside = [p for p in sys.path if "site-packages" in p or ".venv" in p]
import pyvips, numpy
report = {"result": result, "outside": outside, "pyvips": pyvips.__file__,
          "numpy": numpy.__file__, "prefix": sys.prefix}
open(sys.argv[4], "w").write(json.dumps(report))
"""


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def unpacked(artefact: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the artefact unpacked into a fresh folder."""
    folder = tmp_path_factory.mktemp("artefact")
    with tarfile.open(artefact) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture
def emulated(aws_environment: None, request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Start moto's server with the stack's buckets, table and queues; yield the settings."""
    clone = request.getfixturevalue("osmem_clone")
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client("s3", endpoint_url=endpoint)
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    for bucket in (UPLOADS, MEDIA):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    boto3.client("dynamodb", endpoint_url=endpoint).create_table(**table_definition(TABLE))
    dead = sqs.create_queue(QueueName="copper-artefact-dlq")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    redrive = {"deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"], "maxReceiveCount": 5}
    queue = sqs.create_queue(
        QueueName="copper-artefact", Attributes={"RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    s3.put_bucket_notification_configuration(
        Bucket=UPLOADS,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn["Attributes"]["QueueArn"],
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "originals/"}]}},
                }
            ]
        },
    )
    try:
        yield {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "COPPER_BACKEND": "aws",
            "COPPER_TOKEN_SECRET": "artefact-secret-" + "x" * 40,
            "COPPER_UPLOADS_BUCKET": UPLOADS,
            "COPPER_MEDIA_BUCKET": MEDIA,
            "COPPER_MEDIA_BASE_URL": "https://media.example",
            "COPPER_DYNAMODB_TABLE": TABLE,
            "COPPER_QUEUE_URL": queue,
            "COPPER_DEAD_LETTER_QUEUE_URL": dead,
            "COPPER_MAX_RECEIVE_COUNT": "5",
            "COPPER_OPENSEARCH_URL": clone.url,
            "COPPER_LADDER": "320,640",
            "POWERTOOLS_METRICS_NAMESPACE": "CopperPrintGallery",
        }
    finally:
        moto.stop()


def base_python() -> str:
    """Return the interpreter the virtual environment was made from (no venv packages)."""
    candidate = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return str(candidate if candidate.exists() else Path(sys.base_prefix) / "bin" / "python3")


def lambda_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """Return an SQS event for Lambda, shaped as the event source mapping delivers it."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m["Attributes"]["ApproximateReceiveCount"],
                    "SentTimestamp": m["Attributes"]["SentTimestamp"],
                    "SenderId": "s3.amazonaws.com",
                    "ApproximateFirstReceiveTimestamp": m["Attributes"]["SentTimestamp"],
                },
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def run_child(
    unpacked: Path,
    environment: dict[str, str],
    event: dict[str, Any],
    work: Path,
    handlers: tuple[str, ...] = HANDLERS,
) -> Any:
    """Import the handlers from the artefact in a clean interpreter and invoke the last with
    `event`; return its report."""
    event_file, report_file = work / "event.json", work / "report.json"
    event_file.write_text(json.dumps(event))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), **environment}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(work / "none")
    completed = subprocess.run(
        [
            base_python(),
            "-I",
            "-S",
            "-c",
            CHILD,
            str(unpacked),
            str(event_file),
            ",".join(handlers),
            str(report_file),
        ],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(report_file.read_text())


def stream_event() -> dict[str, Any]:
    """Return every record of the content table's stream so far, as a Lambda batch."""
    streams = boto3.client("dynamodbstreams")
    arn = boto3.client("dynamodb").describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        records += [record | {"eventSourceARN": arn} for record in page["Records"]]
    # boto3 parses the creation time; Lambda delivers it as epoch seconds
    return json.loads(json.dumps({"Records": records}, default=lambda t: int(t.timestamp())))


def test_the_artefact_renders_an_upload_end_to_end_in_a_clean_interpreter(
    unpacked: Path,
    emulated: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # GIVEN an artist and a work made through the content API on the AWS adapters
    for name, value in emulated.items():
        monkeypatch.setenv(name, value)
    from service.http.app import create_app

    client = create_app().test_client()
    session = client.post(
        "/auth/register",
        json={"email": "pack@example.com", "password": "a long password", "display_name": "Pia"},
    ).get_json()
    headers = {"Authorization": f"Bearer {session['token']}"}
    work = client.post("/me/artworks", json={"title": "Packed Tide"}, headers=headers).get_json()
    client.post(f"/me/artworks/{work['id']}/publish", headers=headers)
    form = client.post(
        f"/me/artworks/{work['id']}/upload", json={"content_type": "image/jpeg"}, headers=headers
    ).get_json()
    # AND its original stored in the uploads bucket under the form's key, which notifies the queue
    key = form["fields"]["key"]
    boto3.client("s3").put_object(Bucket=UPLOADS, Key=key, Body=artwork_jpeg(7, 900))
    sqs = boto3.client("sqs")
    queue = emulated["COPPER_QUEUE_URL"]
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while not any(key in m["Body"] for m in messages) and time.monotonic() < deadline:
        messages += sqs.receive_message(
            QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
        ).get("Messages", [])
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    # WHEN the artefact's processor handler gets that batch, in an interpreter of its own
    report = run_child(
        unpacked, emulated, lambda_event(messages, queue_arn["Attributes"]["QueueArn"]), tmp_path
    )
    # THEN every record succeeded and only the artefact's own packages were loaded
    assert report["result"] == {"batchItemFailures": []}
    assert report["outside"] == []
    assert report["pyvips"].startswith(str(unpacked))
    assert report["numpy"].startswith(str(unpacked))
    # AND the work is ready, its renditions are in the media bucket, and search finds it
    stored = client.get(f"/me/artworks/{work['id']}", headers=headers).get_json()
    assert stored["status"] == "ready"
    assert {r["format"] for r in stored["renditions"]} == {"avif", "webp", "jpeg"}
    media = boto3.client("s3").list_objects_v2(Bucket=MEDIA, Prefix="renditions/")
    assert media["KeyCount"] == len(stored["renditions"])
    # WHEN the artefact's indexer handler gets the table's stream records
    indexed = run_child(unpacked, emulated, stream_event(), tmp_path, INDEXER)
    assert indexed["result"] == {"batchItemFailures": []}
    found = client.get("/search", query_string={"q": "tide"}).get_json()
    assert found["total"] == 1


@pytest.fixture(scope="module")
def artefact_names(artefact: Path) -> list[str]:
    """Return every path in the artefact."""
    with tarfile.open(artefact) as tar:
        return tar.getnames()


@pytest.mark.parametrize("function", sorted(functions()))
def test_every_function_answers_its_first_event_under_the_runtime_interface_client(
    function: str, unpacked: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # GIVEN the function started as the image starts it, from the artefact alone
    data_dir = tmp_path_factory.getbasetemp() / "first-events-data"
    handler = functions()[function]
    process = LambdaFunction(
        handler,
        unpacked,
        env={**function_env(data_dir), "AWS_CONFIG_FILE": os.devnull},
        python=(base_python(), "-S"),
        name=f"copper-{function}",
        timeout_s=120,
    )
    with process:
        # WHEN it gets the first event its trigger sends
        name, event = first_event(function)
        answer = process.invoke(event)
        output = process.output()
    # THEN it answers, and an API answers as an API does (no server error)
    assert answer.ok, f"{name}: {answer.error}\n{output[-3000:]}"
    if isinstance(answer.response, dict) and "statusCode" in answer.response:
        assert answer.response["statusCode"] < 500, answer.response
    if isinstance(answer.response, dict) and "batchItemFailures" in answer.response:
        assert answer.response["batchItemFailures"] == []


def test_what_the_build_prunes_is_absent(artefact_names: list[str]) -> None:
    names = set(artefact_names)
    tops = {name.split("/")[0] for name in names}
    assert not tops & {"grpc", "grpcio", "bin"}
    assert not [n for n in names if n.startswith(("google/protobuf", "opensearch/protobufs"))]
    assert not [n for n in tops if n.startswith(("grpcio-", "protobuf-", "opensearch_protobufs"))]
    assert not [n for n in names if n.endswith((".pyi", ".h", ".a", ".pxd", "examples-1.json"))]
    assert not [n for n in names if n.startswith(("numpy/f2py/", "numpy/_core/include/"))]
    assert not [n for n in names if "/tests/" in n]
    services = {n.split("/")[2] for n in names if re.match(r"botocore/data/[^/]+/", n)}
    assert services == BOTOCORE_SERVICES
    for kept in ("endpoints.json", "partitions.json", "_retry.json"):
        assert f"botocore/data/{kept}" in names
    assert "botocore/data/sdk-default-configuration.json" in names
    assert {f"{package}/__init__.py" for package in PACKAGES} <= names


def sdk_services_named_in_code() -> set[str]:
    """Return every AWS service the functions' packages make a boto3 client for."""
    root = Path(__file__).resolve().parents[2]
    call = re.compile(r"""\.client\(\s*["']([a-z0-9-]+)["']""")
    return {
        service
        for package in PACKAGES
        for source in (root / package).rglob("*.py")
        for service in call.findall(source.read_text())
    }


def test_every_aws_service_the_code_uses_keeps_its_model_in_the_artefact(
    unpacked: Path, tmp_path: Path
) -> None:
    # GIVEN the services the code makes clients for (at least the known five)
    named = sdk_services_named_in_code()
    assert {"dynamodb", "s3", "sqs", "lambda", "secretsmanager"} <= named
    assert named <= BOTOCORE_SERVICES
    # WHEN a clean interpreter makes each client from the artefact's botocore
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1]]; import boto3\n"
        "for name in sys.argv[2:]:\n"
        "    client = boto3.client(name, region_name='eu-west-1')\n"
        "    assert client.meta.service_model.service_name == name, name\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    env |= {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_CONFIG_FILE": os.devnull}
    completed = subprocess.run(
        [base_python(), "-I", "-S", "-c", probe, str(unpacked), *sorted(BOTOCORE_SERVICES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN every one is made
    assert completed.returncode == 0, completed.stderr[-3000:]
