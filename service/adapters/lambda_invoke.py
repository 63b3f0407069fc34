"""The task runner on Lambda: the function invokes itself asynchronously with the task's id.

The invocation gets its own timeout (not the API's 30 s); the function's entry point sees
`{"copper_task": ID}` and runs the stored task (handlers/admin_api.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

TASK_KEY = "copper_task"


class LambdaTaskRunner:
    """Runs each task in an asynchronous invocation of one Lambda function."""

    def __init__(self, function_name: str, *, client: Any = None) -> None:
        """Invoke `function_name` with `client`, or a Lambda client made when first needed."""
        self.function_name = function_name
        self._client = client

    def run(self, task_id: str, work: Callable[[str], object]) -> None:
        """Invoke the function with the task's id and return at once (the invocation runs it)."""
        client = self._client
        if client is None:
            import boto3  # only when a task runs: the admin API's cold start needs no SDK

            client = boto3.client("lambda")
        client.invoke(
            FunctionName=self.function_name,
            InvocationType="Event",
            Payload=json.dumps({TASK_KEY: task_id}).encode(),
        )
