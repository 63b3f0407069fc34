"""The template's Lambda functions, run from the unpacked artefact through awslambdaric.

Each `AWS::Lambda::Function` becomes a `testkit.lambda_runtime.LambdaFunction`: its handler
from `ImageConfig.Command`, its memory and timeout, and the environment the template gives it,
resolved against what the rehearsal created. The function's interpreter is the base Python
with `-S` (no site-packages): only the artefact is importable, as in the container image.
"""

from __future__ import annotations

import sys
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehearsal.template import REGION, Resolver, Unresolved, of_type
from testkit.lambda_runtime import LambdaFunction

ROOT = Path(__file__).resolve().parents[1]
ARTEFACT = ROOT / "build" / "lambda" / "copper-lambda.tar.gz"
# Credentials as Lambda hands a role's to a function: in the environment.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "rehearsal",
    "AWS_SECRET_ACCESS_KEY": "rehearsal",
    "AWS_SESSION_TOKEN": "rehearsal",
}


class ArtefactMissing(FileNotFoundError):
    """The Lambda artefact has not been built."""


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the template: what Lambda would run, and with which settings."""

    logical_id: str
    name: str
    handler: str
    memory_mb: int
    timeout_s: int
    environment: dict[str, str]
    loopback: tuple[str, ...]  # variables pointed at loopback instead of the template's value


def unpack(artefact: Path, into: Path) -> Path:
    """Unpack the artefact into `into` (once); return the task root."""
    if not artefact.exists():
        raise ArtefactMissing(f"{artefact} is missing: run `make artifact` first")
    marker = into / ".unpacked"
    if not marker.exists() or marker.read_text() != str(artefact.stat().st_mtime_ns):
        into.mkdir(parents=True, exist_ok=True)
        with tarfile.open(artefact) as tar:
            tar.extractall(into, filter="data")
        marker.write_text(str(artefact.stat().st_mtime_ns))
    return into


def specs(
    template: Mapping[str, Any], resolver: Resolver, loopback: Mapping[str, str]
) -> dict[str, FunctionSpec]:
    """Return every function of the template, its environment resolved.

    A variable whose value names a resource the rehearsal does not create (CloudFront's
    domain, the API's execute-api host) takes its `loopback` stand-in; any other unresolved
    variable is an error.
    """
    found: dict[str, FunctionSpec] = {}
    for logical_id, resource in of_type(template, "AWS::Lambda::Function").items():
        props = resource["Properties"]
        environment: dict[str, str] = {}
        pointed: list[str] = []
        for name, value in props.get("Environment", {}).get("Variables", {}).items():
            try:
                environment[name] = str(resolver.resolve(value))
            except Unresolved as missing:
                if name not in loopback:
                    raise Unresolved(f"{logical_id} {name}: {missing}") from None
                environment[name] = loopback[name]
                pointed.append(name)
        found[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=props["FunctionName"],
            handler=props["ImageConfig"]["Command"][0],
            memory_mb=int(props.get("MemorySize", 1024)),
            timeout_s=int(props.get("Timeout", 6)),
            environment=environment,
            loopback=tuple(pointed),
        )
    return found


def base_python() -> str:
    """Return the interpreter the virtual environment was made from (no venv packages)."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    candidate = Path(sys.base_prefix) / "bin" / version
    return str(candidate if candidate.exists() else Path(sys.base_prefix) / "bin" / "python3")


def launch(spec: FunctionSpec, task_root: Path, aws: Mapping[str, str]) -> LambdaFunction:
    """Start one function under awslambdaric with its environment and `aws` (endpoints)."""
    function = LambdaFunction(
        spec.handler,
        task_root,
        env={**spec.environment, **CREDENTIALS, **aws},
        python=(base_python(), "-S"),
        name=spec.name,
        region=REGION,
        memory_mb=spec.memory_mb,
        timeout_s=float(spec.timeout_s),
    )
    return function.start()
