"""Search documents carry the work's slug, so a hit links to its readable URL (both adapters)."""

from __future__ import annotations

import copy

from opensearchpy import OpenSearch

from content.model import Artist, Artwork, Status, Visibility
from search.document import document_for
from search.index import SearchIndex
from search.opensearch import MAPPING, OpenSearchIndex
from search.query import SearchQuery
from tests.integration.search.test_index_contract import work


def test_a_hit_carries_the_works_slug_and_its_artists(index: SearchIndex) -> None:
    index.upsert([work("w1", "Harbour at dawn", slug="harbour-at-dawn"), work("w2", "Harbour")])

    hits = {
        hit.document.artwork_id: hit.document for hit in index.search(SearchQuery("harbour")).hits
    }

    assert (hits["w1"].slug, hits["w1"].artist_slug) == ("harbour-at-dawn", "ada")
    assert hits["w2"].slug is None  # not given one yet: the gallery links by id


def test_a_similar_work_carries_its_slug(index: SearchIndex) -> None:
    index.upsert(
        [
            work("w1", "Harbour at dawn", tags=("sea",), slug="harbour-at-dawn"),
            work("w2", "Harbour at dusk", tags=("sea",), slug="harbour-at-dusk"),
        ]
    )

    assert [hit.document.slug for hit in index.more_like_this("w1")] == ["harbour-at-dusk"]


def test_the_document_of_a_work_takes_its_slug() -> None:
    artist = Artist("a1", "mara-voss", "Mara Voss", "mara@example.com", "hash")
    artwork = Artwork(
        "w1",
        "a1",
        "Harbour at Dawn",
        status=Status.READY,
        visibility=Visibility.PUBLISHED,
        slug="harbour-at-dawn",
    )

    document = document_for(artwork, artist)

    assert (document.artist_slug, document.slug) == ("mara-voss", "harbour-at-dawn")


def test_an_index_made_before_slugs_takes_documents_with_one(
    opensearch_target: tuple[OpenSearch, str],
) -> None:
    # GIVEN an index behind the alias whose strict mapping has no `slug`
    client, alias = opensearch_target
    old_mapping = copy.deepcopy(MAPPING)
    del old_mapping["properties"]["slug"]
    client.indices.create(index=f"{alias}-old", body={"mappings": old_mapping})
    client.indices.update_aliases(
        body={"actions": [{"add": {"index": f"{alias}-old", "alias": alias}}]}
    )
    index = OpenSearchIndex(client, alias, refresh=True, sleep=lambda seconds: None)
    # WHEN a document with a slug is written through it
    report = index.upsert([work("w1", "Harbour at dawn", slug="harbour-at-dawn")])
    # THEN it is written and found, with its slug
    assert (report.written, report.failed) == (1, 0)
    assert [h.document.slug for h in index.search(SearchQuery("harbour")).hits] == [
        "harbour-at-dawn"
    ]
