"""The search index in OpenSearch: the production adapter of `SearchIndex`.

Documents live in an index `<alias>-<timestamp>` behind the alias; `rebuild` loads a new
index and moves the alias with one `update_aliases` call, then deletes the old index.
Writes use external versioning (`version_type=external`): a 409 on a bulk item means a
newer version is stored, and is counted stale. A delete indexes a tombstone document with
`version_type=external_gte` instead of deleting, because OpenSearch forgets a deleted
document's version after `index.gc_deletes` (60 s), and a late, older upsert must never
revive a deleted work. Tombstones are copied into the new index on rebuild. A document's
`version` field is the external version it was written with (`_version`), so `stamps`
reads it from `_source` with the other stamp fields, walking the live documents by
artwork id with `search_after`, one page at a time.

Pages by relevance are fetched by offset (`from`), up to RELEVANCE_WINDOW hits: osmem
compares `search_after` on `_score` against its unrounded scores, so the rounded score in
a cursor does not find its place again. Newest-first pages use `search_after`.

Colour search and more_like_this have no native equivalent (CIEDE2000 would need a
script, which osmem does not run): candidates come from a nested range filter on palette
colours (and, for similar works, shared tags or perceptual-hash chunks), at most
MAX_COLOUR_CANDIDATES of them, ranked in Python by the same functions as the SQLite adapter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError, TransportError
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

from search.candidates import (
    MAX_COLOUR_CANDIDATES,
    NEAR_DUPLICATE_CANDIDATES,
    colour_box,
    palette_colours,
    phash_chunks,
    similar_limit,
)
from search.cursor import COLOUR_KEY, NEWEST_KEY, OFFSET_KEY, Key, decode_cursor, encode_cursor
from search.document import DocumentStamp, PaletteEntry, SearchDocument, palette_entry
from search.errors import SearchError, SearchUnavailable
from search.index import Progress
from search.interpret import ColourWord, Concept, Interpretation
from search.query import (
    FACET_SIZE,
    FACETS,
    NEAR_DUPLICATE_BITS,
    BulkReport,
    ColourQuery,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search.text import (
    FIELD_BOOSTS,
    HIGHLIGHT_FIELDS,
    MARK_CLOSE,
    MARK_OPEN,
    marked_html,
)

BATCH_SIZE = 500
CANDIDATE_PAGE = 1000
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 0.1
FUZZINESS = "AUTO:4,8"  # no typo under 4 letters, one under 8, then two
PREFIX = 0.5  # boost of a prefix match: an exact match also matches its prefix, so it ranks first
RELEVANCE_WINDOW = 10_000  # OpenSearch's default index.max_result_window
STAMP_FIELDS = ["artwork_id", "version", "visible", "title"]

_TEXT = {"type": "text", "analyzer": "english"}
_KEYWORD = {"type": "keyword"}
MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "artwork_id": _KEYWORD,
        "artist_id": _KEYWORD,
        "artist_slug": _KEYWORD,
        "artist_name": _TEXT,
        "title": _TEXT,
        "description": _TEXT,
        "tags": {**_TEXT, "fields": {"raw": _KEYWORD}},
        "medium": {**_TEXT, "fields": {"raw": _KEYWORD}},
        "year": {"type": "integer"},
        "orientation": _KEYWORD,
        "palette": {
            "type": "nested",
            "properties": {
                "l": {"type": "double"},
                "a": {"type": "double"},
                "b": {"type": "double"},
                "weight": {"type": "double"},
                "hex": {"type": "keyword", "index": False},
                "family": _KEYWORD,
            },
        },
        "phash": _KEYWORD,
        "phash_chunks": _KEYWORD,
        "blurhash": {"type": "keyword", "index": False},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "visible": {"type": "boolean"},
        "deleted": {"type": "boolean"},
        "published_at": _KEYWORD,
        "published_sort": _KEYWORD,
        "version": {"type": "long"},
        "thumbnail": {"type": "object", "enabled": False},
        "slug": {"type": "keyword", "index": False},
    },
}
# One shard: exact facet counts and the same text statistics for every document.
SETTINGS: dict[str, Any] = {"number_of_shards": 1}
FACET_FIELDS = {
    "artist": "artist_slug",
    "medium": "medium.raw",
    "tags": "tags.raw",
    "orientation": "orientation",
    "year": "year",
}
ARTIST_LABEL = "label"  # the top_hits under each artist bucket that names the artist
CHOSEN_ARTIST = "chosen_artist"  # a global aggregation: the selected artist's name
HIGHLIGHT: dict[str, Any] = {
    "pre_tags": [MARK_OPEN],
    "post_tags": [MARK_CLOSE],
    "fields": {name: {"number_of_fragments": 0} for name in HIGHLIGHT_FIELDS},
}
_DOCUMENT_FIELDS = frozenset(f.name for f in fields(SearchDocument))

# A page of raw hits, the sort key of the next page (None at the end) and the response.
_Page = tuple[list[dict[str, Any]], Key | None, dict[str, Any]]


class OpenSearchIndex:
    """Artwork search documents in an OpenSearch index behind an alias."""

    def __init__(
        self,
        client: OpenSearch | None = None,
        alias: str = "artworks",
        *,
        refresh: bool | str = False,
        batch_size: int = BATCH_SIZE,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: float = BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Use `client` (default: one for http://localhost:9200) and the index behind `alias`.

        Writes do not wait for a refresh: a document becomes searchable within the index's
        refresh interval (1 s by default), and versioned writes read the primary, so nothing
        in the flow needs it sooner. `refresh` (True or "wait_for") makes every write
        visible at once, for tests that search right after writing; `rebuild` refreshes its
        new index once, before the swap.
        """
        self._client = client if client is not None else OpenSearch()
        self._alias = alias
        self._refresh = refresh
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._sleep = sleep
        self._ready = False

    @property
    def alias(self) -> str:
        """Return the alias searches and writes go through."""
        return self._alias

    def create(self) -> None:
        """Create the first index and point the alias at it, unless the alias exists."""
        with _translated():
            if self._client.indices.exists_alias(name=self._alias):
                # Fields added since the index was made (adding to a strict mapping is allowed).
                self._client.indices.put_mapping(index=self._alias, body=MAPPING)
                self._ready = True
                return
            name = self._new_index()
            actions = [{"add": {"index": name, "alias": self._alias}}]
            self._client.indices.update_aliases(body={"actions": actions})
        self._ready = True

    # writes

    def upsert(
        self, documents: Iterable[SearchDocument], *, same_version: bool = False
    ) -> BulkReport:
        """Write documents newer than the stored ones (`same_version`: or as new); count the rest.

        `same_version` writes with `external_gte`.
        """
        self._ensure()
        report = BulkReport()
        for batch in _batches(documents, self._batch_size):
            items = [
                (_index_action(self._alias, d.artwork_id, d.version, same_version), _source(d))
                for d in batch
            ]
            report += self._bulk(items, self._refresh)
        return report

    def delete(self, artwork_id: str, version: int) -> None:
        """Replace a work by a tombstone unless a newer version is stored."""
        self._ensure()
        with _translated():
            try:
                self._client.index(
                    index=self._alias,
                    id=artwork_id,
                    body=_tombstone(artwork_id, version),
                    version=version,
                    version_type="external_gte",
                    refresh=self._refresh,
                )
            except ConflictError:
                return

    def rebuild(self, documents: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Load `documents` into a new index, move the alias to it, delete the old one."""
        with _translated():
            old = self._aliased_indices()
            new = self._new_index()
        try:
            with _translated():
                written = self._load(new, old, documents, progress)
                self._client.indices.refresh(index=new)
                self._client.indices.update_aliases(body={"actions": _swap(self._alias, old, new)})
        except BaseException:
            self._drop(new)
            raise
        for name in old:
            self._drop(name)
        self._ready = True
        return written

    def _load(
        self,
        new: str,
        old: Sequence[str],
        documents: Iterable[SearchDocument],
        progress: Progress | None,
    ) -> int:
        """Copy the tombstones, then bulk-load the documents into the new index."""
        if old:
            query = {"bool": {"filter": [{"term": {"deleted": True}}]}}
            tombstones = self._scan(query, list(old), cap=None)
            items = [
                (_index_action(new, t["_id"], t["_source"]["version"]), t["_source"])
                for t in tombstones
            ]
            self._bulk(items, False)
        written = 0
        for batch in _batches(documents, self._batch_size):
            items = [(_index_action(new, d.artwork_id, d.version), _source(d)) for d in batch]
            written += self._bulk(items, False).written
            if progress is not None:
                progress(written)
        return written

    def _bulk(self, items: list[tuple[dict[str, Any], dict[str, Any]]], refresh: Any) -> BulkReport:
        """Send bulk items; retry throttled (429) ones with backoff; count the outcomes."""
        report, pending = BulkReport(), items
        if not pending:
            return report
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            with _translated():
                response = self._client.bulk(body=_bulk_body(pending), refresh=refresh)
            outcome, pending = _bulk_outcome(pending, response["items"])
            report += outcome
            if not pending:
                return report
        raise SearchUnavailable(f"{len(pending)} documents were still throttled after retries")

    # reads

    def count(self) -> int:
        """Return how many documents (visible or hidden, not deleted) the index holds."""
        with _translated():
            try:
                body = {"query": {"term": {"deleted": False}}}
                return int(self._client.count(index=self._alias, body=body)["count"])
            except NotFoundError:
                return 0

    def search(self, query: SearchQuery) -> SearchResult:
        """Return one page of matches with facets; InvalidQuery for a bad cursor."""
        reading = query.reading()
        colours = query.ranking_colours(reading)
        body = _bool_query(query, reading)
        text = bool(reading.concepts)
        with _translated():
            try:
                if colours:
                    result = self._colour_search(query, body, text, colours)
                else:
                    result = self._ranked_search(query, body, text)
            except NotFoundError as e:
                if e.error != "index_not_found_exception":
                    raise
                empty: dict[str, tuple[tuple[str, int], ...]] = {name: () for name in FACETS}
                result = SearchResult((), 0, empty, None, labels={"artist": {}})
        return replace(result, interpretation=reading.shown())

    def _ranked_search(self, query: SearchQuery, body: dict[str, Any], text: bool) -> SearchResult:
        """Return a page ordered by text score or newest first, sorted by OpenSearch."""
        request: dict[str, Any] = {
            "query": body,
            "size": query.limit + 1,
            "track_total_hits": True,
            "track_scores": True,
            "aggs": _facet_aggs(query),
        }
        if text:
            request["highlight"] = HIGHLIGHT
        if query.sort == "relevance" and text:
            page, next_key, response = self._relevance_page(query, request)
        else:
            page, next_key, response = self._newest_page(query, request)
        return SearchResult(
            hits=tuple(_hit(h, float(h.get("_score") or 0.0)) for h in page),
            total=_total(response),
            facets=_facets(response),
            next_cursor=None if next_key is None else encode_cursor(query, next_key),
            labels=_labels(response),
        )

    def _relevance_page(self, query: SearchQuery, request: dict[str, Any]) -> _Page:
        """Return a page by text score (then id), paged by offset (see RELEVANCE_WINDOW)."""
        after = decode_cursor(query, OFFSET_KEY)
        offset = after[0] if after is not None else 0
        request.update(
            sort=[{"_score": "desc"}, {"artwork_id": "asc"}],
            size=max(0, min(query.limit + 1, RELEVANCE_WINDOW - offset)),
        )
        request["from"] = offset
        response = self._client.search(index=self._alias, body=request)
        raw = response["hits"]["hits"]
        more = len(raw) > query.limit and offset + query.limit < RELEVANCE_WINDOW
        return raw[: query.limit], (offset + query.limit,) if more else None, response

    def _newest_page(self, query: SearchQuery, request: dict[str, Any]) -> _Page:
        """Return a page by publication date (then id), newest first, paged by search_after."""
        after = decode_cursor(query, NEWEST_KEY)
        request["sort"] = [{"published_sort": "desc"}, {"artwork_id": "desc"}]
        if after is not None:
            request["search_after"] = list(after)
        response = self._client.search(index=self._alias, body=request)
        raw = response["hits"]["hits"]
        page = raw[: query.limit]
        return page, tuple(page[-1]["sort"]) if len(raw) > query.limit else None, response

    def _colour_search(
        self,
        query: SearchQuery,
        body: dict[str, Any],
        text: bool,
        colours: tuple[ColourQuery, ...],
    ) -> SearchResult:
        """Return a page ranked in Python by colour distance, then text score, then id."""
        after = decode_cursor(query, COLOUR_KEY)
        first: dict[str, Any] = {}
        candidates = self._scan(
            body, self._alias, ["artwork_id", "palette"], first, aggs=_facet_aggs(query)
        )
        ranked = sorted(_colour_key(hit, colours) for hit in candidates)
        if after is not None:
            bound = (after[0], -after[1], after[2])
            ranked = [key for key in ranked if key > bound]
        page = ranked[: query.limit]
        hits = self._fetch_page(body, [key[2] for key in page], text)
        last = page[-1] if len(ranked) > query.limit else None
        return SearchResult(
            hits=tuple(_hit(hits[key[2]], -key[0]) for key in page if key[2] in hits),
            total=_total(first),
            facets=_facets(first),
            next_cursor=None
            if last is None
            else encode_cursor(query, (last[0], -last[1], last[2])),
            labels=_labels(first),
        )

    def _fetch_page(self, body: dict[str, Any], ids: list[str], text: bool) -> dict[str, Any]:
        """Return the raw hits of a page's ids (highlighted when there is text), by id."""
        if not ids:
            return {}
        query = {"bool": {"must": [body], "filter": [{"ids": {"values": ids}}]}}
        request: dict[str, Any] = {"query": query, "size": len(ids)}
        if text:
            request["highlight"] = HIGHLIGHT
        response = self._client.search(index=self._alias, body=request)
        return {hit["_id"]: hit for hit in response["hits"]["hits"]}

    def more_like_this(self, artwork_id: str, limit: int = 12) -> tuple[SearchHit, ...]:
        """Return visible works most like this one (palette, perceptual hash, tags), not itself."""
        limit = similar_limit(limit)
        with _translated():
            source = self._get(artwork_id)
            query = _similar_query(source) if source is not None else None
            if source is None or query is None:
                return ()
            try:
                candidates = [_document(hit["_source"]) for hit in self._scan(query, self._alias)]
            except NotFoundError:
                return ()
        from search.similarity import most_alike  # numpy, only when ranking by likeness

        return most_alike(source, candidates, limit)

    def near_duplicates(self, phash: str, max_distance: int = NEAR_DUPLICATE_BITS) -> list[str]:
        """Return works whose perceptual hash is within `max_distance` bits, nearest first."""
        chunks = list(phash_chunks(phash))
        if not chunks:
            return []
        query = {
            "bool": {"filter": [{"term": {"deleted": False}}, {"terms": {"phash_chunks": chunks}}]}
        }
        with _translated():
            try:
                hits = self._scan(
                    query, self._alias, ["artwork_id", "phash"], None, NEAR_DUPLICATE_CANDIDATES
                )
            except NotFoundError:
                return []
        candidates = ((hit["_source"]["artwork_id"], hit["_source"].get("phash")) for hit in hits)
        from search.similarity import nearest_hashes  # numpy, only for near-duplicates

        return nearest_hashes(phash, candidates, max_distance)

    def stamps(self) -> Iterator[DocumentStamp]:
        """Yield the stamp of every live document (not tombstones), in artwork id order."""
        request: dict[str, Any] = {
            "query": {"bool": {"filter": [{"term": {"deleted": False}}]}},
            "sort": [{"artwork_id": "asc"}],
            "size": CANDIDATE_PAGE,
            "_source": STAMP_FIELDS,
        }
        pages = self._pages(request, self._alias)
        while True:
            with _translated():
                try:
                    page = next(pages, None)
                except NotFoundError:
                    return
            if page is None:
                return
            yield from (_stamp(hit["_source"]) for hit in page["hits"]["hits"])

    def _get(self, artwork_id: str) -> SearchDocument | None:
        """Return a live document by id, or None."""
        try:
            response = self._client.get(index=self._alias, id=artwork_id)
        except NotFoundError:
            return None
        source = response["_source"]
        return None if source.get("deleted") else _document(source)

    def _scan(
        self,
        query: dict[str, Any],
        index: str | list[str],
        source: list[str] | bool = True,
        first: dict[str, Any] | None = None,
        cap: int | None = MAX_COLOUR_CANDIDATES,
        aggs: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Return the first `cap` hits of a query by artwork id (None: all); the first
        response, with its total and its aggregations `aggs`, in `first`."""
        request: dict[str, Any] = {
            "query": query,
            "sort": [{"artwork_id": "asc"}],
            "size": CANDIDATE_PAGE,
            "_source": source,
            "track_scores": True,
        }
        if first is not None:
            request.update(track_total_hits=True, aggs=aggs or {})
        hits: list[dict[str, Any]] = []
        for response in self._pages(request, index):
            if first is not None and not first:
                first.update(response)
            hits.extend(response["hits"]["hits"])
            if cap is not None and len(hits) >= cap:
                break
        return hits[:cap]

    def _pages(self, request: dict[str, Any], index: str | list[str]) -> Iterator[dict[str, Any]]:
        """Yield the responses of a request sorted by artwork id, page by page (search_after)."""
        request = dict(request)
        while True:
            response = self._client.search(index=index, body=request)
            yield response
            page = response["hits"]["hits"]
            if len(page) < request["size"]:
                return
            request.pop("aggs", None)
            request["search_after"] = page[-1]["sort"]

    # indices

    def _ensure(self) -> None:
        """Create the index behind the alias on first use."""
        if not self._ready:
            self.create()

    def _new_index(self) -> str:
        """Create an empty index named after the alias and the time; return its name."""
        while True:
            name = f"{self._alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
            if not self._client.indices.exists(index=name):
                break
        self._client.indices.create(index=name, body={"settings": SETTINGS, "mappings": MAPPING})
        return name

    def _aliased_indices(self) -> list[str]:
        """Return the indices the alias points at (none before the first write)."""
        try:
            return sorted(self._client.indices.get_alias(name=self._alias))
        except NotFoundError:
            return []

    def _drop(self, name: str) -> None:
        """Delete an index if it exists; a failure leaves it behind, which does no harm."""
        try:
            self._client.indices.delete(index=name)
        except TransportError:  # includes NotFoundError and ConnectionError
            return


@contextmanager
def _translated() -> Iterator[None]:
    """Turn OpenSearch client errors into SearchUnavailable (transient) or SearchError."""
    try:
        yield
    except OpenSearchConnectionError as e:
        raise SearchUnavailable("OpenSearch could not be reached") from e
    except TransportError as e:
        status = e.status_code
        if isinstance(status, int) and (status == 429 or status >= 500):
            raise SearchUnavailable(f"OpenSearch is unavailable ({status})") from e
        raise SearchError(f"OpenSearch refused the request ({status} {e.error})") from e


def _batches(documents: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    """Yield lists of at most `size` documents."""
    iterator = iter(documents)
    while batch := list(islice(iterator, size)):
        yield batch


def _swap(alias: str, old: Sequence[str], new: str) -> list[dict[str, Any]]:
    """Return the update_aliases actions that move the alias from `old` to `new`."""
    removals = [{"remove": {"index": name, "alias": alias}} for name in old]
    return [*removals, {"add": {"index": new, "alias": alias}}]


# documents


def _source(document: SearchDocument) -> dict[str, Any]:
    """Return the indexed form of a document."""
    source = document.to_record()
    source.update(
        medium=document.medium or None,
        palette=[
            {"l": l, "a": a, "b": b, "weight": w, "hex": hex_code, "family": family}
            for l, a, b, w, hex_code, family in document.palette  # noqa: E741
        ],
        deleted=False,
        published_sort=document.published_sort,
        phash_chunks=list(phash_chunks(document.phash)),
    )
    return source


def _tombstone(artwork_id: str, version: int) -> dict[str, Any]:
    """Return the document that stands for a deleted work."""
    return {"artwork_id": artwork_id, "deleted": True, "visible": False, "version": version}


def _document(source: dict[str, Any]) -> SearchDocument:
    """Return the document an indexed source describes."""
    data = {name: value for name, value in source.items() if name in _DOCUMENT_FIELDS}
    data["medium"] = data.get("medium") or ""
    data["palette"] = _palette(source)
    return SearchDocument.from_record(data)


def _stamp(source: dict[str, Any]) -> DocumentStamp:
    """Return the stamp of an indexed source (its `version` is also its external version)."""
    return DocumentStamp(
        source["artwork_id"], int(source["version"]), bool(source["visible"]), source["title"]
    )


def _palette(source: dict[str, Any]) -> list[PaletteEntry]:
    """Return the palette entries of an indexed source."""
    return [
        palette_entry((c["l"], c["a"], c["b"], c["weight"], c["hex"], c["family"]))
        for c in source.get("palette") or ()
    ]


def _index_action(
    index: str, artwork_id: str, version: int, same_version: bool = False
) -> dict[str, Any]:
    """Return a bulk `index` action with external versioning (`_gte` to rewrite a version)."""
    return {
        "index": {
            "_index": index,
            "_id": artwork_id,
            "version": version,
            "version_type": "external_gte" if same_version else "external",
        }
    }


def _bulk_body(items: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> list[dict[str, Any]]:
    """Return the bulk request lines of (action, source) items."""
    return [line for item in items for line in item]


def _bulk_outcome(
    items: Sequence[tuple[dict[str, Any], dict[str, Any]]], results: Sequence[dict[str, Any]]
) -> tuple[BulkReport, list[tuple[dict[str, Any], dict[str, Any]]]]:
    """Return the counts of a bulk response and the throttled items to send again."""
    written = stale = failed = 0
    retry = []
    for item, result in zip(items, results, strict=True):
        status = next(iter(result.values()))["status"]
        if status == 429:
            retry.append(item)
        elif status == 409:
            stale += 1
        elif 200 <= status < 300:
            written += 1
        else:
            failed += 1
    return BulkReport(written, stale, failed), retry


# queries


def _bool_query(query: SearchQuery, reading: Interpretation) -> dict[str, Any]:
    """Return the bool query of a search: every concept must match; filters do not score."""
    must = [_concept_clause(concept) for concept in reading.concepts]
    words = [_colour_word_clause(word) for word in reading.colour_words]
    return {"bool": {"must": must, "filter": _filters(query) + words}}


def _concept_clause(concept: Concept) -> dict[str, Any]:
    """Return the clause of one concept: a word (typos tolerated if allowed), a word as a
    prefix (3+ letters, scored below an exact match) or a phrase must match."""
    fields_ = [f"{name}^{boost}" for name, boost in FIELD_BOOSTS.items()]
    fuzzy = {"fuzziness": FUZZINESS} if concept.typos else {}
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": word, "fields": fields_, **fuzzy}} for word in concept.words
    ]
    should += [
        {"multi_match": {"query": w, "fields": fields_, "type": "phrase_prefix", "boost": PREFIX}}
        for w in concept.prefixes
    ]
    should += [
        {"multi_match": {"query": phrase, "fields": fields_, "type": "phrase"}}
        for phrase in concept.phrases
    ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _colour_word_clause(word: ColourWord) -> dict[str, Any]:
    """Return a filter true when a palette colour is of the word's families (or of its near
    families, inside its colour's box), or when the word itself matches the work's text."""
    ranges = [
        {"range": {f"palette.{axis}": {"gte": low, "lte": high}}}
        for axis, (low, high) in zip("lab", colour_box(ColourQuery(word.lab)), strict=True)
    ]
    near = {"terms": {"palette.family": sorted(word.colour.near)}}
    colour = [
        {"terms": {"palette.family": sorted(word.colour.families)}},
        {"bool": {"filter": [near, *ranges]}},
    ]
    in_colour = {
        "nested": {
            "path": "palette",
            "query": {"bool": {"should": colour, "minimum_should_match": 1}},
        }
    }
    return {"bool": {"should": [in_colour, _concept_clause(word.text)], "minimum_should_match": 1}}


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    """Return the filter clauses of a search."""
    clauses: list[dict[str, Any]] = [{"term": {"deleted": False}}]
    if not query.include_hidden:
        clauses.append({"term": {"visible": True}})
    terms = {
        "artist_slug": query.artist,
        "medium.raw": query.medium,
        "orientation": query.orientation,
    }
    clauses += [{"term": {name: value}} for name, value in terms.items() if value is not None]
    clauses += [{"term": {"tags.raw": tag}} for tag in query.tags]
    years = {"gte": query.year_from, "lte": query.year_to}
    years = {bound: value for bound, value in years.items() if value is not None}
    if years:
        clauses.append({"range": {"year": years}})
    if query.colours:
        clauses.append(_any_colour(query.colours))
    return clauses


def _any_colour(colours: Sequence[ColourQuery]) -> dict[str, Any]:
    """Return a clause true when a palette colour is in the box of any query colour."""
    boxes = []
    for colour in colours:
        ranges = [
            {"range": {f"palette.{axis}": {"gte": low, "lte": high}}}
            for axis, (low, high) in zip("lab", colour_box(colour), strict=True)
        ]
        boxes.append({"nested": {"path": "palette", "query": {"bool": {"filter": ranges}}}})
    return {"bool": {"should": boxes, "minimum_should_match": 1}}


def _similar_query(source: SearchDocument) -> dict[str, Any] | None:
    """Return the candidates of more_like_this: visible works sharing something with source."""
    shared: list[dict[str, Any]] = []
    if source.tags:
        shared.append({"terms": {"tags.raw": list(source.tags)}})
    if source.phash:
        shared.append({"terms": {"phash_chunks": list(phash_chunks(source.phash))}})
    colours = palette_colours(source.palette)
    if colours:
        shared.append(_any_colour(colours))
    if not shared:
        return None
    return {
        "bool": {
            "filter": [
                {"term": {"deleted": False}},
                {"term": {"visible": True}},
                {"bool": {"should": shared, "minimum_should_match": 1}},
            ],
            "must_not": [{"ids": {"values": [source.artwork_id]}}],
        }
    }


def _facet_aggs(query: SearchQuery) -> dict[str, Any]:
    """Return the terms aggregations of the facets (by count, then value), the artist buckets
    with their artist's name, and the selected artist's name across the whole index."""
    order = [{"_count": "desc"}, {"_key": "asc"}]
    aggs: dict[str, Any] = {
        name: {"terms": {"field": field, "size": FACET_SIZE, "order": order}}
        for name, field in FACET_FIELDS.items()
    }
    aggs["artist"]["aggs"] = {ARTIST_LABEL: _artist_name()}
    if query.artist is not None:
        chosen = [{"term": {"artist_slug": query.artist}}, {"term": {"deleted": False}}]
        if not query.include_hidden:
            chosen.append({"term": {"visible": True}})
        aggs[CHOSEN_ARTIST] = {
            "global": {},
            "aggs": {
                "artist": {
                    "filter": {"bool": {"filter": chosen}},
                    "aggs": {ARTIST_LABEL: _artist_name()},
                }
            },
        }
    return aggs


def _artist_name() -> dict[str, Any]:
    """Return the sub-aggregation that reads the artist's name from their newest work."""
    return {
        "top_hits": {
            "size": 1,
            "_source": {"includes": ["artist_slug", "artist_name"]},
            "sort": [{"published_sort": "desc"}, {"artwork_id": "desc"}],
        }
    }


# responses


def _total(response: dict[str, Any]) -> int:
    """Return the number of matches of a search response."""
    total = response["hits"]["total"]
    return int(total["value"] if isinstance(total, dict) else total)


def _facets(response: dict[str, Any]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Return the facet counts of a search response."""
    aggregations = response.get("aggregations", {})
    return {
        name: tuple(
            (str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in aggregations.get(name, {}).get("buckets", ())
        )
        for name in FACETS
    }


def _labels(response: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Return the artist names of a search response: its buckets', and the selected artist's."""
    aggregations = response.get("aggregations", {})
    named = [bucket[ARTIST_LABEL] for bucket in aggregations.get("artist", {}).get("buckets", ())]
    chosen = aggregations.get(CHOSEN_ARTIST, {}).get("artist")
    if chosen is not None:
        named.append(chosen[ARTIST_LABEL])
    labels: dict[str, str] = {}
    for label in named:
        for hit in label["hits"]["hits"]:
            labels.setdefault(hit["_source"]["artist_slug"], hit["_source"]["artist_name"])
    return {"artist": labels}


def _colour_key(hit: dict[str, Any], colours: Sequence[ColourQuery]) -> Key:
    """Return a candidate's colour order: (distance, −text score, artwork id)."""
    from search.colour import colour_distance  # numpy, only when ranking by colour

    distance = colour_distance(_palette(hit["_source"]), colours)
    return (distance, -float(hit.get("_score") or 0.0), hit["_id"])


def _hit(raw: dict[str, Any], score: float) -> SearchHit:
    """Return a search hit with its highlighted fields."""
    document = _document(raw["_source"])
    highlights = {}
    for name, fragments in raw.get("highlight", {}).items():
        html = marked_html("".join(fragments), getattr(document, name))
        if html is not None:
            highlights[name] = html
    return SearchHit(document, score, highlights)
