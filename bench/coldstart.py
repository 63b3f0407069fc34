"""Benchmark every Lambda function's cold start: import plus first request, from the artefact.

`make bench-coldstart`. For each function serverless.yml defines, `--runs` fresh processes
(5 by default) of the runtime interface client (`python -m awslambdaric HANDLER`, as the
image starts them) run from the UNPACKED artefact (build/lambda/copper-lambda.tar.gz, built
by `make artifact`) against the Runtime API stand-in (testkit/lambda_runtime.py). Each gets
a captured first event (tests/events/) and the time is from the process start to the first
answer received: interpreter start, imports, the handler's set-up and the first request.

The functions run on the embedded backend (COPPER_BACKEND=local, one temporary data
directory), so no network call is timed; one unmeasured run per function first creates its
stores. The interpreter is the one this virtual environment was made from, with `-S` (no
site-packages: only the artefact is importable). Targets: API functions ≤ 400 ms, the
processor ≤ 700 ms, the other functions (stream and scheduled) ≤ 400 ms, on the median
wall-clock time. The table also gives the median time to the first poll (init: interpreter
and imports) and the CPU time the process used by its answer, which other load on the
machine hardly changes. Then `python -X importtime` shows the slowest function's 10 most
expensive imports (cumulative).

    .venv/bin/python -m bench.coldstart [--runs 5] [--artefact PATH] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from testkit.lambda_runtime import LambdaFunction

ROOT = Path(__file__).resolve().parent.parent
SERVERLESS_YML = ROOT / "serverless.yml"
ARTEFACT = ROOT / "build" / "lambda" / "copper-lambda.tar.gz"
EVENTS = ROOT / "tests" / "events"
# function → its captured first event (a file in tests/events, or the schedule's constant input)
FIRST_EVENTS: dict[str, str | dict[str, Any]] = {
    "contentApi": "apigw-v2-list-artworks.json",
    "searchApi": "apigw-v2-search.json",
    "adminApi": "apigw-v2-admin-dlq.json",
    "processUploads": "sqs-batch-s3-created.json",
    "indexChanges": "dynamodb-stream-keys-only.json",
    "sweep": "eventbridge-scheduled.json",
    "audit": {"repair": True},  # serverless.yml: the hourly schedule's input
}
PROCESSOR_TARGET_MS = 700.0
OTHER_TARGET_MS = 400.0
BACKEND = "embedded (COPPER_BACKEND=local, SQLite and files in a temporary directory)"
FUNCTION = re.compile(r"^  (\w+):\s*$")
COMMAND = re.compile(r"^\s+command:\s*\[\s*([\w.]+)\s*\]")


@dataclass(frozen=True)
class Result:
    """One function's cold starts, in milliseconds."""

    function: str
    handler: str
    event: str
    runs: list[float]
    init: list[float]
    cpu: list[float]
    target: float
    answer: str

    @property
    def median(self) -> float:
        """Return the median cold start."""
        return statistics.median(self.runs)

    @property
    def met(self) -> bool:
        """Return whether the median is within the target."""
        return self.median <= self.target


def functions(serverless_yml: Path = SERVERLESS_YML) -> dict[str, str]:
    """Return each function's handler (`image.command`), in the order serverless.yml lists."""
    found: dict[str, str] = {}
    current: str | None = None
    inside = False
    for line in serverless_yml.read_text().splitlines():
        if line.startswith("functions:"):
            inside = True
            continue
        if inside and line and not line.startswith(" ") and not line.startswith("#"):
            break
        if not inside:
            continue
        if name := FUNCTION.match(line):
            current = name.group(1)
        elif (command := COMMAND.match(line)) and current:
            found[current] = command.group(1)
    if not found:
        raise SystemExit(f"{serverless_yml} lists no function with an image command")
    return found


def target_of(function: str) -> float:
    """Return the cold-start target of `function` in milliseconds."""
    return PROCESSOR_TARGET_MS if function == "processUploads" else OTHER_TARGET_MS


def first_event(function: str) -> tuple[str, Any]:
    """Return the name and body of `function`'s first event."""
    source = FIRST_EVENTS.get(function)
    if source is None:
        raise SystemExit(f"no first event for {function}: add one to FIRST_EVENTS")
    if isinstance(source, dict):
        return "schedule input " + json.dumps(source), source
    return source, json.loads((EVENTS / source).read_text())


def base_python() -> str:
    """Return the interpreter this virtual environment was made from."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    candidate = Path(sys.base_prefix) / "bin" / version
    return str(candidate if candidate.exists() else Path(sys.base_prefix) / "bin" / "python3")


def unpack(artefact: Path, into: Path) -> Path:
    """Unpack the artefact into `into` and return the task root."""
    if not artefact.exists():
        raise SystemExit(f"{artefact} is missing: run `make artifact` first")
    with tarfile.open(artefact) as tar:
        tar.extractall(into, filter="data")
    return into


def function_env(data_dir: Path) -> dict[str, str]:
    """Return the functions' settings: the embedded backend on `data_dir`."""
    return {
        "COPPER_BACKEND": "local",
        "COPPER_DATA_DIR": str(data_dir),
        "COPPER_TOKEN_SECRET": "coldstart-bench-secret-" + "x" * 40,
        "POWERTOOLS_METRICS_NAMESPACE": "CopperPrintGallery",
    }


def cold_start(
    function: str, handler: str, task_root: Path, env: dict[str, str], event: Any
) -> tuple[float, float, float, str]:
    """Start one fresh process, send `event`; return ms to the answer, init ms, CPU ms
    used by then, and the outcome."""
    process = LambdaFunction(
        handler, task_root, env=env, python=(base_python(), "-S"), name=f"copper-{function}"
    )
    with process:
        answer = process.invoke(event, timeout=120)
        if answer.error is not None:
            raise SystemExit(
                f"{function} answered its first event with an error: "
                f"{answer.error.get('errorType')}: {answer.error.get('errorMessage')}\n"
                + process.output()[-3000:]
            )
        cpu = process.cpu_ms() or 0.0
        return answer.since_start_ms, process.init_ms or 0.0, cpu, summary(answer.response)


def summary(response: Any) -> str:
    """Return a short description of a first answer."""
    if isinstance(response, dict) and "statusCode" in response:
        return f"HTTP {response['statusCode']}"
    if isinstance(response, dict) and "batchItemFailures" in response:
        return f"{len(response['batchItemFailures'])} failed records"
    return "answered"


def measure(function: str, handler: str, task_root: Path, env: dict[str, str], runs: int) -> Result:
    """Return `runs` cold starts of `function`, after one unmeasured run."""
    name, event = first_event(function)
    cold_start(function, handler, task_root, env, event)  # creates the stores
    timings = [cold_start(function, handler, task_root, env, event) for _ in range(runs)]
    return Result(
        function,
        handler,
        name,
        [round(t[0], 1) for t in timings],
        [round(t[1], 1) for t in timings],
        [round(t[2], 1) for t in timings],
        target_of(function),
        timings[-1][3],
    )


def import_times(module: str, task_root: Path, env: dict[str, str], top: int = 10) -> list[str]:
    """Return `python -X importtime`'s `top` modules by cumulative time for `module`."""
    completed = subprocess.run(
        [base_python(), "-S", "-X", "importtime", "-c", f"import {module}"],
        cwd=task_root,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(task_root), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    rows: list[tuple[int, int, str]] = []
    for line in completed.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((int(parts[1]), int(parts[0]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return [
        f"{cumulative / 1000:9.1f} ms cumulative {own / 1000:7.1f} ms self  {name}"
        for cumulative, own, name in rows[:top]
    ]


def table(results: list[Result]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| function | first event | median ms | min | max | init median | CPU median "
        "| target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.function} | {r.event} ({r.answer}) | {r.median:.0f} | {min(r.runs):.0f} | "
            f"{max(r.runs):.0f} | {statistics.median(r.init):.0f} | "
            f"{statistics.median(r.cpu):.0f} | ≤ {r.target:.0f} | "
            f"{'PASS' if r.met else 'MISS'} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Measure every function's cold start and print the table and the slowest's imports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--artefact", type=Path, default=ARTEFACT)
    parser.add_argument("--only", nargs="*", help="function names (default: every function)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    listed = functions()
    chosen = {name: listed[name] for name in (args.only or listed)}
    with tempfile.TemporaryDirectory(prefix="coldstart-") as scratch:
        task_root = unpack(args.artefact, Path(scratch) / "task")
        env = function_env(Path(scratch) / "data")
        results = []
        for function, handler in chosen.items():
            print(f"{function}: {args.runs} cold starts of {handler} ...", file=sys.stderr)
            results.append(measure(function, handler, task_root, env, args.runs))
        slowest = max(results, key=lambda r: r.median)
        imports = import_times(slowest.handler.rsplit(".", 1)[0], task_root, env)
    print(f"Cold starts: process start → first answer, median of {args.runs} fresh processes")
    print(f"artefact: {args.artefact} (unpacked); backend: {BACKEND}")
    print(f"interpreter: {base_python()} -S; load average at start: {load:.2f}\n")
    print(table(results))
    print(f"\nslowest: {slowest.function}; python -X importtime, top 10 by cumulative time:")
    print("\n".join(imports))
    if args.json:
        report = {"load": load, "backend": BACKEND, "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
