"""Benchmark search and the public listing on the embedded backend: `python -m bench.search`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import requests
from ulid import ULID
from werkzeug.serving import make_server

from bench.pipeline import (
    check,
    machine_cpu_seconds,
    noise_line,
    num,
    other_cpu_share,
    own_cpu_seconds,
    positive,
    rss_mb,
    table,
    verdict,
)
from content.model import Artist, Artwork, Status, Visibility
from pipeline.geometry import orientation_class
from pipeline.palette import colour_family, srgb_to_lab
from search.colour import colour_from_hex
from search.document import SearchDocument, document_for
from search.query import ColourQuery, SearchQuery
from search.sqlite import SqliteSearchIndex
from service.bootstrap import Services, build_services
from service.http.app import create_app
from service.settings import ServiceSettings

DEFAULT_OUT = Path("var/bench")
DEFAULT_COUNT = 100_000
QUICK_COUNT = 2_000
ARTISTS = 500
QUERIES, QUICK_QUERIES = 200, 30
WARM_UP, QUICK_WARM_UP = 20, 5
CATEGORY_BUDGET_S = 90.0  # a query category stops early once its timed runs take this long
WARM_UP_BUDGET_S = 10.0  # and its warm-up once it takes this long
PAGE = 24
WALK_PAGE = 100  # page size of the untimed walk that collects deep cursors
BUILD_TARGET = 2_000.0  # documents/s
SEARCH_P99_MS = 50.0
LISTING_P99_MS = 30.0
VISIBLE_SHARE = 0.9
SEED = 20_240_601
MB = 1_000_000

WORDS = (
    *("amber", "anchor", "arbour", "autumn", "avenue", "balcony", "harbour", "beacon", "birch"),
    *("blossom", "boulder", "bridge", "brook", "canyon", "cathedral", "cedar", "chapel"),
    *("charcoal", "cherry", "cliff", "cloud", "coast", "copper", "cottage", "crimson"),
    *("crystal", "dawn", "delta", "desert", "dream", "dune", "dusk", "echo", "ember"),
    *("estuary", "evening", "fable", "falcon", "feather", "fern", "field", "fjord", "flame"),
    *("forest", "fountain", "garden", "glacier", "glade", "granite", "grove", "gull", "hazel"),
    *("heath", "heron", "hollow", "horizon", "island", "ivory", "jasmine", "juniper", "kestrel"),
    *("lagoon", "lantern", "lavender", "ledge", "lighthouse", "lily", "marsh", "meadow"),
    *("memory", "mirror", "mist", "moor", "morning", "moss", "mountain", "night", "oak"),
    *("ocean", "orchard", "pebble", "pine", "poppy", "portrait", "prairie", "quarry", "rain"),
    *("raven", "reed", "reflection", "ridge", "river", "rose", "saffron", "sail", "shadow"),
    *("shore", "silence", "silver", "sparrow", "spring", "spruce", "still", "stone", "storm"),
    *("summer", "sunset", "swallow", "tide", "timber", "twilight", "valley", "velvet"),
    *("village", "violet", "voyage", "walnut", "wave", "willow", "window", "winter", "wren"),
)
DESCRIPTION_WORDS = (
    *("study", "light", "afternoon", "quiet", "colour", "texture", "layered", "etched"),
    *("printed", "plate", "edition", "paper", "handmade", "observed", "drawn", "from"),
    *("life", "late", "early", "soft", "bold", "line", "tone", "depth", "season", "coastal"),
)
TAGS = (
    *("landscape", "seascape", "botanical", "abstract", "figurative", "urban", "architecture"),
    *("wildlife", "birds", "trees", "flowers", "still-life", "portrait", "night", "winter"),
    *("summer", "mountains", "rivers", "coast", "clouds", "geometric", "minimal", "monochrome"),
    *("colourful", "texture", "pattern", "maps", "boats", "gardens", "interiors", "animals"),
    *("horses", "cats", "dogs", "insects", "fish", "moon", "sun", "rain", "snow", "fog"),
    *("industrial", "rural", "village", "harbour", "bridges", "churches", "ruins", "myth"),
    *("folklore", "music", "dance", "sport", "food", "kitchen", "books", "travel", "japan"),
)
MEDIUMS = (
    *("etching", "drypoint", "aquatint", "mezzotint", "engraving", "linocut", "woodcut"),
    *("screenprint", "lithograph", "monotype", "collagraph", "photogravure"),
)
FIRST_NAMES = (
    *("Ada", "Ben", "Clara", "Dmitri", "Elif", "Farah", "Gus", "Hana", "Ivo", "Jun", "Kai"),
    *("Lena", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tove", "Uma"),
)
LAST_NAMES = (
    *("Adler", "Brandt", "Castillo", "Dubois", "Eriksen", "Fischer", "Grant", "Hughes"),
    *("Ishida", "Jensen", "Kovacs", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov"),
)
BLURHASH = "LEHV6nWB2yk8pyo0adR*.7kCMdnj"
PUBLISHED_FROM = datetime(2021, 1, 1, tzinfo=UTC).timestamp()
PUBLISHED_SPAN_S = 4 * 365 * 86_400


@dataclass(frozen=True)
class Corpus:
    """The generated artists, artworks and their search documents."""

    artists: list[Artist]
    artworks: list[Artwork]
    documents: list[SearchDocument]

    @property
    def visible(self) -> int:
        """Return how many works visitors may see."""
        return sum(document.visible for document in self.documents)


# generation


def iso(timestamp: float) -> str:
    """Return a UTC timestamp as ISO-8601 with milliseconds, as `content.model.now` writes it."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_artists(count: int, rng: random.Random) -> list[Artist]:
    """Return `count` artists with unique slugs, display names and e-mail addresses."""
    artists, taken = [], set()
    for i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}-{last}-{i}".lower()
        name = f"{first} {last}"
        name = name if name not in taken else f"{name} {i}"  # display names are unique
        taken.add(name)
        artists.append(
            Artist(
                id=str(ULID.from_bytes(rng.randbytes(16))),
                slug=slug,
                display_name=name,
                email=f"{slug}@example.test",
                password_hash="not-a-real-hash",
                created_at=iso(PUBLISHED_FROM),
                updated_at=iso(PUBLISHED_FROM),
            )
        )
    return artists


def make_palettes(count: int, seed: int) -> list[list[dict[str, Any]]]:
    """Return `count` palettes of 3-6 random sRGB colours as facts entries (Lab, hex, weight)."""
    gen = np.random.default_rng(seed)
    sizes = gen.integers(3, 7, size=count)
    rgb = gen.integers(0, 256, size=(int(sizes.sum()), 3), dtype=np.uint8)
    lab = np.round(srgb_to_lab(rgb), 2)
    palettes, start = [], 0
    for size in sizes.tolist():
        weights = np.round(np.sort(gen.dirichlet(np.ones(size)))[::-1], 3)
        palette = []
        for j, weight in enumerate(weights.tolist()):
            colour = lab[start + j]
            r, g, b = rgb[start + j].tolist()
            palette.append(
                {
                    "lab": colour.tolist(),
                    "hex": f"#{r:02x}{g:02x}{b:02x}",
                    "family": colour_family(colour),
                    "weight": weight,
                }
            )
        palettes.append(palette)
        start += size
    return palettes


def make_artwork(
    rng: random.Random, artist: Artist, palette: list[dict[str, Any]], tag_weights: Sequence[float]
) -> Artwork:
    """Return one processed artwork, public about VISIBLE_SHARE of the time."""
    published = PUBLISHED_FROM + rng.random() * PUBLISHED_SPAN_S
    created = published - rng.random() * 86_400 * 30
    width = rng.randrange(1200, 9000)
    height = int(width * rng.choice((0.5, 0.66, 0.75, 1.0, 1.33, 1.5, 2.0, 3.2)))
    visible = rng.random() < VISIBLE_SHARE
    status = Status.READY if visible or rng.random() < 0.5 else Status.PROCESSING
    artwork_id = str(ULID.from_bytes(int(created * 1000).to_bytes(6, "big") + rng.randbytes(10)))
    thumb = {"name": "thumb", "format": "jpeg", "width": 400, "height": 400, "bytes": 31_000}
    return Artwork(
        id=artwork_id,
        artist_id=artist.id,
        title=" ".join(rng.sample(WORDS, rng.randint(2, 4))).capitalize(),
        description=" ".join(rng.choices(WORDS + DESCRIPTION_WORDS, k=rng.randint(6, 14))),
        tags=tuple(dict.fromkeys(rng.choices(TAGS, weights=tag_weights, k=rng.randint(2, 5)))),
        medium=rng.choice(MEDIUMS),
        year=rng.randint(1950, 2025),
        status=status,
        visibility=Visibility.PUBLISHED if visible else Visibility.DRAFT,
        renditions=(thumb, {**thumb, "name": "1600", "width": 1600, "height": 1200}),
        facts={
            "width": width,
            "height": height,
            "orientation": orientation_class(width, height),
            "palette": palette,
            "phash": f"{rng.getrandbits(64):016x}",
            "blurhash": BLURHASH,
        },
        pipeline_version="bench",
        created_at=iso(created),
        updated_at=iso(published),
        published_at=iso(published) if visible else None,
    )


def generate(count: int, artist_count: int, seed: int) -> Corpus:
    """Return a reproducible corpus of `count` artworks by `artist_count` artists."""
    rng = random.Random(seed)
    artists = make_artists(artist_count, rng)
    palettes = make_palettes(count, seed)
    tag_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(TAGS))]  # a few popular tags
    by_work = [rng.choice(artists) for _ in range(count)]
    artworks = [make_artwork(rng, by_work[i], palettes[i], tag_weights) for i in range(count)]
    documents = [document_for(work, artist) for work, artist in zip(artworks, by_work, strict=True)]
    return Corpus(artists, artworks, documents)


# queries


def typo(word: str, rng: random.Random) -> str:
    """Return the word with one inner letter replaced (edit distance 1)."""
    at = rng.randrange(1, len(word) - 1)
    letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[at]])
    return word[:at] + letter + word[at + 1 :]


def text_queries(corpus: Corpus, count: int, rng: random.Random) -> list[str]:
    """Return query texts: single words, two words of one title, and typo'd words, in turn."""
    texts = []
    for i in range(count):
        title = rng.choice(corpus.documents).title.lower().split()
        if i % 3 == 0:
            texts.append(rng.choice(title))
        elif i % 3 == 1:
            texts.append(" ".join(rng.sample(title, 2)))
        else:
            texts.append(typo(rng.choice([w for w in title if len(w) >= 5] or WORDS[:1]), rng))
    return texts


def facet_queries(corpus: Corpus, count: int, rng: random.Random) -> list[SearchQuery]:
    """Return tag + medium + orientation queries taken from real documents (so they match)."""
    queries = []
    for _ in range(count):
        doc = rng.choice(corpus.documents)
        tag = rng.choice(doc.tags)
        queries.append(SearchQuery(tags=(tag,), medium=doc.medium, orientation=doc.orientation))
    return queries


def colour_queries(count: int, rng: random.Random) -> list[SearchQuery]:
    """Return queries for one or two random sRGB colours."""
    queries = []
    for _ in range(count):
        colours: list[ColourQuery] = []
        for _ in range(rng.randint(1, 2)):
            colours.append(colour_from_hex(f"{rng.getrandbits(24):06x}", rng.choice((1.0, 0.5))))
        queries.append(SearchQuery(colours=tuple(colours)))
    return queries


# measurement


def latency(
    actions: Sequence[Callable[[], Any]], warm_up: int, budget_s: float = CATEGORY_BUDGET_S
) -> dict[str, Any]:
    """Run `warm_up` actions untimed, then time each of the rest; return ms percentiles.

    Stops early once the timed runs add up to `budget_s` (the warm-up at WARM_UP_BUDGET_S),
    so a slow category stays bounded.
    """
    started, warmed = time.perf_counter(), 0
    while warmed < warm_up and time.perf_counter() - started < WARM_UP_BUDGET_S:
        actions[warmed]()
        warmed += 1
    times: list[float] = []
    for action in actions[warm_up:]:
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        if sum(times) > budget_s:
            break
    ms = np.array(times) * 1000
    return {
        "queries": len(times),
        "warm_up": warmed,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": float(ms.mean()),
        "max_ms": float(ms.max()),
        "stopped_early": len(times) < len(actions) - warm_up,
    }


def search_latency(
    index: SqliteSearchIndex, queries: Sequence[SearchQuery], warm_up: int
) -> dict[str, Any]:
    """Return the latency of index searches and the mean number of matches of the timed ones."""
    totals: list[int] = []

    def action(query: SearchQuery) -> Callable[[], None]:
        return lambda: totals.append(index.search(query).total)

    record = latency([action(query) for query in queries], warm_up)
    timed = totals[len(totals) - record["queries"] :]
    return record | {"mean_matches": float(np.mean(timed)) if timed else 0.0}


def get(client: Any, url: str) -> Callable[[], Any]:
    """Return an action that GETs `url` and checks for a 200 with items."""

    def action() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:200]}")
        body = response.get_json()
        if not body["items"]:
            raise RuntimeError(f"GET {url} returned no items")
        return body

    return action


def write_content(services: Services, corpus: Corpus) -> dict[str, Any]:
    """Write every artist and artwork through the repository port; return the write rates."""
    repository = services.repository
    started = time.perf_counter()
    for artist in corpus.artists:
        repository.add_artist(artist)
    artists_s = time.perf_counter() - started
    started = time.perf_counter()
    for artwork in corpus.artworks:
        repository.add_artwork(artwork)
    artworks_s = time.perf_counter() - started
    return {
        "method": "repository.add_artist / add_artwork, one transaction per record",
        "artists": len(corpus.artists),
        "artists_s": artists_s,
        "artworks": len(corpus.artworks),
        "artworks_s": artworks_s,
        "artworks_per_s": len(corpus.artworks) / artworks_s,
    }


def build_index(index: SqliteSearchIndex, path: Path, corpus: Corpus) -> dict[str, Any]:
    """Rebuild the index from the generated documents; return the build rate and size."""
    index.count()  # opens the database and creates the first generation, untimed
    started = time.perf_counter()
    written = index.rebuild(corpus.documents)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return {
        "documents": len(corpus.documents),
        "written": written,
        "seconds": seconds,
        "documents_per_s": written / seconds,
        "db_mb": size / MB,
    }


def deep_cursors(services: Services) -> tuple[list[str], float, int]:
    """Walk the whole public listing through the port (untimed); return each page's cursor."""
    started = time.perf_counter()
    cursors, cursor, listed = [], None, 0
    while True:
        page = services.repository.list_published(cursor, WALK_PAGE)
        listed += len(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        cursors.append(cursor)
    return cursors, time.perf_counter() - started, listed


class HttpAnswer:
    """The status and body of one HTTP response (the parts `get` reads)."""

    def __init__(self, status_code: int, text: str) -> None:
        """Keep the status and body."""
        self.status_code, self.text = status_code, text

    def get_json(self) -> Any:
        """Return the body as JSON."""
        return json.loads(self.text)


class HttpClient:
    """GETs paths from the API over loopback HTTP on one keep-alive connection."""

    def __init__(self, base_url: str) -> None:
        """Talk to the server at `base_url`."""
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str) -> HttpAnswer:
        """Return the answer to GET `path`."""
        response = self.session.get(self.base_url + path, timeout=30)
        return HttpAnswer(response.status_code, response.text)


@contextmanager
def served_api(services: Services) -> Iterator[HttpClient]:
    """Serve the API (the WSGI server `copper api` runs) on a free loopback port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, create_app(services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpClient(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()


def api_latency(services: Services, corpus: Corpus, args: argparse.Namespace) -> dict[str, Any]:
    """Time the public listing (first and deep pages) and /search over HTTP through the API."""
    with served_api(services) as client:
        return timed_api(client, services, corpus, args)


def timed_api(
    client: HttpClient, services: Services, corpus: Corpus, args: argparse.Namespace
) -> dict[str, Any]:
    """Time the API's public reads through `client`."""
    rng = random.Random(args.seed + 1)
    queries, warm = args.queries + args.warm_up, args.warm_up
    first = latency([get(client, f"/artworks?limit={PAGE}")] * queries, warm)
    cursors, walk_s, listed = deep_cursors(services)
    picks = [rng.randrange(len(cursors)) for _ in range(queries)] if cursors else []
    deep_urls = [f"/artworks?{urlencode({'limit': PAGE, 'cursor': cursors[i]})}" for i in picks]
    deep = latency([get(client, url) for url in deep_urls], warm) if deep_urls else None
    if deep is not None:
        depths = [(i + 1) * WALK_PAGE for i in picks[warm:]]
        deep |= {"min_depth": min(depths), "median_depth": int(np.median(depths))}
        deep |= {"max_depth": max(depths)}
    texts = text_queries(corpus, queries, rng)
    search = latency([get(client, f"/search?{urlencode({'q': t})}") for t in texts], warm)
    return {
        "listing_first_page": first,
        "listing_deep_pages": deep,
        "search_text": search,
        "listed_public": listed,
        "walk_s": walk_s,
    }


def index_latency(index: SqliteSearchIndex, corpus: Corpus, args: argparse.Namespace) -> dict:
    """Time text, facet-filtered and colour searches straight on the index."""
    rng = random.Random(args.seed + 2)
    count = args.queries + args.warm_up
    text = [SearchQuery(text=t) for t in text_queries(corpus, count, rng)]
    return {
        "text": search_latency(index, text, args.warm_up),
        "facet": search_latency(index, facet_queries(corpus, count, rng), args.warm_up),
        "colour": search_latency(index, colour_queries(count, rng), args.warm_up),
    }


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every target check as {input, metric, value, target, pass}."""
    build, searched, api = report["index_build"], report["search"], report["api"]
    checks = [check("index build", "documents/s", build["documents_per_s"], f">= {BUILD_TARGET:g}")]
    for kind, record in searched.items():
        checks.append(check(f"search {kind}", "p99 ms", record["p99_ms"], f"<= {SEARCH_P99_MS:g}"))
    for kind in ("listing_first_page", "listing_deep_pages"):
        if api[kind] is not None:
            target = f"<= {LISTING_P99_MS:g}"
            checks.append(check(f"GET /artworks {kind[8:]}", "p99 ms", api[kind]["p99_ms"], target))
    return checks


def environment(args: argparse.Namespace, load: float) -> dict[str, Any]:
    """Return the versions, CPUs and sizes of the run."""
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
        "quick": args.quick,
        "count": args.count,
        "artists": args.artists,
        "queries": args.queries,
        "warm_up": args.warm_up,
        "seed": args.seed,
    }


def progress(text: str) -> None:
    """Tell the person waiting what the benchmark is doing (on stderr)."""
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Generate the corpus, write and index it, time every measurement; return the report."""
    started, machine, own = time.perf_counter(), machine_cpu_seconds(), own_cpu_seconds()
    load = os.getloadavg()[0]
    progress(f"generating {args.count} artworks by {args.artists} artists ...")
    generation_started = time.perf_counter()
    corpus = generate(args.count, args.artists, args.seed)
    generation_s = time.perf_counter() - generation_started
    services = build_services(ServiceSettings(data_dir=str(data_dir)))
    index = services.search
    if not isinstance(index, SqliteSearchIndex):
        raise RuntimeError("the embedded backend should use SqliteSearchIndex")
    progress("writing content records through the repository ...")
    content = write_content(services, corpus)
    progress("building the search index ...")
    build = build_index(index, data_dir / "search.db", corpus)
    progress("timing searches on the index ...")
    searched = index_latency(index, corpus, args)
    progress("timing the API ...")
    api = api_latency(services, corpus, args)
    index.close()
    wall = time.perf_counter() - started
    env = environment(args, load) | {"other_cpu_share": other_cpu_share(machine, own, wall)}
    report = {
        "environment": env,
        "counts": {
            "artworks": len(corpus.artworks),
            "visible": corpus.visible,
            "artists": len(corpus.artists),
            "indexed": build["written"],
            "listed_public": api["listed_public"],
        },
        "generation_s": generation_s,
        "content_write": content,
        "index_build": build,
        "search": searched,
        "api": api,
        "peak_rss_mb": rss_mb(),
        "seconds": wall,
    }
    return report | {"targets": targets(report)}


# report


def latency_row(name: str, record: dict[str, Any] | None, checks: list[dict]) -> list[str]:
    """Return one table row of a latency record."""
    if record is None:
        return [name, "0", "n/a", "n/a", "n/a", "n/a", "-", "-"]
    figures = [num(record[key], 1) for key in ("p50_ms", "p99_ms", "mean_ms", "max_ms")]
    queries = f"{record['queries']}{'*' if record['stopped_early'] else ''}"
    return [name, queries, *figures, *verdict(checks, name, "p99 ms")]


def render(report: dict[str, Any]) -> str:
    """Return the whole report as text."""
    env, counts, checks = report["environment"], report["counts"], report["targets"]
    build, content, api = report["index_build"], report["content_write"], report["api"]
    missed = sum(not c["pass"] for c in checks)
    header = ["measurement", "n", "p50 ms", "p99 ms", "mean ms", "max ms", "target", "result"]
    rows = [latency_row(f"search {k}", r, checks) for k, r in report["search"].items()]
    rows += [
        latency_row("GET /artworks first_page", api["listing_first_page"], checks),
        latency_row("GET /artworks deep_pages", api["listing_deep_pages"], checks),
        latency_row("GET /search?q=", api["search_text"], checks),
    ]
    deep = api["listing_deep_pages"]
    build_target = verdict(checks, "index build", "documents/s")
    lines = [
        f"Copper search benchmark{' (--quick)' if env['quick'] else ''}: embedded backend",
        f"Python {env['python']}, SQLite {env['sqlite']}, {env['cpus']} CPUs",
        noise_line(env),
        f"corpus: {counts['artworks']} artworks ({counts['visible']} public) by "
        f"{counts['artists']} artists; {counts['indexed']} indexed; "
        f"{counts['listed_public']} in the public listing",
        f"generation (not measured): {report['generation_s']:.1f} s; content writes "
        f"({content['method']}): {content['artworks_per_s']:.0f} artworks/s, "
        f"{content['artworks_s']:.1f} s",
        "",
        table(
            "Index build (SqliteSearchIndex.rebuild of every document)",
            ["documents", "seconds", "docs/s", "db MB", "target", "result"],
            [
                [
                    str(build["written"]),
                    num(build["seconds"], 1),
                    num(build["documents_per_s"], 0),
                    num(build["db_mb"], 0),
                    build_target[0],
                    build_target[1],
                ]
            ],
        ),
        "",
        table(
            "Latency (wall clock after a warm-up; GETs over loopback HTTP; * = stopped at the "
            "time budget)",
            header,
            rows,
        ),
        "",
        f"search: mean matches text {report['search']['text']['mean_matches']:.0f}, facet "
        f"{report['search']['facet']['mean_matches']:.0f}, colour "
        f"{report['search']['colour']['mean_matches']:.0f}",
        (
            f"deep pages: cursors from {deep['min_depth']} to {deep['max_depth']} works deep "
            f"(median {deep['median_depth']}); untimed walk of the listing {api['walk_s']:.1f} s"
            if deep
            else "deep pages: the listing has a single page"
        ),
        "",
        f"targets: {len(checks) - missed} PASS, {missed} MISS; peak RSS "
        f"{report['peak_rss_mb']:.0f} MB; total {report['seconds']:.0f} s",
    ]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_COUNT} works, fewer queries")
    parser.add_argument("--count", type=positive, help=f"artworks (default {DEFAULT_COUNT})")
    parser.add_argument("--artists", type=positive, help=f"artists (default {ARTISTS})")
    parser.add_argument("--queries", type=positive, help=f"timed queries each (default {QUERIES})")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed of the corpus")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where search.json goes")
    parser.add_argument("--data", type=Path, help="keep the databases here (default: temporary)")
    args = parser.parse_args(argv)
    args.count = args.count or (QUICK_COUNT if args.quick else DEFAULT_COUNT)
    args.artists = min(args.artists or ARTISTS, args.count)
    args.queries = args.queries or (QUICK_QUERIES if args.quick else QUERIES)
    args.warm_up = QUICK_WARM_UP if args.quick else WARM_UP
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the report and write search.json."""
    args = parse(argv)
    if args.data is not None:
        if args.data.exists() and any(args.data.iterdir()):
            raise SystemExit(f"--data {args.data} must be empty or new")
        args.data.mkdir(parents=True, exist_ok=True)
        report = run(args, args.data)
    else:
        with tempfile.TemporaryDirectory(prefix="copper-bench-search-") as scratch:
            report = run(args, Path(scratch))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "search.json").write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten: {args.out / 'search.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
