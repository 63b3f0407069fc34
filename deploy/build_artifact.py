"""Build the Lambda artefact: the backend packages and their Linux wheels, as one tarball.

The tree holds manylinux wheels for CPython on x86-64 (installed with `pip --platform`, so
it builds on any machine), pinned to the versions installed in this virtual environment
(the ones the tests ran against), plus the backend's own packages. The Heroku apps, tests,
dev dependencies, node_modules, .venv and var/ never enter it. The tarball is what the
container image extracts into /var/task (deploy/Dockerfile) and what
tests/deploy/test_artifact.py unpacks and runs in a clean interpreter.

    .venv/bin/python -m deploy.build_artifact [--out build/lambda]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.metadata
import json
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVERLESS_YML = ROOT / "serverless.yml"
# The backend's own packages (the Heroku apps are deployed on their own).
PACKAGES = (
    "service",
    "pipeline",
    "content",
    "search",
    "handlers",
    "storage",
    "ingest",
    "messaging",
    "kernel",
)
# Runtime dependencies only the Heroku apps use.
EXCLUDED = frozenset({"gunicorn", "flask-wtf"})
# The Lambda runtime interface client: the image's entry point (python -m awslambdaric).
EXTRA = ("awslambdaric==4.2.2",)
# Wheels for glibc up to 2.28 (pyvips-binary needs 2.28, numpy 2.27); the image has 2.36.
PLATFORMS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux2014_x86_64")
IMAGE_GLIBC = (2, 36)
# Published as source only; pure Python (pyvips-binary carries libvips and the cffi module).
PURE_SDISTS = ("pyvips",)
# What never belongs in the artefact.
PRUNED_DIRS = frozenset({"__pycache__", "tests", "testing"})
KEEP_TEST_DIRS = frozenset({"numpy/testing"})
# Distributions nothing the functions run imports: opensearch-py 3 requires its gRPC
# transport (opensearch-protobufs, with grpcio and protobuf); the client here speaks HTTP.
UNUSED_DISTRIBUTIONS = ("grpcio", "protobuf", "opensearch-protobufs")
# The botocore service models the functions' clients load (dynamodb, s3, sqs; lambda for the
# admin API's background tasks; secretsmanager for the token secret; sts for web-identity
# credentials). The top-level files (endpoints.json, partitions.json, _retry.json,
# sdk-default-configuration.json) all stay.
BOTOCORE_SERVICES = frozenset({"dynamodb", "s3", "sqs", "lambda", "secretsmanager", "sts"})
# Files no function reads: type stubs, C headers, static libraries, Cython declarations,
# pkg-config files and the SDK's documentation examples.
UNUSED_FILES = ("*.pyi", "*.h", "*.a", "*.pxd", "*.pyx", "*.pc", "examples-1.json")
# numpy's Fortran wrapper generator, its C API headers and its PyInstaller hook (build tools).
UNUSED_DIRS = ("numpy/f2py", "numpy/_core/include", "numpy/_pyinstaller")
ZIP_LIMIT_UNZIPPED = 250 * 1024 * 1024
ARTEFACT = "copper-lambda.tar.gz"
GLIBC_SYMBOL = re.compile(rb"GLIBC_(\d+)\.(\d+)")


def python_version(serverless_yml: Path = SERVERLESS_YML) -> str:
    """Return the Python version serverless.yml declares (`custom.pythonVersion`)."""
    match = re.search(r"^\s+pythonVersion:\s*['\"]?([0-9.]+)", serverless_yml.read_text(), re.M)
    if not match:
        raise SystemExit("serverless.yml declares no custom.pythonVersion")
    return match.group(1)


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Return the project's runtime requirements the Lambda functions need."""
    project = tomllib.loads(pyproject.read_text())["project"]
    names = [re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"]]
    kept = [
        spec
        for spec, name in zip(project["dependencies"], names, strict=True)
        if name.lower() not in EXCLUDED
    ]
    return [*kept, *EXTRA]


def constraints() -> list[str]:
    """Return `name==version` for every distribution in this environment (the tested set)."""
    pins = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() not in {"copper-print-gallery", "pip", "setuptools"}:
            pins[name.lower()] = f"{name}=={dist.version}"
    return sorted(pins.values())


def pure_wheels(pins: list[str], wheels: Path) -> None:
    """Build the source-only requirements into wheels, refusing any that is not pure Python."""
    wanted = [pin for pin in pins if pin.split("==")[0].lower() in PURE_SDISTS]
    if not wanted:
        return
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), *wanted],
        check=True,
    )
    for wheel in wheels.glob("*.whl"):
        if not wheel.name.endswith("-py3-none-any.whl"):
            raise SystemExit(f"{wheel.name} is not a pure-Python wheel")


def install(target: Path, version: str, work: Path) -> None:
    """Install the runtime requirements as Linux wheels into `target`."""
    requirements = work / "requirements.txt"
    pinned = work / "constraints.txt"
    wheels = work / "wheels"
    pins = constraints()
    requirements.write_text("\n".join(runtime_requirements()) + "\n")
    pinned.write_text("\n".join(pins) + "\n")
    pure_wheels(pins, wheels)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            version,
            *platforms,
            "--find-links",
            str(wheels),
            "--target",
            str(target),
            "-r",
            str(requirements),
            "-c",
            str(pinned),
        ],
        check=True,
    )


def copy_sources(target: Path) -> None:
    """Copy the backend's own packages (sources only) into `target`."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )


def prune(target: Path) -> dict[str, int]:
    """Remove what the functions never load; return the bytes removed, by reason."""
    removed = {
        "test suites and caches": _remove_test_dirs(target),
        "scripts (bin/)": _remove(target / "bin"),
        "unused distributions (gRPC, protobuf)": sum(
            _remove_distribution(target, name) for name in UNUSED_DISTRIBUTIONS
        ),
        "botocore models of unused services": _prune_botocore(target),
        "stubs, headers, static libraries, examples": sum(
            _remove(path) for pattern in UNUSED_FILES for path in list(target.rglob(pattern))
        ),
        "numpy build tools (f2py, C headers)": sum(_remove(target / d) for d in UNUSED_DIRS),
    }
    removed["stub-only packages left empty"] = _remove_empty_packages(target)
    return removed


def _remove(path: Path) -> int:
    """Remove a file or a directory tree; return its bytes (0 if absent)."""
    if path.is_dir() and not path.is_symlink():
        size = tree_size(path)
        shutil.rmtree(path)
        return size
    if path.exists() or path.is_symlink():
        size = path.lstat().st_size
        path.unlink()
        return size
    return 0


def _remove_test_dirs(target: Path) -> int:
    """Remove test suites and byte-code caches."""
    removed = 0
    for path in sorted(target.rglob("*"), reverse=True):
        relative = path.relative_to(target).as_posix()
        if path.is_dir() and path.name in PRUNED_DIRS and relative not in KEEP_TEST_DIRS:
            removed += _remove(path)
    return removed


def _remove_distribution(target: Path, name: str) -> int:
    """Remove every file an installed distribution's RECORD lists, and its metadata."""
    normalised = re.sub(r"[-_.]+", "_", name).lower()
    removed = 0
    for info in target.glob("*.dist-info"):
        if info.name.lower().split("-")[0] != normalised:
            continue
        for line in (info / "RECORD").read_text().splitlines():
            relative = line.rsplit(",", 2)[0]
            if relative and not relative.startswith(".."):
                removed += _remove(target / relative)
        removed += _remove(info)
    for folder in sorted(target.rglob("*"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def _prune_botocore(target: Path) -> int:
    """Remove the botocore service models no function's client loads."""
    data = target / "botocore" / "data"
    if not data.is_dir():
        return 0
    return sum(
        _remove(service)
        for service in data.iterdir()
        if service.is_dir() and service.name not in BOTOCORE_SERVICES
    )


def _remove_empty_packages(target: Path) -> int:
    """Remove folders left holding nothing but `py.typed` markers."""
    removed = 0
    for folder in sorted(target.rglob("*"), reverse=True):
        if folder.is_dir() and all(f.name == "py.typed" for f in folder.iterdir()):
            removed += _remove(folder)
    return removed


def strip_libraries(target: Path) -> int:
    """Strip symbols the loader does not need from shared libraries; return bytes saved.

    auditwheel's patchelf rewrites the libraries' layout, and `strip` can leave such a
    library unloadable ("ELF load command address/offset not page-aligned"). So each stripped
    copy must load (`dlopen`, in a process of its own) on this machine before it replaces the
    original; one that warns, fails to load, or cannot be checked here stays as it was.
    """
    strip = shutil.which("strip")
    if strip is None or sys.platform != "linux" or platform.machine() != "x86_64":
        return 0
    saved = 0
    for library in sorted(target.rglob("*.so*")):
        if not library.is_file() or library.is_symlink():
            continue
        stripped = library.with_name(library.name + ".stripped")
        result = subprocess.run(
            [strip, "--strip-unneeded", "-o", str(stripped), str(library)],
            capture_output=True,
            text=True,
        )
        if result.returncode == 0 and not result.stderr.strip() and loads(stripped):
            saved += library.stat().st_size - stripped.stat().st_size
            stripped.chmod(library.stat().st_mode)
            stripped.replace(library)
        else:
            stripped.unlink(missing_ok=True)
    return saved


def loads(library: Path) -> bool:
    """Return whether the dynamic loader accepts `library` (in a separate process)."""
    probe = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
    result = subprocess.run(
        [sys.executable, "-c", probe, str(library)], capture_output=True, timeout=60
    )
    return result.returncode == 0


def glibc_needed(target: Path) -> tuple[int, int]:
    """Return the newest glibc symbol version any shared library in `target` needs."""
    newest = (0, 0)
    for library in target.rglob("*.so*"):
        if library.is_file():
            for major, minor in GLIBC_SYMBOL.findall(library.read_bytes()):
                newest = max(newest, (int(major), int(minor)))
    return newest


def tree_size(target: Path) -> int:
    """Return the bytes of every file under `target`."""
    return sum(path.stat().st_size for path in target.rglob("*") if path.is_file())


def archive(target: Path, artefact: Path) -> None:
    """Write `target` as a reproducible tarball (sorted, fixed owner and times)."""

    def normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    with tarfile.open(artefact, "w:gz", compresslevel=6) as tar:
        for path in sorted(target.rglob("*")):
            tar.add(
                path,
                arcname=path.relative_to(target).as_posix(),
                recursive=False,
                filter=normalised,
            )


def build(out: Path) -> dict[str, object]:
    """Build the tree and the tarball under `out`; return the manifest (also written)."""
    started = time.perf_counter()
    version = python_version()
    if version != f"{sys.version_info.major}.{sys.version_info.minor}":
        print(f"note: building for Python {version} from Python {sys.version.split()[0]}")
    target = out / "package"
    shutil.rmtree(out, ignore_errors=True)
    (out / "work").mkdir(parents=True)
    install(target, version, out / "work")
    installed = tree_size(target)
    copy_sources(target)
    removed = prune(target)
    removed["symbols of shared libraries (strip)"] = strip_libraries(target)
    compileall.compile_dir(
        target,
        quiet=1,
        workers=0,
        invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    needed = glibc_needed(target)
    if needed > IMAGE_GLIBC:
        raise SystemExit(f"a library needs glibc {needed}, the image has {IMAGE_GLIBC}")
    artefact = out / ARTEFACT
    archive(target, artefact)
    shutil.rmtree(out / "work")
    manifest: dict[str, object] = {
        "python": version,
        "platforms": list(PLATFORMS),
        "glibc_needed": ".".join(map(str, needed)),
        "unzipped_bytes": tree_size(target),
        "artefact": artefact.name,
        "artefact_bytes": artefact.stat().st_size,
        "fits_zip_limit": tree_size(target) <= ZIP_LIMIT_UNZIPPED,
        "installed_bytes": installed,
        "removed_bytes": removed,
        "packages": list(PACKAGES),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main() -> None:
    """Build the artefact and print its manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lambda")
    manifest = build(parser.parse_args().out)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
