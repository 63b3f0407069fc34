"""Benchmark the pipeline against bare pyvips (the floor) and Pillow in one run: `make bench`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pyvips

import pipeline
from bench import floor, inputs
from pipeline.process import process as run_pipeline
from pipeline.settings import PipelineSettings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path("var/bench")
DEFAULT_INPUTS = Path("var/bench/inputs")
FORMATS = ("avif", "webp", "jpeg")
RATIO_TARGET = 1.15
SPEEDUP_TARGET = 2.0
RSS_TARGETS_MB = {"jpeg-24mp": 250.0, "tiff-100mp": 700.0}
LARGE_MP = 50.0  # inputs at least this large are timed at most LARGE_REPEAT times
LARGE_REPEAT = 3
MB = 1_000_000
NOISY = 0.05  # other processes' share of the CPUs above which timings are flagged as noisy

Row = Sequence[str]


def process(path: Path, settings: PipelineSettings) -> pipeline.ProcessResult:
    """Run the real pipeline on one file."""
    return run_pipeline(path, settings)


def renditions_only(settings: PipelineSettings) -> PipelineSettings:
    """Return the settings without the deep-zoom pyramid.

    The floor makes the rendition set and nothing else, so the ratio compares that set; the
    pyramid is an extra output, timed on its own (`deep_zoom_s`).
    """
    return dataclasses.replace(
        settings, deep_zoom=dataclasses.replace(settings.deep_zoom, enabled=False)
    )


def web_settings(settings: PipelineSettings) -> PipelineSettings:
    """Return the settings restricted to the formats Pillow also produces."""
    return dataclasses.replace(settings, formats=("webp", "jpeg"))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Return the wall-clock seconds one call takes, and what it returned."""
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def rss_mb() -> float:
    """Return this process's peak resident set size so far, in MB (10^6 bytes)."""
    # VmHWM, not ru_maxrss: on Linux, exec() folds the parent's high-water mark into the
    # child's ru_maxrss (it would report the benchmark's own peak); VmHWM starts afresh.
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB


def machine_cpu_seconds() -> float | None:
    """Return the CPU-seconds every process has used since boot (Linux /proc/stat), if known."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, stat.read_text().split(maxsplit=9)[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """Return the CPU-seconds used by this process and its finished children."""
    who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime for w in who)


def other_cpu_share(machine: float | None, own: float, wall: float) -> float | None:
    """Return the share of all CPUs' time that other processes (or the hypervisor) took."""
    now = machine_cpu_seconds()
    if machine is None or now is None:
        return None
    others = (now - machine) - (own_cpu_seconds() - own)
    return max(0.0, others / (wall * (os.cpu_count() or 1)))


def rendition_set(items: Iterable[tuple[str, str, int, int]]) -> list[tuple[str, str, int, int]]:
    """Return a sorted (name, format, width, height) list for comparing rendition sets."""
    return sorted(items)


def warm_up(warm: Path, settings: PipelineSettings) -> None:
    """Run every engine once, untimed, so start-up costs stay out of the timings."""
    from bench import pillow_baseline  # Pillow stays out of the RSS child's imports

    process(warm, settings)
    floor.run(warm, settings)
    pillow_baseline.run(warm, web_settings(settings))


def time_input(path: Path, settings: PipelineSettings, repeat: int) -> dict[str, Any]:
    """Time pipeline, floor, web-only pipeline and Pillow, interleaved, `repeat` times each."""
    from bench import pillow_baseline

    path.read_bytes()  # the file comes from the page cache in every timed run
    web = web_settings(settings)
    with_deep_zoom = dataclasses.replace(
        settings, deep_zoom=dataclasses.replace(settings.deep_zoom, enabled=True)
    )
    runs: dict[str, list[float]] = {
        "pipeline": [],
        "floor": [],
        "pipeline_web": [],
        "pillow": [],
        "pipeline_deep_zoom": [],
    }
    pyramid: dict[str, Any] | None = None
    encodes: list[dict[str, float]] = []
    same_set = True
    pillow_error: str | None = None
    for _ in range(repeat):
        elapsed, result = timed(lambda: process(path, settings))
        runs["pipeline"].append(elapsed)
        encodes.append(encode_seconds(result))
        elapsed, floor_out = timed(lambda: floor.run(path, settings))
        runs["floor"].append(elapsed)
        same_set &= rendition_set(r[:4] for r in floor_out) == rendition_set(
            (r.name, r.format, r.width, r.height) for r in result.renditions
        )
        runs["pipeline_web"].append(timed(lambda: process(path, web))[0])
        elapsed, zoomed = timed(lambda: process(path, with_deep_zoom))
        runs["pipeline_deep_zoom"].append(elapsed)
        if zoomed.pyramid is not None:
            pyramid = {"tiles": len(zoomed.pyramid.tiles), "bytes": zoomed.pyramid.bytes}
        if pillow_error is None:
            try:
                runs["pillow"].append(timed(lambda: pillow_baseline.run(path, web))[0])
            except Exception as error:  # Pillow may not read every input
                pillow_error = f"{type(error).__name__}: {error}"
    return summarise(runs, encodes, same_set, pillow_error) | {"deep_zoom": pyramid}


def encode_seconds(result: pipeline.ProcessResult) -> dict[str, float]:
    """Return the encode seconds of one pipeline run, summed per format."""
    totals = dict.fromkeys(FORMATS, 0.0)
    for rendition in result.renditions:
        totals[rendition.format] = totals.get(rendition.format, 0.0) + rendition.encode_seconds
    return totals


def summarise(
    runs: dict[str, list[float]],
    encodes: list[dict[str, float]],
    same_set: bool,
    pillow_error: str | None,
) -> dict[str, Any]:
    """Return the JSON record of one input's timings (medians over the runs)."""
    median = {key: statistics.median(values) if values else None for key, values in runs.items()}
    pillow_s = None if pillow_error else median["pillow"]
    return {
        "repeat": len(runs["pipeline"]),
        "pipeline_s": median["pipeline"],
        "floor_s": median["floor"],
        "ratio": median["pipeline"] / median["floor"],
        "pipeline_webp_jpeg_s": median["pipeline_web"],
        "pillow_s": pillow_s,
        "pillow_error": pillow_error,
        "speedup": pillow_s / median["pipeline_web"] if pillow_s else None,
        "deep_zoom_s": median["pipeline_deep_zoom"] - median["pipeline"]
        if median["pipeline_deep_zoom"] is not None
        else None,
        "runs": runs,
        "encode_s": {fmt: statistics.median(e[fmt] for e in encodes) for fmt in encodes[0]},
        "same_set_as_floor": same_set,
    }


def child_rss(path: Path) -> None:
    """In a fresh process: print RSS after imports and peak RSS after processing, as JSON."""
    after_imports = rss_mb()
    process(path, renditions_only(PipelineSettings()))
    print(json.dumps({"rss_imports_mb": after_imports, "rss_peak_mb": rss_mb()}))


def measure_rss(path: Path) -> dict[str, float]:
    """Run the pipeline on one file in a fresh interpreter and return its RSS figures."""
    command = [sys.executable, "-m", "bench.pipeline", "--child-rss", str(path.resolve())]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"RSS child failed: {done.stderr.strip().splitlines()[-1:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["rss_pipeline_mb"] = figures["rss_peak_mb"] - figures["rss_imports_mb"]
    return figures


def worker_init(warm: str, barrier: Any) -> None:
    """Warm a throughput worker up, then wait until every worker is ready."""
    process(Path(warm), renditions_only(PipelineSettings()))
    barrier.wait()


def worker_run(path: str) -> int:
    """Process one file in a throughput worker; return its rendition count."""
    return len(process(Path(path), renditions_only(PipelineSettings())).renditions)


def throughput(paths: list[Path], workers: int, passes: int, warm: Path) -> dict[str, float]:
    """Return images/second with `workers` spawned processes over `passes` of the input set."""
    tasks = [str(p) for p in paths for _ in range(passes)]
    tasks.sort(key=lambda p: -Path(p).stat().st_size)  # largest first balances the workers
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    with context.Pool(workers, initializer=worker_init, initargs=(str(warm), barrier)) as pool:
        barrier.wait()
        started = time.perf_counter()
        list(pool.imap_unordered(worker_run, tasks, chunksize=1))
        elapsed = time.perf_counter() - started
    return {"images": len(tasks), "seconds": elapsed, "images_per_s": len(tasks) / elapsed}


def measure_throughput(paths: list[Path], passes: int, warm: Path) -> dict[str, Any] | None:
    """Return images/second on 1 and 2 workers and the scaling between them."""
    if not paths:
        return None
    workers = {str(n): throughput(paths, n, passes, warm) for n in (1, 2)}
    scaling = workers["2"]["images_per_s"] / workers["1"]["images_per_s"]
    return {"passes": passes, "workers": workers, "scaling": scaling}


def repeats_for(spec: inputs.InputSpec, repeat: int) -> int:
    """Return how many timed runs an input gets (the 100 MP file may get fewer)."""
    return min(repeat, LARGE_REPEAT) if spec.megapixels >= LARGE_MP else repeat


def measure_input(spec: inputs.InputSpec, path: Path, repeat: int) -> dict[str, Any]:
    """Return every per-input figure: header facts, timings, encode split and RSS."""
    settings = renditions_only(PipelineSettings())
    header = pyvips.Image.new_from_file(str(path))
    record: dict[str, Any] = {
        "file": path.name,
        "width": header.width,
        "height": header.height,
        "megapixels": round(header.width * header.height / 1e6, 1),
        "bytes": path.stat().st_size,
        "profile": inputs.profile_description(path),
    }
    errors: list[str] = []
    attempt(record, errors, lambda: time_input(path, settings, repeats_for(spec, repeat)))
    attempt(record, errors, lambda: measure_rss(path))
    return record | ({"error": "; ".join(errors)} if errors else {})


def attempt(record: dict[str, Any], errors: list[str], action: Callable[[], dict]) -> None:
    """Merge what `action` measures into `record`, or note its error and carry on."""
    try:
        record.update(action())
    except Exception as error:  # one failing input must not hide the others' figures
        errors.append(f"{type(error).__name__}: {error}")


def settings_line(settings: PipelineSettings) -> str:
    """Return the encoder settings in one line."""
    enc = settings.encoders
    return (
        f"avif Q{enc.avif.quality} effort {enc.avif.effort}; "
        f"webp Q{enc.webp.quality} effort {enc.webp.effort}; "
        f"jpeg Q{enc.jpeg.quality} progressive={enc.jpeg.progressive} optimize_coding; "
        f"ladder {'/'.join(map(str, sorted(settings.ladder, reverse=True)))} "
        f"+ {settings.thumbnail_size}px square thumb (attention crop)"
    )


def environment(repeat: int, passes: int, quick: bool) -> dict[str, Any]:
    """Return the versions, CPU and settings the run used."""
    from PIL import __version__ as pillow_version

    concurrency = os.environ.get("VIPS_CONCURRENCY")
    return {
        "libvips": ".".join(str(pyvips.version(i)) for i in range(3)),
        "pyvips": pyvips.__version__,
        "pillow": pillow_version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "vips_concurrency_env": concurrency,
        "vips_threads": pyvips.concurrency_get(),
        "settings": settings_line(PipelineSettings()),
        "formats": list(PipelineSettings().formats),
        "repeat": repeat,
        "large_repeat": min(repeat, LARGE_REPEAT),
        "passes": passes,
        "quick": quick,
    }


def targets(records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return every target check as {input, metric, value, target, pass}."""
    checks = []
    for name, rec in records.items():
        if "ratio" in rec:
            checks.append(check(name, "pipeline/floor", rec["ratio"], f"<= {RATIO_TARGET}"))
        if rec.get("speedup") is not None:
            checks.append(check(name, "speed-up vs Pillow", rec["speedup"], f">= {SPEEDUP_TARGET}"))
        if name in RSS_TARGETS_MB and "rss_peak_mb" in rec:
            limit = RSS_TARGETS_MB[name]
            checks.append(check(name, "peak RSS MB", rec["rss_peak_mb"], f"<= {limit:g}"))
    return checks


def check(name: str, metric: str, value: float, target: str) -> dict[str, Any]:
    """Return one target check; `target` is '<= x' or '>= x'."""
    op, bound = target.split()
    ok = value <= float(bound) if op == "<=" else value >= float(bound)
    return {"input": name, "metric": metric, "value": value, "target": target, "pass": ok}


def table(title: str, header: Row, rows: list[Row]) -> str:
    """Return a fixed-width table: first column left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Row) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "-" * len(line(header))
    return "\n".join([title, line(header), rule, *map(line, rows)])


def num(value: float | None, digits: int = 2) -> str:
    """Format a number, or 'n/a'."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def verdict(checks: list[dict[str, Any]], name: str, metric: str) -> tuple[str, str]:
    """Return (target, PASS/MISS) for one input's metric, or dashes if not checked."""
    for item in checks:
        if item["input"] == name and item["metric"] == metric:
            return item["target"].replace("<=", "≤").replace(">=", "≥"), (
                "PASS" if item["pass"] else "MISS"
            )
    return "-", "-"


def speed_tables(records: dict[str, dict[str, Any]], checks: list[dict[str, Any]]) -> list[str]:
    """Return the floor and Pillow comparison tables."""
    floor_rows, pillow_rows = [], []
    for name, rec in records.items():
        if "pipeline_s" not in rec:
            continue
        size = f"{rec['width']}×{rec['height']}"
        same = "yes" if rec["same_set_as_floor"] else "NO"
        times = [num(rec["pipeline_s"]), num(rec["floor_s"]), num(rec["ratio"])]
        target = verdict(checks, name, "pipeline/floor")
        floor_rows.append([name, size, str(rec["repeat"]), *times, *target, same])
        pillow = num(rec["pillow_s"]) if rec["pillow_s"] else f"n/a ({rec['pillow_error']})"
        speedup = f"{rec['speedup']:.2f}×" if rec["speedup"] else "n/a"
        target = verdict(checks, name, "speed-up vs Pillow")
        pillow_rows.append([name, num(rec["pipeline_webp_jpeg_s"]), pillow, speedup, *target])
    floor_header = ["input", "size", "runs", "pipeline s", "floor s", "ratio", "target"]
    return [
        table(
            "Pipeline vs floor (bare pyvips, identical rendition set, all formats)",
            [*floor_header, "result", "same set"],
            floor_rows,
        ),
        table(
            "Pipeline vs Pillow (webp + jpeg renditions only)",
            ["input", "pipeline s", "pillow s", "speed-up", "target", "result"],
            pillow_rows,
        ),
    ]


def memory_table(records: dict[str, dict[str, Any]], checks: list[dict[str, Any]]) -> str:
    """Return the peak-RSS table."""
    keys = ("rss_imports_mb", "rss_peak_mb", "rss_pipeline_mb")
    rows = [
        [name, *(num(rec[key], 0) for key in keys), *verdict(checks, name, "peak RSS MB")]
        for name, rec in records.items()
        if "rss_peak_mb" in rec
    ]
    return table(
        "Peak RSS of one pipeline run in a fresh process (MB = 10^6 bytes)",
        ["input", "after imports", "peak", "pipeline share", "target", "result"],
        rows,
    )


def encode_table(records: dict[str, dict[str, Any]]) -> str:
    """Return the per-format encode time table."""
    rows = []
    for name, rec in records.items():
        if "pipeline_s" not in rec:
            continue
        total = sum(rec["encode_s"].values())
        share = f"{100 * total / rec['pipeline_s']:.0f}%"
        rows.append([name, *(num(rec["encode_s"][f]) for f in FORMATS), num(total), share])
    return table(
        "Encode time per format (s, summed over renditions, median over the pipeline runs)",
        ["input", *FORMATS, "all", "of pipeline"],
        rows,
    )


def deep_zoom_table(records: dict[str, dict[str, Any]]) -> str:
    """Return what the tile pyramid adds (an extra output, outside the floor comparison)."""
    rows = []
    for name, rec in records.items():
        if rec.get("deep_zoom_s") is None:
            continue
        pyramid = rec.get("deep_zoom") or {}
        tiles = str(pyramid.get("tiles", "none"))
        size = num(pyramid["bytes"] / MB) if pyramid else "-"
        rows.append([name, num(rec["pipeline_s"]), f"+{num(rec['deep_zoom_s'])}", tiles, size])
    return table(
        "Deep zoom: time and storage the tile pyramid adds (an extra output, not in the ratio)",
        ["input", "renditions s", "pyramid s", "tiles", "pyramid MB"],
        rows,
    )


def throughput_table(result: dict[str, Any] | None) -> str:
    """Return the images/second table."""
    if result is None:
        return "Throughput: not measured (no input went through the pipeline)"
    rows = [
        [n, str(r["images"]), num(r["seconds"]), num(r["images_per_s"], 3)]
        for n, r in result["workers"].items()
    ]
    title = (
        f"Throughput ({result['passes']} passes over the set, spawned worker processes, "
        f"default settings): 2-worker scaling {result['scaling']:.2f}×"
    )
    return table(title, ["workers", "images", "wall s", "images/s"], rows)


def noise_line(env: dict[str, Any]) -> str:
    """Return how busy the machine was with other work while the benchmark ran."""
    share, load = env["other_cpu_share"], env["load_average_at_start"]
    line = f"machine: load average {load:.2f} at start"
    if share is None:
        return line
    line += f"; other processes took {100 * share:.0f}% of the CPU time during the run"
    return line + (" - timings are noisy, rerun on a quiet machine" if share > NOISY else "")


def render(report: dict[str, Any]) -> str:
    """Return the whole report as text."""
    env = report["environment"]
    threads = env["vips_concurrency_env"] or f"unset, libvips uses {env['vips_threads']} threads"
    repeats = f"median of {env['repeat']} timed runs"
    if env["large_repeat"] != env["repeat"]:
        repeats += f" ({env['large_repeat']} for inputs ≥ {LARGE_MP:g} MP, to bound run time)"
    records, checks = report["inputs"], report["targets"]
    missed = sum(not c["pass"] for c in checks)
    floor_table, pillow_table = speed_tables(records, checks)
    lines = [
        f"Copper pipeline benchmark{' (--quick)' if env['quick'] else ''}",
        f"libvips {env['libvips']} (pyvips {env['pyvips']}), Pillow {env['pillow']}, "
        f"Python {env['python']}, {env['cpus']} CPUs, VIPS_CONCURRENCY {threads}",
        f"settings: {env['settings']}",
        f"timing: wall clock, {repeats}, after one untimed warm-up per process; "
        "engines interleaved; libvips operation cache off",
        noise_line(env),
        "",
        *(
            f"  {n}: {r['file']} {r['megapixels']} MP, {r['bytes'] / MB:.1f} MB, "
            f"profile {r['profile']}"
            for n, r in records.items()
        ),
        "",
        floor_table,
        "",
        pillow_table,
        "",
        memory_table(records, checks),
        "",
        encode_table(records),
        "",
        deep_zoom_table(records),
        "",
        throughput_table(report["throughput"]),
        "",
        f"targets: {len(checks) - missed} PASS, {missed} MISS; total {report['seconds']:.0f} s",
        *(f"ERROR {name}: {rec['error']}" for name, rec in records.items() if "error" in rec),
    ]
    return "\n".join(lines)


def positive(text: str) -> int:
    """Parse a positive whole number."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="inputs at ~1/25 of the pixels")
    parser.add_argument("--repeat", type=positive, default=5, help="timed runs per engine (median)")
    parser.add_argument("--passes", type=positive, default=2, help="passes over the set (images/s)")
    parser.add_argument("--only", metavar="NAME", help="run one input, e.g. jpeg-24mp")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where report.json goes")
    parser.add_argument("--inputs", type=Path, help="input directory (generated if missing)")
    parser.add_argument("--child-rss", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Generate or reuse the inputs, measure everything and return the report."""
    started, machine, own = time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds()
    load = os.getloadavg()[0]
    directory = args.inputs or (DEFAULT_INPUTS / "quick" if args.quick else DEFAULT_INPUTS)
    paths = inputs.ensure_all(directory, args.quick, args.only)
    warm = inputs.warmup(directory)
    pyvips.cache_set_max(0)  # as the pipeline does: nothing is reused between runs
    warm_up(warm, renditions_only(PipelineSettings()))
    chosen = {s.name: s for s in inputs.specs(args.quick)}
    records = {}
    for name, path in paths.items():
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        records[name] = measure_input(chosen[name], path, args.repeat)
    print("measuring throughput ...", file=sys.stderr, flush=True)
    working = [path for name, path in paths.items() if "error" not in records[name]]
    rates = measure_throughput(working, args.passes, warm)
    wall = time.perf_counter() - started
    env = environment(args.repeat, args.passes, args.quick)
    env |= {"load_average_at_start": load, "other_cpu_share": other_cpu_share(machine, own, wall)}
    return {
        "environment": env,
        "inputs": records,
        "targets": targets(records),
        "throughput": rates,
        "seconds": wall,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report and write report.json; 1 if any input failed."""
    args = parse(argv)
    if args.child_rss:
        child_rss(args.child_rss)
        return 0
    report = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten: {args.out / 'report.json'}")
    return 1 if any("error" in rec for rec in report["inputs"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
