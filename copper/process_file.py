"""Run the pipeline on one file and publish its renditions into a directory atomically."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline import PipelineError, PipelineSettings, RejectedInput
from pipeline.model import ProcessResult, TilePyramid
from pipeline.process import process
from pipeline.settings import Watermark

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_REJECTED = 3
STAGING_PREFIX = ".copper-staging-"
TILES = "tiles"

log = logging.getLogger("copper.process")


@dataclass(frozen=True)
class ProcessOptions:
    """The per-artwork settings the command line can set."""

    watermark_text: str | None = None
    watermark_logo: Path | None = None
    watermark_position: str = Watermark.position
    watermark_opacity: float = Watermark.opacity
    watermark_scale: float = Watermark.scale
    watermark_min_edge: int = Watermark.min_edge
    focal_point: tuple[float, float] | None = None
    copyright_line: str | None = None
    credit: str | None = None
    deep_zoom: bool = False  # write the tile pyramid of a large work too (off: renditions only)
    timeout: float = 300.0

    def settings(self, base: PipelineSettings) -> PipelineSettings:
        """Return pipeline settings with these options applied."""
        watermark = Watermark(
            text=self.watermark_text,
            logo=self.watermark_logo.read_bytes() if self.watermark_logo else None,
            position=self.watermark_position,  # type: ignore[arg-type]
            opacity=self.watermark_opacity,
            scale=self.watermark_scale,
            min_edge=self.watermark_min_edge,
        )
        return replace(
            base,
            watermark=watermark,
            focal_point=self.focal_point,
            copyright=self.copyright_line,
            credit=self.credit,
            deep_zoom=replace(base.deep_zoom, enabled=base.deep_zoom.enabled and self.deep_zoom),
        )


@dataclass(frozen=True)
class Outcome:
    """What the command prints and how it exits."""

    document: dict[str, Any]
    exit_code: int


def error_document(code: str, message: str) -> dict[str, Any]:
    """Return the error JSON shape."""
    return {"error": {"code": code, "message": message}}


def run_process(
    file: Path, out_dir: Path, options: ProcessOptions, base_settings: PipelineSettings
) -> Outcome:
    """Process `file`, move its renditions into `out_dir` only if everything succeeded."""
    created_out_dir = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as error:
        message = f"Cannot write to the output directory: {error.strerror}."
        return Outcome(error_document("output_unwritable", message), EXIT_INTERNAL)
    watchdog = start_watchdog(options.timeout, staging, out_dir if created_out_dir else None)
    try:
        result = process(file, options.settings(base_settings))
        if result.pyramid is not None:
            stage_pyramid(result.pyramid, staging)  # written before anything is moved
        renditions = publish(result, staging, out_dir)
        document = manifest(file, result, renditions)
        if result.pyramid is not None:
            document["deep_zoom"] = publish_pyramid(result.pyramid, staging, out_dir)
        return Outcome(document, EXIT_OK)
    except RejectedInput as error:
        return Outcome(error.to_dict(), EXIT_REJECTED)
    except PipelineError as error:
        return Outcome(error.to_dict(), EXIT_INTERNAL)
    except Exception as error:  # the command's last line of defence: report, never hang
        log.exception("internal error while processing %s", file)
        print(f"copper process: internal error: {type(error).__name__}", file=sys.stderr)
        return Outcome(
            error_document("internal", "Internal error while processing."), EXIT_INTERNAL
        )
    finally:
        watchdog.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        if created_out_dir and not any(out_dir.iterdir()):
            out_dir.rmdir()


def publish(result: ProcessResult, staging: Path, out_dir: Path) -> list[dict[str, Any]]:
    """Write every rendition into staging, then move them all into `out_dir`."""
    entries = []
    for rendition in result.renditions:
        (staging / rendition.filename).write_bytes(rendition.data)
    for rendition in result.renditions:
        target = out_dir / rendition.filename
        os.replace(staging / rendition.filename, target)
        entries.append(rendition.describe() | {"path": str(target)})
    return entries


def stage_pyramid(pyramid: TilePyramid, staging: Path) -> None:
    """Write the pyramid's tiles and descriptor into `staging/tiles`."""
    folder = staging / TILES
    for path, data in pyramid.tiles:
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    (folder / pyramid.DESCRIPTOR).write_bytes(pyramid.descriptor)


def publish_pyramid(pyramid: TilePyramid, staging: Path, out_dir: Path) -> dict[str, Any]:
    """Move the staged pyramid to `out_dir/tiles`; return its manifest entry."""
    folder = staging / TILES
    target = out_dir / TILES
    shutil.rmtree(target, ignore_errors=True)
    os.replace(folder, target)
    return pyramid.describe() | {"path": str(target / pyramid.DESCRIPTOR)}


def manifest(file: Path, result: ProcessResult, renditions: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the manifest printed on success."""
    return {
        "source": {"path": str(file), "bytes": file.stat().st_size},
        "pipeline_version": result.pipeline_version,
        "renditions": renditions,
        "facts": result.facts.to_dict(),
    }


def start_watchdog(seconds: float, staging: Path, created_dir: Path | None) -> threading.Timer:
    """Start a timer that reports a timeout, removes partial output and exits 1."""

    def expire() -> None:
        shutil.rmtree(staging, ignore_errors=True)
        if created_dir is not None:
            shutil.rmtree(created_dir, ignore_errors=True)
        document = error_document("timeout", f"Processing took longer than {seconds:g} s.")
        sys.stdout.write(f"{json.dumps(document)}\n")
        sys.stdout.flush()
        os._exit(EXIT_INTERNAL)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer
