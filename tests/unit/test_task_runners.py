"""The task runner port: a thread of this process locally, an asynchronous self-invoke on Lambda."""

from __future__ import annotations

import json
import threading
from typing import Any

from service.adapters.aws import task_runner
from service.adapters.lambda_invoke import TASK_KEY, LambdaTaskRunner
from service.adapters.threads import ThreadTaskRunner


class RecordingLambda:
    """A boto3 Lambda client that records its calls and answers as an async invoke does."""

    def __init__(self) -> None:
        """Start with no call."""
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **arguments: Any) -> dict[str, Any]:
        """Record one invocation; answer 202 Accepted."""
        self.calls.append(arguments)
        return {"StatusCode": 202}


def never(task_id: str) -> None:
    """Fail the test: on Lambda the invoked function runs the task, not the caller."""
    raise AssertionError(f"task {task_id} ran in the calling process")


def test_the_thread_runner_runs_the_work_with_the_task_id_in_another_thread() -> None:
    ran: list[tuple[str, str]] = []
    done = threading.Event()

    def work(task_id: str) -> None:
        ran.append((task_id, threading.current_thread().name))
        done.set()

    ThreadTaskRunner().run("t-1", work)

    assert done.wait(5)
    [(task_id, thread)] = ran
    assert task_id == "t-1" and thread != threading.current_thread().name


def test_the_lambda_runner_invokes_the_function_asynchronously_with_the_task_id() -> None:
    client = RecordingLambda()

    LambdaTaskRunner("copper-dev-adminApi", client=client).run("t-2", never)

    assert client.calls == [
        {
            "FunctionName": "copper-dev-adminApi",
            "InvocationType": "Event",
            "Payload": json.dumps({TASK_KEY: "t-2"}).encode(),
        }
    ]
    assert json.loads(client.calls[0]["Payload"]) == {"copper_task": "t-2"}


def test_on_aws_a_running_function_invokes_itself_and_elsewhere_a_thread_runs_the_task() -> None:
    on_lambda = task_runner({"AWS_LAMBDA_FUNCTION_NAME": "copper-dev-adminApi"})
    assert isinstance(on_lambda, LambdaTaskRunner)
    assert on_lambda.function_name == "copper-dev-adminApi"
    assert isinstance(task_runner({}), ThreadTaskRunner)
