"""`copper process FILE --out DIR`: the pipeline on one file, no service, no data directory."""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from pathlib import Path
from typing import Any

import click

from copper.cli.context import pipeline_settings
from copper.process_file import ProcessOptions, run_process
from pipeline.settings import POSITIONS, Watermark


def parse_focal_point(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[float, float] | None:
    """Parse 'X,Y' fractions in 0-1 into a focal point."""
    if value is None:
        return None
    try:
        x, y = (float(part) for part in value.split(","))
    except ValueError as error:
        raise click.BadParameter("expected X,Y such as 0.5,0.3") from error
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise click.BadParameter("X and Y are fractions of the image, from 0 to 1")
    return x, y


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--watermark-text", help="Text of the watermark, e.g. '© Jane Doe'.")
@click.option(
    "--watermark-logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Logo image for the watermark (PNG with alpha is best).",
)
@click.option("--watermark-position", type=click.Choice(POSITIONS), default=Watermark.position)
@click.option("--watermark-opacity", type=click.FloatRange(0, 1), default=Watermark.opacity)
@click.option("--watermark-scale", type=click.FloatRange(0.01, 1), default=Watermark.scale)
@click.option("--watermark-min-edge", type=click.IntRange(1), default=Watermark.min_edge)
@click.option("--focal-point", callback=parse_focal_point, help="X,Y fractions, e.g. 0.5,0.3.")
@click.option("--copyright", "copyright_line", help="Copyright line written into renditions.")
@click.option("--credit", help="Artist credit (creator) written into renditions.")
@click.option(
    "--deep-zoom",
    is_flag=True,
    help="Also write the Deep Zoom tile pyramid of a large work into DIR/tiles.",
)
@click.option("--timeout", type=click.FloatRange(1), default=300.0, show_default=True)
def process(file: Path, out_dir: Path, **options: Any) -> None:
    """Process FILE into web renditions in --out DIR and print the manifest as JSON."""
    gc.freeze()  # what the imports built lives until exit: collections need not scan it
    field_names = {field.name for field in dataclasses.fields(ProcessOptions)}
    chosen = {name: value for name, value in options.items() if name in field_names}
    outcome = run_process(file, out_dir, ProcessOptions(**chosen), pipeline_settings())
    click.echo(json.dumps(outcome.document, ensure_ascii=False))
    sys.exit(outcome.exit_code)
