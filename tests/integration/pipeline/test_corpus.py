"""The regression corpus: public test-suite files, each with the outcome the pipeline must give.

The files and their expectations are in tests/fixtures/corpus/MANIFEST.toml. Each file goes
through `run_process`, the function behind `copper process`, in this process.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips

from copper.process_file import EXIT_OK, EXIT_REJECTED, ProcessOptions, run_process
from pipeline import PipelineSettings

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
MANIFEST = CORPUS / "MANIFEST.toml"
NOT_SAMPLES = {"MANIFEST.toml", "README.md"}
PHASH_TOLERANCE = 10  # bits of 64; unrelated pictures differ in about 32
FLAT_SPREAD = 2.0  # a band whose standard deviation is below this (of 255) is one colour
PRIVATE_FIELDS = {"exif-data", "xmp-data", "iptc-data", "icc-profile-data", "orientation"}
ORIGIN_KEYS = ("name", "repository", "path", "commit", "licence", "covers")
READY_KEYS = ("width", "height", "orientation", "has_alpha", "frames")
REJECTED_KEYS = ("code", "message_has")


def load_manifest() -> dict[str, Any]:
    """Return the parsed manifest."""
    with MANIFEST.open("rb") as file:
        return tomllib.load(file)


ENTRIES: list[dict[str, Any]] = load_manifest()["file"]


def cases() -> Iterator[Any]:
    """Yield one test case per file; a known defect is a strict expected failure."""
    for entry in ENTRIES:
        defect = entry.get("known_defect")
        marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
        yield pytest.param(entry, id=entry["name"], marks=marks)


def hamming(a: str, b: str) -> int:
    """Return how many bits two hex hashes differ in."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def spread(image: pyvips.Image) -> float:
    """Return the largest per-band standard deviation of a decoded image, in 8-bit levels."""
    per_band = image.stats().numpy()[1:, 5]  # rows after the first are bands; column 5: deviation
    return float(per_band.max())


def check_rendition(entry: dict[str, Any], rendition: dict[str, Any]) -> None:
    """Check one written rendition: it decodes whole, at its size, with no private metadata."""
    label = f"{entry['name']} → {rendition['name']}.{rendition['format']}"
    path = Path(rendition["path"])
    data = path.read_bytes()
    image = pyvips.Image.new_from_buffer(data, "", fail_on="error")
    assert (image.width, image.height) == (rendition["width"], rendition["height"]), label
    fields = set(image.get_fields())
    assert not fields & PRIVATE_FIELDS, label
    assert not any(name.startswith("exif-") for name in fields), label
    assert b"Exif\x00\x00" not in data, label
    if rendition["name"] == "thumb":
        image.avg()  # decode it whole; a crop may rightly be one colour
        return
    flat = spread(image) < FLAT_SPREAD
    assert flat == entry.get("flat", False), f"{label}: one colour is {flat}, expected the opposite"


def check_ready(entry: dict[str, Any], document: dict[str, Any]) -> None:
    """Check the facts and every rendition of a processed file against its entry."""
    facts = document["facts"]
    for key in READY_KEYS:
        assert facts[key] == entry[key], f"{entry['name']}: {key}"
    if "phash" in entry:
        distance = hamming(facts["phash"], entry["phash"])
        assert distance <= PHASH_TOLERANCE, f"{entry['name']}: picture differs by {distance} bits"
    renditions = document["renditions"]
    assert renditions
    largest = max(renditions, key=lambda r: r["width"] * r["height"] * (r["name"] != "thumb"))
    assert largest["width"] <= entry["width"] and largest["height"] <= entry["height"]
    expected_height = largest["width"] * entry["height"] / entry["width"]
    assert abs(largest["height"] - expected_height) <= 1, f"{entry['name']}: aspect ratio"
    for rendition in renditions:
        check_rendition(entry, rendition)


@pytest.mark.parametrize("entry", list(cases()))
def test_each_corpus_file_gets_its_expected_outcome(entry: dict[str, Any], tmp_path: Path) -> None:
    outcome = run_process(
        CORPUS / entry["name"], tmp_path / "out", ProcessOptions(), PipelineSettings()
    )
    document = outcome.document
    if entry["expect"] == "ready":
        assert outcome.exit_code == EXIT_OK, document
        check_ready(entry, document)
    else:
        assert outcome.exit_code == EXIT_REJECTED, document
        assert document["error"]["code"] == entry["code"], document
        assert entry["message_has"] in document["error"]["message"], document


def test_every_file_in_the_corpus_is_in_the_manifest_and_every_entry_has_its_file() -> None:
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) == len(set(names)), "a name is listed twice"
    on_disk = {path.name for path in CORPUS.iterdir()} - NOT_SAMPLES
    assert on_disk == set(names)


def test_every_entry_names_its_origin_commit_licence_and_a_complete_expectation() -> None:
    sources = load_manifest()["sources"]
    for entry in ENTRIES:
        name = entry["name"]
        for key in ORIGIN_KEYS:
            assert isinstance(entry.get(key), str) and entry[key].strip(), f"{name}: {key}"
        assert entry["repository"] in sources, f"{name}: repository has no [sources] entry"
        assert entry["licence"] == sources[entry["repository"]]["licence"], name
        assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"]), f"{name}: commit"
        assert entry["expect"] in {"ready", "rejected"}, name
        if entry["expect"] == "ready":
            assert all(key in entry for key in READY_KEYS), name
            assert not ("phash" in entry and entry.get("flat")), f"{name}: flat with a phash"
        else:
            assert all(entry.get(key) for key in REJECTED_KEYS), name
