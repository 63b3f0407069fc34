"""The AWS family on loopback: moto's server, osmem-server, the functions, the API, the mappings.

`Stack.up()` reads the packaged template, provisions it on moto, starts the OpenSearch-compatible
server behind a cuttable proxy (passed to the template as its `OpenSearchEndpoint`, as for an
existing domain), starts each function from the artefact under awslambdaric, then the HTTP API
and the event source mappings. `down()` stops all of it.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rehearsal import functions, gateway, mappings, s3_events
from rehearsal.provision import Provisioned, provision
from rehearsal.proxy import CuttableProxy
from rehearsal.template import REGION, load
from testkit.lambda_runtime import LambdaFunction

ROOT = Path(__file__).resolve().parents[1]
TASK_ROOT = ROOT / "build" / "rehearsal" / "task"
PROCESSOR = "ProcessUploadsLambdaFunction"


class FunctionError(gateway.FunctionFailed):
    """A function answered with an error."""


@dataclass
class Stack:
    """Everything the rehearsal runs, and the handles to break it."""

    template: dict[str, Any]
    moto: Any
    endpoint: str
    osmem: Any
    search_proxy: CuttableProxy
    table_proxy: CuttableProxy  # the processor's way to DynamoDB
    provisioned: Provisioned
    specs: dict[str, functions.FunctionSpec]
    running: dict[str, LambdaFunction] = field(default_factory=dict)
    api: gateway.Gateway | None = None
    sqs_mappings: list[mappings.SqsMapping] = field(default_factory=list)
    stream_mappings: list[mappings.StreamMapping] = field(default_factory=list)
    pollers: list[mappings.Poller] = field(default_factory=list)
    invocations: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def invoke(self, logical_id: str, event: dict[str, Any]) -> mappings.Answer:
        """Invoke a function with `event`; return its answer."""
        function = self.running[logical_id]
        with self._lock:
            self.invocations[logical_id] = self.invocations.get(logical_id, 0) + 1
        done = function.invoke(event)
        return mappings.Answer(done.response, done.error)

    def invoke_http(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Invoke an API function for the gateway; raise if it failed."""
        answer = self.invoke(logical_id, event)
        if answer.error is not None:
            raise FunctionError(str(answer.error.get("errorMessage")))
        return answer.response

    def resolved(self, logical_id: str) -> dict[str, str]:
        """Return one function's resolved environment (what an operator's shell would set)."""
        return dict(self.specs[logical_id].environment)

    def output(self, logical_id: str) -> str:
        """Return what a function wrote to its log."""
        return self.running[logical_id].output()

    def down(self) -> None:
        """Stop everything, newest first."""
        for poller in self.pollers:
            poller.stop()
        if self.api is not None:
            self.api.stop()
        for function in self.running.values():
            function.__exit__(None, None, None)
        for proxy in (self.search_proxy, self.table_proxy):
            proxy.stop()
        self.osmem.close()
        self.moto.stop()


def _quiet() -> None:
    """Keep moto's and werkzeug's request logs (and tracebacks of missing APIs) off the console."""
    for name in ("werkzeug", "moto"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def up(artefact: Path = functions.ARTEFACT) -> Stack:
    """Start the whole family on loopback from the packaged template and the artefact."""
    from moto.server import ThreadedMotoServer
    from osmem_server import OsmemServer

    _quiet()
    template = load()
    task_root = functions.unpack(artefact, TASK_ROOT)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "rehearsal",
        "AWS_SECRET_ACCESS_KEY": "rehearsal",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        os.environ.setdefault(name, value)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3_events.install()
    osmem = OsmemServer.start(japanese=False)
    search_host, search_port = osmem.url.removeprefix("http://").rsplit(":", 1)
    search_proxy = CuttableProxy(search_host, int(search_port)).start()
    table_proxy = CuttableProxy(host, port).start()
    provisioned = provision(template, endpoint, {"OpenSearchEndpoint": search_proxy.url})
    stack = Stack(template, moto, endpoint, osmem, search_proxy, table_proxy, provisioned, {})
    try:
        _start(stack, task_root)
    except BaseException:
        stack.down()
        raise
    return stack


def _start(stack: Stack, task_root: Path) -> None:
    """Start the functions, the HTTP API and the mappings."""
    api = gateway.Gateway(
        gateway.routes(stack.template), gateway.cors_of(stack.template), stack.invoke_http
    )
    media = stack.provisioned.resolver.physical["MediaBucket"]
    loopback = {
        "COPPER_PUBLIC_API_URL": api.url,
        "COPPER_MEDIA_BASE_URL": f"{stack.endpoint}/{media}",
    }
    stack.specs = functions.specs(stack.template, stack.provisioned.resolver, loopback)
    for logical_id, spec in stack.specs.items():
        aws = {"AWS_ENDPOINT_URL": stack.endpoint}
        if logical_id == PROCESSOR:
            aws["AWS_ENDPOINT_URL_DYNAMODB"] = stack.table_proxy.url
        stack.running[logical_id] = functions.launch(spec, task_root, aws)
    stack.api = api.start()
    for mapping in mappings.specs(stack.template, stack.provisioned.resolver):
        if mapping.source_arn.startswith("arn:aws:sqs:"):
            sqs = mappings.SqsMapping(mapping, stack.invoke, stack.endpoint)
            stack.sqs_mappings.append(sqs)
            stack.pollers.append(mappings.Poller(sqs.poll))
        else:
            stream = mappings.StreamMapping(mapping, stack.invoke, stack.endpoint)
            stack.stream_mappings.append(stream)
            stack.pollers.append(mappings.Poller(stream.poll))
    for poller in stack.pollers:
        poller.start()
