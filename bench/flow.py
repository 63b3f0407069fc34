"""Benchmark the event flow on the local stack against the pipeline alone: `make bench-flow`.

In one run, on the same generated 24 MP photos:

- the **pipeline's own throughput**: the files processed by `pipeline.process` on two
  processes, nothing else (the ceiling);
- the **flow**: a fresh local stack (the API over HTTP, two `copper worker` processes
  feeding the real Lambda handler from the SQLite queue), every file uploaded through its
  signed form at once; uploads processed per minute from the first upload to the last
  `ready`, and each work's upload-to-ready latency (p50, p95).

Target: flow throughput ≥ 0.9 × the pipeline's (queue, store and index overhead stay small).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from bench.inputs import InputSpec, ensure
from content.model import Status
from copper.seed import register, upload_artwork
from service.bootstrap import build_services
from service.http.app import create_app
from service.settings import ServiceSettings

DEFAULT_INPUTS = Path("var/bench/inputs")
DEFAULT_OUT = Path("var/bench")
WORKERS = 2
TARGET = 0.9


def photos(directory: Path, count: int, quick: bool) -> list[Path]:
    """Return `count` distinct 24 MP photos (about 1 MP with --quick), generated once."""
    width, height = (1200, 800) if quick else (6000, 4000)
    suffix = "quick" if quick else "24mp"
    return [
        ensure(
            InputSpec(f"flow-{i}", f"flow-{suffix}-{i}.jpg", width, height, "jpeg"), directory, i
        )
        for i in range(count)
    ]


def _process(path: str) -> float:
    """Process one file with the pipeline; return its seconds (also each process's warm-up)."""
    from pipeline.process import process

    started = time.perf_counter()
    process(Path(path))
    return time.perf_counter() - started


def pipeline_throughput(files: list[Path]) -> dict[str, float]:
    """Return the pipeline's images per minute on two processes (after a warm-up each)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS, initializer=_process, initargs=(str(files[0]),)) as pool:
        pool.map(time.sleep, [2.0] * WORKERS, chunksize=1)  # both warmed up and idle
        started = time.perf_counter()
        seconds = pool.map(_process, [str(path) for path in files], chunksize=1)
        wall = time.perf_counter() - started
    return {
        "images": len(files),
        "wall_s": round(wall, 2),
        "per_minute": round(len(files) / wall * 60, 1),
        "mean_image_s": round(statistics.mean(seconds), 2),
    }


def flow_throughput(files: list[Path], data_dir: Path) -> dict[str, Any]:
    """Upload every file through the local stack at once; measure until all are ready."""
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    api = f"http://127.0.0.1:{server.server_address[1]}"
    environment = os.environ | {
        "COPPER_DATA_DIR": str(data_dir),
        "COPPER_PUBLIC_API_URL": api,
        "COPPER_MEDIA_BASE_URL": f"{api}/media",
        "COPPER_TOKEN_SECRET": "bench-secret-" + "x" * 40,
    }
    settings = ServiceSettings(
        data_dir=str(data_dir),
        public_api_url=api,
        media_base_url=f"{api}/media",
        token_secret=environment["COPPER_TOKEN_SECRET"],
    )
    services = build_services(settings)
    server.app = create_app(services)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "copper.cli", "worker"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    try:
        artist = register(api, "Bench Artist", "", "bench@example.com")
        warm = upload_artwork(api, artist.token, files[0].read_bytes(), {"title": "warm-up"})
        wait_ready(services, {warm: 0.0})  # both workers' cold starts happen here
        wait_idle(services)
        images = [path.read_bytes() for path in files]
        started = time.perf_counter()
        uploaded: dict[str, float] = {}
        for number, image in enumerate(images):
            work = upload_artwork(api, artist.token, image, {"title": f"Photo {number}"})
            uploaded[work] = time.perf_counter()
        ready = wait_ready(services, uploaded)
        wall = max(ready.values()) - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        server.shutdown()
    latencies = sorted(ready[work] - uploaded[work] for work in uploaded)
    return {
        "images": len(files),
        "wall_s": round(wall, 2),
        "per_minute": round(len(files) / wall * 60, 1),
        "latency_p50_s": round(statistics.median(latencies), 2),
        "latency_p95_s": round(percentile(latencies, 0.95), 2),
    }


def wait_ready(services: Any, works: dict[str, float], timeout: float = 1800) -> dict[str, float]:
    """Poll the content store until every work is ready; return when each became so."""
    ready: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(ready) < len(works):
        for work in works.keys() - ready.keys():
            status = services.repository.get_artwork(work).status
            if status is Status.READY:
                ready[work] = time.perf_counter()
            elif status in (Status.REJECTED, Status.FAILED):
                raise SystemExit(f"{work} ended {status.value}: the benchmark input is bad")
        if time.monotonic() > deadline:
            raise SystemExit("the flow did not finish in time")
        time.sleep(0.02)
    return ready


def wait_idle(services: Any) -> None:
    """Wait until the queue is empty."""
    while sum(services.queue.counts().values()):
        time.sleep(0.05)


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted values."""
    return values[min(len(values) - 1, max(0, round(share * len(values) + 0.5) - 1))]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the figures and PASS/MISS, write var/bench/flow.json."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m bench.flow", description=__doc__)
    parser.add_argument("--count", type=int, default=12, help="photos per run (default 12)")
    parser.add_argument("--quick", action="store_true", help="about 1 MP photos (smoke run)")
    parser.add_argument("--inputs", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    files = photos(args.inputs, args.count, args.quick)
    print(f"bench.flow: {len(files)} photos, {WORKERS} processes, cpu count {os.cpu_count()}")
    baseline = pipeline_throughput(files)
    print(f"  pipeline alone: {baseline['per_minute']} images/min ({baseline['wall_s']} s)")
    with tempfile.TemporaryDirectory(prefix="copper-bench-flow-") as folder:
        flow = flow_throughput(files, Path(folder))
    ratio = flow["per_minute"] / baseline["per_minute"]
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print(f"  local stack:    {flow['per_minute']} uploads/min ({flow['wall_s']} s)")
    print(f"  ratio flow / pipeline: {ratio:.2f} (target ≥ {TARGET}) {verdict}")
    print(f"  upload-to-ready latency p50 {flow['latency_p50_s']} s, p95 {flow['latency_p95_s']} s")
    report = {"pipeline": baseline, "flow": flow, "ratio": round(ratio, 3), "verdict": verdict}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / ("flow-quick.json" if args.quick else "flow.json")).write_text(
        json.dumps(report, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
