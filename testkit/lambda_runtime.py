"""A stand-in for the Lambda Runtime API, and a function process that talks to it.

`LambdaFunction` starts one function the way Lambda starts a container image's function:
`python -m awslambdaric <handler>` in its task root, with the environment Lambda sets and
`AWS_LAMBDA_RUNTIME_API` pointing at a small HTTP server of its own (the Runtime API's
`/2018-06-01` routes: `runtime/invocation/next`, `…/{id}/response`, `…/{id}/error`,
`runtime/init/error`). `invoke` queues an event and waits for the function's answer.

    with LambdaFunction("handlers.sweep.handler", task_root, env={...}) as function:
        first = function.invoke({"source": "aws.events"})
        first.response        # the handler's return value (JSON-decoded), or None
        first.error           # {"errorType", "errorMessage", ...} when it raised or failed to init
        first.since_start_ms  # process start → this answer received (the cold start)
        function.cpu_ms()     # CPU time the process used so far (Linux)
        function.output()     # what the process wrote to stdout and stderr

One function process per `LambdaFunction`, one invocation at a time (as in a Lambda
sandbox). A function that fails its init, or exits, answers every invocation with an error
shaped as Lambda reports it; `invoke` raises `TimeoutError` only if no answer comes at all.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

PREFIX = "/2018-06-01/runtime"
ACCOUNT = "123456789012"
ERROR_TYPE = "Lambda-Runtime-Function-Error-Type"


@dataclass(frozen=True)
class Invocation:
    """One invocation's outcome and timings (seconds on the `time.monotonic` clock)."""

    request_id: str
    response: Any = None
    error: dict[str, Any] | None = None
    process_started: float = 0.0
    queued: float = 0.0
    answered: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether the function answered without an error."""
        return self.error is None

    @property
    def since_start_ms(self) -> float:
        """Return milliseconds from the function process's start to this answer."""
        return (self.answered - self.process_started) * 1000

    @property
    def duration_ms(self) -> float:
        """Return milliseconds from queueing the event to its answer."""
        return (self.answered - self.queued) * 1000


@dataclass
class _Pending:
    """An invocation waiting for its answer."""

    request_id: str
    body: bytes
    queued: float
    done: threading.Event = field(default_factory=threading.Event)
    response: Any = None
    error: dict[str, Any] | None = None
    answered: float = 0.0


class RuntimeApi:
    """The Runtime API of one sandbox, served on a free loopback port."""

    def __init__(self, function_arn: str, timeout_s: float) -> None:
        self.function_arn = function_arn
        self.timeout_s = timeout_s
        self.events: queue.Queue[_Pending | None] = queue.Queue()
        self.pending: dict[str, _Pending] = {}
        self.init_error: dict[str, Any] | None = None
        self.first_poll: float | None = None
        self.changed = threading.Condition()
        self.server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        """Return `host:port`, the value of AWS_LAMBDA_RUNTIME_API."""
        host, port = self.server.server_address[:2]
        return f"{host!s}:{port}"

    def enqueue(self, event: Any) -> _Pending:
        """Queue `event` for the function's next poll."""
        pending = _Pending(str(uuid.uuid4()), json.dumps(event).encode(), time.monotonic())
        self.pending[pending.request_id] = pending
        self.events.put(pending)
        return pending

    def answer(self, request_id: str, response: Any = None, error: Any = None) -> bool:
        """Record the answer to `request_id`; return False for an unknown id."""
        pending = self.pending.get(request_id)
        if pending is None or pending.done.is_set():
            return False
        pending.response, pending.error = response, error
        pending.answered = time.monotonic()
        pending.done.set()
        with self.changed:
            self.changed.notify_all()
        return True

    def fail_init(self, error: dict[str, Any]) -> None:
        """Record the function's init error."""
        self.init_error = error
        with self.changed:
            self.changed.notify_all()

    def close(self) -> None:
        """Release any poll still waiting and stop serving."""
        self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that does not report a function process hanging up."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a connection the stopped function process dropped; report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class serving `api`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the server quiet."""

        def do_GET(self) -> None:
            """Hand the next queued event to the function (a long poll)."""
            if self.path != f"{PREFIX}/invocation/next":
                self._reply(HTTPStatus.NOT_FOUND, {"errorMessage": f"no route {self.path}"})
                return
            if api.first_poll is None:
                api.first_poll = time.monotonic()
            pending = api.events.get()
            if pending is None:
                api.events.put(None)  # wake the next poll too
                self._reply(HTTPStatus.GONE, {"errorMessage": "the runtime is shutting down"})
                return
            deadline_ms = int((time.time() + api.timeout_s) * 1000)
            trace = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0"
            self._reply(
                HTTPStatus.OK,
                pending.body,
                {
                    "Lambda-Runtime-Aws-Request-Id": pending.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn": api.function_arn,
                    "Lambda-Runtime-Trace-Id": trace,
                },
            )

        def do_POST(self) -> None:
            """Take an invocation's response or error, or the init error."""
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = self.path.removeprefix(PREFIX).strip("/").split("/")
            if parts == ["init", "error"]:
                api.fail_init(_error_body(body, self.headers.get(ERROR_TYPE)))
                self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})
                return
            if len(parts) == 3 and parts[0] == "invocation" and parts[2] in {"response", "error"}:
                if parts[2] == "response":
                    known = api.answer(parts[1], response=json.loads(body) if body else None)
                else:
                    error = _error_body(body, self.headers.get(ERROR_TYPE))
                    known = api.answer(parts[1], error=error)
                if known:
                    self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})
                else:
                    self._reply(HTTPStatus.BAD_REQUEST, {"errorMessage": "unknown request id"})
                return
            self._reply(HTTPStatus.NOT_FOUND, {"errorMessage": f"no route {self.path}"})

        def _reply(
            self, status: HTTPStatus, body: Any, headers: Mapping[str, str] | None = None
        ) -> None:
            """Send `body` (bytes, or JSON-encoded) with `headers`."""
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _error_body(body: bytes, error_type: str | None) -> dict[str, Any]:
    """Return a posted error as a dict (errorType from the body or the header)."""
    try:
        error = json.loads(body) if body else {}
    except ValueError:
        error = {"errorMessage": body.decode("utf-8", "replace")}
    if not isinstance(error, dict):
        error = {"errorMessage": str(error)}
    error.setdefault("errorType", error_type or "Unknown")
    return error


class LambdaFunction:
    """One function process under the runtime interface client, with its own Runtime API."""

    def __init__(
        self,
        handler: str,
        task_root: Path,
        *,
        env: Mapping[str, str] | None = None,
        python: Sequence[str] = (sys.executable,),
        name: str = "copper-function",
        region: str = "eu-west-1",
        memory_mb: int = 1024,
        timeout_s: float = 30.0,
    ) -> None:
        self.handler = handler
        self.task_root = Path(task_root)
        self.extra_env = dict(env or {})
        self.python = list(python)
        self.name = name
        self.region = region
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        self.arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
        self.api: RuntimeApi | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self._scratch = tempfile.TemporaryDirectory(prefix="lambda-")
        self.log_path = Path(self._scratch.name) / "output.log"

    def environment(self, runtime_api: str) -> dict[str, str]:
        """Return the environment Lambda gives a container image function, then `env`."""
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "HOME": self._scratch.name,  # an empty home: no ~/.aws of the machine's
            "LAMBDA_TASK_ROOT": str(self.task_root),
            "PYTHONPATH": str(self.task_root),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "_HANDLER": self.handler,
            "AWS_LAMBDA_RUNTIME_API": runtime_api,
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4()}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            **self.extra_env,
        }

    def start(self) -> LambdaFunction:
        """Start the Runtime API and the function process (its cold start begins now)."""
        if self.process is not None:
            raise RuntimeError(f"{self.name} is already started; stop it first")
        self.api = RuntimeApi(self.arn, self.timeout_s)
        environment = self.environment(self.api.address)
        with self.log_path.open("ab") as log:
            self.started = time.monotonic()
            self.process = subprocess.Popen(
                [*self.python, "-m", "awslambdaric", self.handler],
                cwd=self.task_root,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def init_ms(self) -> float | None:
        """Return milliseconds from the process start to its first poll (init done), if any."""
        if self.api is None or self.api.first_poll is None:
            return None
        return (self.api.first_poll - self.started) * 1000

    def cpu_ms(self) -> float | None:
        """Return the CPU time (user + system) the function process used so far, in ms.

        Read from /proc (Linux); None elsewhere or once the process is gone. Unlike the
        wall-clock timings, it hardly grows when other work shares the machine's cores.
        """
        if self.process is None:
            return None
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks = int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15)
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def invoke(self, event: Any, timeout: float | None = None) -> Invocation:
        """Send `event` and wait for the function's answer (response or error)."""
        if self.api is None or self.process is None:
            raise RuntimeError(f"{self.name} is not started; call start() first")
        api, process = self.api, self.process
        pending = api.enqueue(event)
        limit = time.monotonic() + (self.timeout_s if timeout is None else timeout)
        error: dict[str, Any] | None = None
        with api.changed:
            while not pending.done.is_set():
                if api.init_error is not None:
                    error = {**api.init_error, "phase": "init"}
                    break
                if process.poll() is not None:
                    error = {
                        "errorType": "Runtime.ExitError",
                        "errorMessage": f"the function exited with status {process.returncode}",
                        "output": self.output()[-4000:],
                    }
                    break
                if time.monotonic() > limit:
                    raise TimeoutError(f"{self.name} gave no answer within {timeout}s")
                api.changed.wait(0.05)
        if error is not None:
            api.pending.pop(pending.request_id, None)
            return Invocation(
                pending.request_id, None, error, self.started, pending.queued, time.monotonic()
            )
        return Invocation(
            pending.request_id,
            pending.response,
            pending.error,
            self.started,
            pending.queued,
            pending.answered,
        )

    def output(self) -> str:
        """Return what the function process wrote to stdout and stderr so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text("utf-8", "replace")

    def stop(self) -> None:
        """Stop the function process and its Runtime API."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process = None
        if self.api is not None:
            self.api.close()
            self.api = None

    def __enter__(self) -> LambdaFunction:
        """Start the function."""
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the function."""
        self.stop()
        self._scratch.cleanup()
