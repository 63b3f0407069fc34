"""Benchmark `copper process` as a whole process on one core against peers: `make bench-process`.

Every engine is a fresh process pinned to one core that writes the same renditions of one
original (the pipeline's plan: sizes × formats, same encoder settings) into an empty directory:
`copper process FILE --out DIR` (the installed console script), a bare pyvips script, sharp
(one pipeline per output, and one decode with a clone per output) and thumbor's Pillow engine.
The peers are installed on demand under var/bench/peers/, outside the project's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyvips

from bench import floor, inputs, peers
from bench.pipeline import NOISY, Row, check, machine_cpu_seconds, num, positive, table
from pipeline.encode import save_options
from pipeline.settings import PipelineSettings

BENCH = Path(__file__).resolve().parent
DEFAULT_OUT = Path("var/bench")
DEFAULT_INPUTS = Path("var/bench/inputs")
DEFAULT_PEERS = Path("var/bench/peers")
INPUT = "jpeg-24mp"
RUN_TIMEOUT = 600.0
MB = 1_000_000
SMALL_INPUT_NOTE = (
    "note: the targets are set for the 24 MP JPEG; on a smaller input the fixed start-up "
    "costs weigh more, so these verdicts only show that the comparison runs"
)
LOADERS = {"jpegload": "jpeg", "webpload": "webp", "heifload": "avif", "pngload": "png"}

COPPER, PYVIPS, SHARP_EACH, SHARP_ONCE, THUMBOR = (
    "copper",
    "pyvips",
    "sharp-each",
    "sharp-once",
    "thumbor",
)
LABELS = {
    COPPER: "copper process",
    PYVIPS: "bare pyvips process",
    SHARP_EACH: "sharp, one pipeline per output",
    SHARP_ONCE: "sharp, one decode + clone per output",
    THUMBOR: "thumbor Pillow engine, one request per output",
}
# (metric, engine, target): copper's time over the bare process, or the engine's over copper's
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("copper / bare pyvips", PYVIPS, "<= 1.2"),
    ("speed-up vs idiomatic sharp", SHARP_EACH, ">= 3.5"),
    ("speed-up vs thumbor", THUMBOR, ">= 5"),
)

Found = tuple[str, str, int, int]  # (file name, format read back, width, height)


@dataclass
class Engine:
    """One contender: how to start it, what it should write, and what it did."""

    key: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    version: str = ""
    formats: tuple[str, ...] | None = None
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    error: str | None = None
    same_set: bool = True
    difference: str = ""
    written: list[list[Any]] = field(default_factory=list)


@dataclass
class CoreClock:
    """Busy time of the pinned core spent by processes other than the timed ones."""

    core: int
    others: float = 0.0
    timed: float = 0.0


def job_for(path: Path, settings: PipelineSettings) -> dict[str, Any]:
    """Return the pipeline's plan for `path` as the job every peer script reads."""
    plan = floor.plan_for(path, settings)
    formats = []
    for fmt in settings.formats:
        suffix, options = save_options(fmt, settings.encoders)
        encoder = getattr(settings.encoders, fmt)
        formats.append(
            {
                "format": fmt,
                "extension": suffix.lstrip("."),
                "quality": encoder.quality,
                "effort": getattr(encoder, "effort", None),
                "progressive": getattr(encoder, "progressive", None),
                "vips": options,
            }
        )
    return {
        "input": str(path.resolve()),
        "base": {"width": plan.base_width, "height": plan.base_height},
        "sizes": [{"name": s.name, "width": s.width, "height": s.height} for s in plan.sizes],
        "thumbnail": {"name": plan.thumbnail.name, "side": plan.thumbnail.side},
        "formats": formats,
    }


def expected(job: dict[str, Any], formats: tuple[str, ...] | None) -> set[Found]:
    """Return the renditions a job asks for, in `formats` only if given."""
    side = job["thumbnail"]["side"]
    sizes = [(s["name"], s["width"], s["height"]) for s in job["sizes"]]
    sizes.append((job["thumbnail"]["name"], side, side))
    return {
        (f"{name}.{fmt['extension']}", fmt["format"], width, height)
        for name, width, height in sizes
        for fmt in job["formats"]
        if formats is None or fmt["format"] in formats
    }


def written(out: Path) -> list[list[Any]]:
    """Return [file name, format read back from the file, width, height, bytes] per file."""
    found = []
    for file in sorted(out.iterdir()) if out.exists() else []:
        image = pyvips.Image.new_from_file(str(file))
        loader = image.get("vips-loader") if "vips-loader" in image.get_fields() else "?"
        fmt = LOADERS.get(loader, loader)
        if fmt == "avif" and image.get("heif-compression") != "av1":
            fmt = "heif"
        found.append([file.name, fmt, image.width, image.height, file.stat().st_size])
    return found


def difference(want: set[Found], got: set[Found]) -> str:
    """Return what is missing and extra, in one line (empty if the sets match)."""
    parts = []
    if missing := sorted(want - got):
        parts.append("missing " + ", ".join(f"{n} {f} {w}×{h}" for n, f, w, h in missing[:4]))
    if extra := sorted(got - want):
        parts.append("unexpected " + ", ".join(f"{n} {f} {w}×{h}" for n, f, w, h in extra[:4]))
    return "; ".join(parts)


def pinned(core: int) -> Callable[[], None]:
    """Return a pre-exec hook that pins the child process to one core."""
    return lambda: os.sched_setaffinity(0, {core})


def core_busy_seconds(core: int) -> float:
    """Return the CPU-seconds one core has been busy since boot (Linux /proc/stat)."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
            return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    return 0.0


def children_cpu_seconds() -> float:
    """Return the CPU-seconds used by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(engine: Engine, out: Path, clock: CoreClock) -> tuple[float, float]:
    """Run one engine once into an empty `out`; return (wall s, CPU s) or raise with why."""
    shutil.rmtree(out, ignore_errors=True)
    command = [*engine.command, str(out)]
    env = os.environ | engine.env
    cpu_before, busy_before = children_cpu_seconds(), core_busy_seconds(clock.core)
    started = time.perf_counter()
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
        preexec_fn=pinned(clock.core),
    )
    wall = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    clock.others += max(0.0, core_busy_seconds(clock.core) - busy_before - cpu)
    clock.timed += wall
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {peers.last_lines(done.stderr)}")
    return wall, cpu


def attempt(engine: Engine, work: Path, clock: CoreClock, job: dict[str, Any], timed: bool) -> None:
    """Run an engine once, check what it wrote against the job, record the timing if `timed`."""
    out = work / engine.key
    try:
        wall, cpu = run_once(engine, out, clock)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
        engine.error = str(error)
        return
    engine.written = written(out)
    got = {(n, f, w, h) for n, f, w, h, _ in engine.written}
    diff = difference(expected(job, engine.formats), got)
    engine.same_set &= not diff
    engine.difference = engine.difference or diff
    shutil.rmtree(out, ignore_errors=True)
    if timed:
        engine.walls.append(wall)
        engine.cpus.append(cpu)


def contenders(args: argparse.Namespace, job_path: Path) -> tuple[list[Engine], dict[str, str]]:
    """Return the engines that can run here and {engine: why not} for the others."""
    copper = args.copper or copper_script()
    source = json.loads(job_path.read_text())["input"]
    engines = [
        Engine(COPPER, [str(copper), "process", source, "--out"], version=copper_version()),
        Engine(PYVIPS, [sys.executable, str(BENCH / "bare_pyvips.py"), str(job_path)]),
    ]
    engines[1].version = f"pyvips {pyvips.__version__}"
    missing: dict[str, str] = {}
    if not args.peers:
        return engines, dict.fromkeys((SHARP_EACH, SHARP_ONCE, THUMBOR), "left out (--no-peers)")
    root = args.peers_dir.resolve()
    sharp = peers.sharp(root, BENCH, not args.no_install)
    for key, mode in ((SHARP_EACH, "each"), (SHARP_ONCE, "once")):
        if isinstance(sharp, peers.Unavailable):
            missing[key] = sharp.reason
        else:
            command = [*sharp.command, mode, str(job_path)]
            engines.append(Engine(key, command, sharp.env, f"sharp {sharp.version}"))
    thumbor = peers.thumbor(root, BENCH, not args.no_install)
    if isinstance(thumbor, peers.Unavailable):
        missing[THUMBOR] = thumbor.reason
    else:
        command = [*thumbor.command, str(job_path)]
        engine = Engine(THUMBOR, command, thumbor.env, f"thumbor {thumbor.version}")
        engine.formats = thumbor.formats
        engines.append(engine)
    return engines, missing


def copper_script() -> Path:
    """Return the installed `copper` console script: beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "copper"
    found = shutil.which("copper")
    return beside if beside.exists() or found is None else Path(found)


def copper_version() -> str:
    """Return the pipeline version `copper process` writes."""
    return f"pipeline {PipelineSettings().version}"


def measure(
    engines: list[Engine], work: Path, job: dict[str, Any], repeat: int, clock: CoreClock
) -> None:
    """Warm every engine up once, then time them interleaved, rotating the order each round."""
    for engine in engines:
        print(f"warming up {engine.key} ...", file=sys.stderr, flush=True)
        attempt(engine, work, clock, job, timed=False)
    clock.others = clock.timed = 0.0
    for round_ in range(repeat):
        print(f"round {round_ + 1} of {repeat} ...", file=sys.stderr, flush=True)
        start = round_ % len(engines)
        for engine in engines[start:] + engines[:start]:
            if engine.error is None:
                attempt(engine, work, clock, job, timed=True)


def record(engine: Engine, job: dict[str, Any], copper_s: float | None) -> dict[str, Any]:
    """Return one engine's JSON record."""
    wall = statistics.median(engine.walls) if engine.walls and not engine.error else None
    want = expected(job, engine.formats)
    return {
        "label": LABELS[engine.key],
        "available": True,
        "version": engine.version,
        "formats": list(engine.formats or [f["format"] for f in job["formats"]]),
        "error": engine.error,
        "runs": engine.walls,
        "cpu_runs": engine.cpus,
        "wall_s": wall,
        "cpu_s": statistics.median(engine.cpus) if engine.cpus else None,
        "vs_copper": wall / copper_s if wall and copper_s else None,
        "renditions": len(engine.written),
        "expected_renditions": len(want),
        "bytes": sum(item[4] for item in engine.written),
        "bytes_by_format": bytes_by_format(engine.written),
        "same_set": engine.same_set and len(engine.written) == len(want),
        "set_difference": engine.difference,
        "written": engine.written,
    }


def bytes_by_format(items: list[list[Any]]) -> dict[str, int]:
    """Return the bytes written per format: equal settings give nearly equal sums."""
    totals: dict[str, int] = {}
    for _name, fmt, _width, _height, size in items:
        totals[fmt] = totals.get(fmt, 0) + size
    return totals


def targets(records: dict[str, dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Return every target check; one whose peer did not run is not checked, with the reason."""
    checks = []
    copper_s = records[COPPER].get("wall_s")
    for metric, key, target in TARGETS:
        rec = records.get(key, {})
        wall = rec.get("wall_s")
        if not copper_s or not wall:
            why = rec.get("reason") or rec.get("error") or "not measured"
            checks.append(
                {"input": name, "metric": metric, "value": None, "target": target, "pass": None}
                | {"reason": f"{LABELS[key]}: {why}"}
            )
            continue
        value = copper_s / wall if key == PYVIPS else wall / copper_s
        checks.append(check(name, metric, value, target))
    return checks


def environment(args: argparse.Namespace, load: float) -> dict[str, Any]:
    """Return the versions, core and settings the run used."""
    node = shutil.which("node")
    node_version = (
        subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout
        if node
        else ""
    )
    return {
        "libvips": ".".join(str(pyvips.version(i)) for i in range(3)),
        "pyvips": pyvips.__version__,
        "python": platform.python_version(),
        "node": node_version.strip() or None,
        "cpus": os.cpu_count(),
        "core": args.core,
        "vips_concurrency_env": os.environ.get("VIPS_CONCURRENCY"),
        "repeat": args.repeat,
        "quick": args.quick,
        "load_average_at_start": load,
    }


def input_record(path: Path) -> dict[str, Any]:
    """Return the input's name, size and bytes."""
    header = pyvips.Image.new_from_file(str(path))
    return {
        "file": str(path),
        "width": header.width,
        "height": header.height,
        "megapixels": round(header.width * header.height / 1e6, 1),
        "bytes": path.stat().st_size,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare the input, job and peers, measure every engine and return the report."""
    started, machine, load = time.perf_counter(), machine_cpu_seconds(), os.getloadavg()[0]
    path = args.input or inputs.ensure(
        next(s for s in inputs.specs(args.quick) if s.name == INPUT),
        args.inputs or (DEFAULT_INPUTS / "quick" if args.quick else DEFAULT_INPUTS),
    )
    path.read_bytes()  # every engine reads it from the page cache
    args.out.mkdir(parents=True, exist_ok=True)
    clock = CoreClock(args.core)
    with tempfile.TemporaryDirectory(prefix="process-", dir=args.out) as tmp:
        work = Path(tmp)
        job = job_for(path, PipelineSettings())
        job_path = work / "job.json"
        job_path.write_text(json.dumps(job, indent=2))
        engines, missing = contenders(args, job_path)
        measure(engines, work, job, args.repeat, clock)
    copper = engines[0]
    if copper.error or not copper.walls:
        raise SystemExit(f"copper process failed: {copper.error}")
    copper_s = statistics.median(copper.walls)
    records = {e.key: record(e, job, copper_s) for e in engines}
    for key, reason in missing.items():
        records[key] = {"label": LABELS[key], "available": False, "reason": reason}
    name = INPUT if args.input is None else path.name
    wall = time.perf_counter() - started
    env = environment(args, load)
    env["other_cpu_share"] = clock.others / clock.timed if clock.timed else None
    env["machine_cpu_seconds"] = (machine_cpu_seconds() or 0) - (machine or 0)
    return {
        "environment": env,
        "input": input_record(path) | {"name": name},
        "renditions": len(expected(job, None)),
        "engines": {key: records[key] for key in LABELS if key in records},
        "targets": targets(records, name),
        "seconds": wall,
    }


def engine_rows(report: dict[str, Any]) -> list[Row]:
    """Return one table row per engine; an engine that did not run says why."""
    rows: list[Row] = []
    for rec in report["engines"].values():
        label = f"{rec['label']} ({rec['version']})" if rec.get("version") else rec["label"]
        if not rec["available"] or rec.get("error"):
            why = rec.get("reason") or rec.get("error")
            status = "not available" if not rec["available"] else "failed"
            rows.append([label, f"{status}: {why}", "", "", "", "", "", ""])
            continue
        count = f"{rec['renditions']}/{rec['expected_renditions']}"
        if rec["expected_renditions"] < report["renditions"]:
            left_out = sorted(set(report["engines"]["copper"]["formats"]) - set(rec["formats"]))
            count += f" (no {', '.join(left_out)})"
        same = "yes" if rec["same_set"] else f"NO: {rec['set_difference'] or 'count differs'}"
        rows.append(
            [
                label,
                str(len(rec["runs"])),
                num(rec["wall_s"]),
                num(rec["cpu_s"]),
                num(rec["vs_copper"]),
                count,
                num(rec["bytes"] / MB),
                same,
            ]
        )
    return rows


def verdict_rows(checks: list[dict[str, Any]]) -> list[Row]:
    """Return one row per target: value, target and PASS/MISS (or why it was not checked)."""
    rows: list[Row] = []
    for item in checks:
        target = item["target"].replace("<=", "≤").replace(">=", "≥")
        if item["pass"] is None:
            rows.append([item["metric"], "n/a", target, f"not checked: {item['reason']}"])
            continue
        value = num(item["value"]) + ("" if item["metric"].startswith("copper") else "×")
        rows.append([item["metric"], value, target, "PASS" if item["pass"] else "MISS"])
    return rows


def noise_line(env: dict[str, Any]) -> str:
    """Return how much of the pinned core other processes took while the engines ran."""
    line = f"machine: load average {env['load_average_at_start']:.2f} at start"
    share = env["other_cpu_share"]
    if share is None:
        return line
    line += f"; other processes took {100 * share:.0f}% of core {env['core']} during the timed runs"
    return line + (" - timings are noisy, rerun on a quiet machine" if share > NOISY else "")


def render(report: dict[str, Any]) -> str:
    """Return the whole report as text."""
    env, source = report["environment"], report["input"]
    threads = env["vips_concurrency_env"] or "unset"
    checks = report["targets"]
    passed = sum(c["pass"] is True for c in checks)
    missed = sum(c["pass"] is False for c in checks)
    header = ["engine", "runs", "wall s", "CPU s", "÷ copper", "renditions", "MB", "same set"]
    return "\n".join(
        [
            "Copper whole-process benchmark: one file, each engine a fresh process on one core",
            f"libvips {env['libvips']} (pyvips {env['pyvips']}), Python {env['python']}, "
            f"Node {env['node'] or 'n/a'}, {env['cpus']} CPUs, VIPS_CONCURRENCY {threads}",
            f"input: {source['name']} {source['width']}×{source['height']} "
            f"({source['megapixels']} MP, {source['bytes'] / MB:.1f} MB); "
            f"{report['renditions']} renditions (the default ladder × formats + thumbnail)",
            f"timing: wall clock from spawn to exit, pinned to core {env['core']}, median of "
            f"{env['repeat']}, interleaved (order rotated each round) after one untimed run each",
            noise_line(env),
            "",
            table(
                "Engines (÷ copper: the engine's time over copper's)", header, engine_rows(report)
            ),
            "",
            table("Targets", ["metric", "value", "target", "result"], verdict_rows(checks)),
            "",
            f"targets: {passed} PASS, {missed} MISS, {len(checks) - passed - missed} not checked; "
            f"total {report['seconds']:.0f} s",
            *([] if full_size(report) else [SMALL_INPUT_NOTE]),
        ]
    )


def full_size(report: dict[str, Any]) -> bool:
    """Return whether the run used the 24 MP input that the targets are set for."""
    return report["input"]["name"] == INPUT and not report["environment"]["quick"]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.process", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the 24 MP input at ~1/25 the pixels")
    parser.add_argument("--input", type=Path, help="use this file instead of the generated one")
    parser.add_argument("--inputs", type=Path, help="input directory (generated if missing)")
    parser.add_argument("--repeat", type=positive, default=5, help="timed runs per engine (median)")
    parser.add_argument("--core", type=int, default=0, help="the core every engine is pinned to")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="copper and pyvips")
    parser.add_argument("--no-install", action="store_true", help="use only installed peers")
    parser.add_argument("--peers-dir", type=Path, default=DEFAULT_PEERS, help="where peers go")
    parser.add_argument("--copper", type=Path, help="the copper script (default: beside python)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where process.json goes")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report and write process.json; 1 if the bare process failed."""
    args = parse(argv)
    report = run(args)
    (args.out / "process.json").write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten: {args.out / 'process.json'}")
    return 1 if report["engines"][PYVIPS].get("error") else 0


if __name__ == "__main__":
    sys.exit(main())
