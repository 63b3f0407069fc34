"""The Runtime API stand-in drives real `awslambdaric` processes (testkit/lambda_runtime.py)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from testkit.lambda_runtime import LambdaFunction, RuntimeApi

HANDLER_MODULE = """
import os

STARTED = os.getpid()
calls = []


def handler(event, context):
    calls.append(event)
    return {
        "echo": event,
        "calls": len(calls),
        "pid": STARTED,
        "request_id": context.aws_request_id,
        "function": context.function_name,
        "arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "trace": os.environ.get("_X_AMZN_TRACE_ID", ""),
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "handler_name": os.environ["_HANDLER"],
        "cwd": os.getcwd(),
    }


def fails(event, context):
    raise ValueError("the event names no artwork")
"""


@pytest.fixture
def task_root(tmp_path: Path) -> Path:
    """Return a task root holding a tiny handler module."""
    root = tmp_path / "task"
    root.mkdir()
    (root / "tiny.py").write_text(HANDLER_MODULE)
    (root / "broken.py").write_text("raise ImportError('no such library: libtiny')\n")
    return root


def test_a_function_answers_its_first_event_with_the_handlers_return_value(
    task_root: Path,
) -> None:
    # GIVEN a function started under awslambdaric from its task root
    with LambdaFunction("tiny.handler", task_root, name="copper-tiny", timeout_s=60) as function:
        # WHEN it is invoked with an event
        first = function.invoke({"artwork": "a1"})
        # THEN the answer is the handler's return value, with Lambda's context and environment
        assert first.ok, first.error
        assert first.response["echo"] == {"artwork": "a1"}
        assert first.response["request_id"] == first.request_id
        assert first.response["function"] == "copper-tiny"
        assert first.response["arn"] == function.arn
        assert 0 < first.response["remaining_ms"] <= 60_000
        assert first.response["trace"].startswith("Root=1-")
        assert first.response["task_root"] == str(task_root)
        assert first.response["handler_name"] == "tiny.handler"
        assert first.response["cwd"] == str(task_root)
        # AND the timings run from the process start, through its init, to the answer
        assert function.init_ms is not None
        assert 0 < function.init_ms <= first.since_start_ms
        assert 0 < first.duration_ms <= first.since_start_ms
        # AND the process's CPU time is readable while it runs
        cpu = function.cpu_ms()
        assert cpu is None or cpu > 0


def test_one_process_answers_several_invocations_in_turn(task_root: Path) -> None:
    with LambdaFunction("tiny.handler", task_root) as function:
        answers = [function.invoke({"n": n}) for n in range(3)]
    assert [a.response["calls"] for a in answers] == [1, 2, 3]
    assert [a.response["echo"] for a in answers] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len({a.response["pid"] for a in answers}) == 1
    assert len({a.request_id for a in answers}) == 3


def test_a_handler_that_raises_answers_with_lambdas_error_shape_and_keeps_serving(
    task_root: Path,
) -> None:
    with LambdaFunction("tiny.fails", task_root) as function:
        failed = function.invoke({})
        again = function.invoke({})
        output = function.output()
    assert not failed.ok
    assert failed.response is None
    assert failed.error is not None
    assert failed.error["errorType"] == "ValueError"
    assert failed.error["errorMessage"] == "the event names no artwork"
    assert failed.error["stackTrace"]
    assert again.error is not None and again.error["errorType"] == "ValueError"
    assert "the event names no artwork" in output


def test_a_module_that_fails_to_import_reports_an_init_error(task_root: Path) -> None:
    with LambdaFunction("broken.handler", task_root) as function:
        answer = function.invoke({})
    assert not answer.ok
    assert answer.error is not None
    assert answer.error["phase"] == "init"
    assert answer.error["errorType"] == "Runtime.ImportModuleError"
    assert "libtiny" in answer.error["errorMessage"]


def test_a_handler_name_that_does_not_exist_reports_an_init_error(task_root: Path) -> None:
    with LambdaFunction("tiny.missing", task_root) as function:
        answer = function.invoke({})
    assert answer.error is not None
    assert answer.error["phase"] == "init"
    assert answer.error["errorType"] == "Runtime.HandlerNotFound"


def test_a_process_that_cannot_start_the_client_answers_with_an_exit_error(
    task_root: Path,
) -> None:
    # GIVEN an interpreter that has no awslambdaric (isolated, no site-packages)
    function = LambdaFunction("tiny.handler", task_root, python=("python3", "-I", "-S"))
    with function:
        answer = function.invoke({})
    assert answer.error is not None
    assert answer.error["errorType"] == "Runtime.ExitError"
    assert "awslambdaric" in answer.error["output"]


def test_the_runtime_api_refuses_an_answer_for_an_unknown_request() -> None:
    api = RuntimeApi("arn:aws:lambda:eu-west-1:123456789012:function:x", 30)
    try:
        connection = http.client.HTTPConnection(api.address, timeout=5)
        connection.request(
            "POST", "/2018-06-01/runtime/invocation/nobody/response", json.dumps({"a": 1})
        )
        response = connection.getresponse()
        assert response.status == 400
        response.read()
        connection.request("GET", "/2018-06-01/runtime/elsewhere")
        assert connection.getresponse().status == 404
    finally:
        api.close()
