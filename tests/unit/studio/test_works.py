"""My works: the filtered list, a work's page, edits, focal point, publishing and deleting."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.unit.studio.fake_api import FakeApi

ADA = "token-artist-ada"
FACTS = {
    "width": 6000,
    "height": 4000,
    "orientation": "landscape",
    "fidelity": {
        "source_profile": "Adobe RGB (1998)",
        "out_of_gamut_share": 0.184,
        "max_delta_e": 14.27,
        "warning": True,
    },
    "print": [
        {"dpi": 150, "width_in": 40.0, "height_in": 26.67, "width_cm": 101.6, "height_cm": 67.7},
        {"dpi": 300, "width_in": 20.0, "height_in": 13.33, "width_cm": 50.8, "height_cm": 33.9},
    ],
}
PREVIEW = {"name": "1024px", "format": "jpeg", "width": 1024, "height": 683, "key": "r/1024.jpg"}


def test_the_list_shows_each_work_with_its_status_and_filters_by_status(
    ada: FlaskClient, fake: FakeApi
) -> None:
    fake.add_work(ADA, "Morning", status="ready", visibility="published")
    fake.add_work(ADA, "Broken", status="rejected", rejection_reason="Damaged file.")
    fake.add_work("token-artist-bob", "Not mine", status="ready")
    page = ada.get("/works").get_data(as_text=True)
    assert "Morning" in page and "Broken" in page and "Damaged file." in page
    assert "Not mine" not in page
    ready = ada.get("/works?status=ready").get_data(as_text=True)
    assert "Morning" in ready and "Broken" not in ready
    drafts = ada.get("/works?visibility=draft").get_data(as_text=True)
    assert "Broken" in drafts and "Morning" not in drafts


def test_a_works_page_shows_the_facts_that_matter(ada: FlaskClient, fake: FakeApi) -> None:
    other = fake.add_work(ADA, "The first print", status="ready")
    work = fake.add_work(
        ADA,
        "The second print",
        status="ready",
        facts=FACTS,
        renditions=[PREVIEW],
        possible_duplicate_of=other["id"],
    )
    page = ada.get(f"/works/{work['id']}").get_data(as_text=True)
    assert 'id="fidelity-warning"' in page
    assert "18% of this image’s colours" in page and "ΔE 14.3" in page
    assert "50.8 × 33.9 cm" in page and "101.6 × 67.7 cm" in page
    assert page.index("300 dpi") < page.index("150 dpi")
    assert "Possible duplicate" in page and "“The first print”" in page
    assert 'src="http://api.test/media/r/1024.jpg"' in page


def test_another_artists_work_is_the_studios_404(ada: FlaskClient, fake: FakeApi) -> None:
    theirs = fake.add_work("token-artist-bob", "Bob's", status="ready")
    for response in (
        ada.get(f"/works/{theirs['id']}"),
        ada.post(f"/works/{theirs['id']}", data={"title": "Mine now"}),
        ada.post(f"/works/{theirs['id']}/publish"),
        ada.post(f"/works/{theirs['id']}/delete", data={"confirm": "yes"}),
    ):
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
    assert fake.works[theirs["id"]]["title"] == "Bob's"


def test_an_edit_sends_the_fields_and_the_version_it_was_made_from(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "Untitled", status="ready")
    form = {
        "title": "Harbour",
        "description": "Night ferry.",
        "tags": "etching, night ,harbour",
        "medium": "Etching",
        "year": "2024",
        "physical_size": "30 × 40 cm",
        "version": "1",
    }
    response = ada.post(f"/works/{work['id']}", data=form)
    assert response.location == f"/works/{work['id']}"
    assert fake.last("PATCH").json == {
        "title": "Harbour",
        "description": "Night ferry.",
        "tags": ["etching", "night", "harbour"],
        "medium": "Etching",
        "year": 2024,
        "physical_size": "30 × 40 cm",
        "version": 1,
    }
    assert "Saved." in ada.get(f"/works/{work['id']}").get_data(as_text=True)


def test_an_edit_of_a_changed_work_keeps_the_artists_input_and_explains(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "Old", status="ready", version=3)
    response = ada.post(f"/works/{work['id']}", data={"title": "Mine", "version": "2"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed since you opened it" in page
    assert 'value="Mine"' in page and 'name="version" value="3"' in page


def test_the_focal_point_is_saved_from_a_script_or_a_form(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "W", status="ready", renditions=[PREVIEW])
    answer = ada.post(
        f"/works/{work['id']}/focal-point",
        json={"x": 0.25, "y": 0.7},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert answer.json["focal_point"] == [0.25, 0.7]
    assert fake.last("PUT").json == {"focal_point": [0.25, 0.7]}
    by_form = ada.post(f"/works/{work['id']}/focal-point", data={"x": "0.1", "y": "0.2"})
    assert by_form.location == f"/works/{work['id']}"
    assert fake.works[work["id"]]["focal_point"] == [0.1, 0.2]


def test_publish_and_unpublish(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "W", status="ready")
    ada.post(f"/works/{work['id']}/publish")
    assert fake.works[work["id"]]["visibility"] == "published"
    assert "Unpublish" in ada.get(f"/works/{work['id']}").get_data(as_text=True)
    ada.post(f"/works/{work['id']}/unpublish")
    assert fake.works[work["id"]]["visibility"] == "draft"


def test_deleting_asks_for_confirmation_first(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "Keep me?", status="ready")
    question = ada.get(f"/works/{work['id']}/delete").get_data(as_text=True)
    assert "Delete “Keep me?”?" in question and "cannot be undone" in question
    ada.post(f"/works/{work['id']}/delete")
    assert fake.works[work["id"]]["status"] == "ready", "no confirmation, no deletion"
    done = ada.post(f"/works/{work['id']}/delete", data={"confirm": "yes"})
    assert done.location == "/works"
    assert fake.works[work["id"]]["status"] == "deleted"


def test_a_work_without_a_thumbnail_shows_a_placeholder_that_says_why(
    ada: FlaskClient, fake: FakeApi
) -> None:
    thumb = {"name": "thumb", "format": "jpeg", "key": "r/w/thumb.jpg"}
    fake.add_work(ADA, "Morning", status="ready", renditions=[thumb])
    fake.add_work(ADA, "Broken", status="rejected", rejection_reason="Damaged file.")
    page = ada.get("/works").get_data(as_text=True)
    cards = {
        title: page.split(f">{title}</a>")[0].rsplit("<li", 1)[1] for title in ("Morning", "Broken")
    }
    assert "<img" in cards["Morning"] and "thumb-placeholder" not in cards["Morning"]
    assert "<img" not in cards["Broken"]
    assert 'class="thumb-placeholder" aria-hidden="true"' in cards["Broken"]
    assert "No preview" in cards["Broken"] and "thumb-strike" in cards["Broken"]


FILE_ACTIONS = ("Retry processing", "Upload a new file", "Upload the file", "Replace the file")


def file_panel(page: str) -> str:
    """Return the part of a work's page about its file: outcome, notices and actions."""
    return page.split('id="file-panel"')[1].split("</section>")[0]


def offered(page: str) -> set[str]:
    """Return the file actions (and Process again, Delete…) a work's page offers."""
    actions = file_panel(page).split('id="file-actions"')[1]
    return {name for name in (*FILE_ACTIONS, "Process again", "Delete…") if f">{name}<" in actions}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"status": "failed", "error_class": "WorkerLost"},
            {"Retry processing", "Upload a new file", "Delete…"},
        ),
        (
            {"status": "failed", "error_class": "UploadNotReceived"},
            {"Upload a new file", "Delete…"},
        ),
        ({"status": "rejected"}, {"Upload a new file", "Delete…"}),
        ({"status": "ready"}, {"Replace the file", "Process again", "Delete…"}),
        ({"status": "ready", "deadline": "2026-01-01T01:00:00Z"}, {"Replace the file", "Delete…"}),
        ({"status": "processing"}, {"Delete…"}),
        ({"status": "awaiting_upload"}, {"Upload the file", "Delete…"}),
    ],
    ids=[
        "failed",
        "failed-without-file",
        "rejected",
        "ready",
        "ready-pending",
        "processing",
        "awaiting",
    ],
)
def test_a_works_page_offers_the_file_actions_of_its_status_and_no_others(
    ada: FlaskClient, fake: FakeApi, fields: dict[str, Any], expected: set[str]
) -> None:
    work = fake.add_work(ADA, "W", **fields)
    assert offered(ada.get(f"/works/{work['id']}").get_data(as_text=True)) == expected


def test_a_failed_works_reason_is_shown_by_the_image_and_its_error_class_only_for_support(
    ada: FlaskClient, fake: FakeApi
) -> None:
    reason = "We could not process this image after several attempts. Your file is kept."
    work = fake.add_work(
        ADA, "W", status="failed", rejection_reason=reason, error_class="StorageUnavailable"
    )
    page = ada.get(f"/works/{work['id']}").get_data(as_text=True)
    outcome = page.split('id="work-outcome"')[1].split("</div>")[0]
    assert "Processing failed." in outcome and reason in outcome and 'role="alert"' in page
    assert "StorageUnavailable" not in outcome
    support = page.split('id="support-details"')[1].split("</details>")[0]
    assert "<summary>Details for support</summary>" in support
    assert "<code>StorageUnavailable</code>" in support
    assert page.index('id="file-panel"') < page.index('id="focal-title"'), "near the image area"


def test_a_rejected_work_says_its_file_was_refused_and_not_kept(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "W", status="rejected", rejection_reason="The file is damaged.")
    outcome = file_panel(ada.get(f"/works/{work['id']}").get_data(as_text=True))
    assert "This file was refused." in outcome and "The file is damaged." in outcome
    assert "not kept" in outcome and "support-details" not in outcome


def test_a_ready_work_whose_replacement_was_refused_says_it_keeps_its_image(
    ada: FlaskClient, fake: FakeApi
) -> None:
    reason = "The work keeps its current image; the new attempt was refused: not an image."
    work = fake.add_work(ADA, "W", status="ready", rejection_reason=reason, renditions=[PREVIEW])
    panel = file_panel(ada.get(f"/works/{work['id']}").get_data(as_text=True))
    assert "Your new file was refused." in panel and reason in panel
    assert "Replace the file" in panel


def test_a_ready_work_with_a_new_file_in_processing_says_visitors_see_the_current_image(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "W", status="ready", deadline="2026-01-01T01:00:00Z")
    panel = file_panel(ada.get(f"/works/{work['id']}").get_data(as_text=True))
    assert 'id="work-pending"' in panel and "Visitors see the current image" in panel


def test_a_processing_work_says_when_it_is_due(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "W", status="processing", deadline="2026-03-04T05:06:07.000Z")
    panel = file_panel(ada.get(f"/works/{work['id']}").get_data(as_text=True))
    assert '<time datetime="2026-03-04T05:06:07.000Z">4 Mar 2026, 05:06 UTC</time>' in panel


def test_retry_processing_sends_a_failed_work_through_the_pipeline_again(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "W", status="failed", error_class="WorkerLost")
    done = ada.post(f"/works/{work['id']}/reprocess", follow_redirects=True)
    assert fake.last("POST").path == f"/me/artworks/{work['id']}/reprocess"
    assert fake.works[work["id"]]["status"] == "processing"
    assert "Sent for processing again." in done.get_data(as_text=True)


def test_a_rejected_work_cannot_be_processed_again_and_the_artist_is_told_why(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "W", status="rejected", rejection_reason="Not an image.")
    done = ada.post(f"/works/{work['id']}/reprocess", follow_redirects=True)
    assert "upload a new file for a rejected one" in done.get_data(as_text=True)
    assert fake.works[work["id"]]["status"] == "rejected"


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        ("ready", "Replace the file of “W”"),
        ("failed", "Upload a new file for “W”"),
        ("rejected", "Upload a new file for “W”"),
    ],
)
def test_the_upload_page_of_a_work_sends_one_file_to_that_work(
    ada: FlaskClient, fake: FakeApi, status: str, heading: str
) -> None:
    work = fake.add_work(ADA, "W", status=status)
    page = ada.get(f"/works/{work['id']}/upload").get_data(as_text=True)
    assert f'<h1 id="upload-title">{heading}</h1>' in page
    assert f'data-artwork-id="{work["id"]}"' in page
    assert 'data-reissue-url="/studio/works/__id__/upload"' in page
    assert '<input type="file" id="files" name="file" accept=' in page, "one file, not several"
    assert '<label for="files"' in page and "/static/upload.js" in page
    assert 'id="card-template"' in page
    assert not [c for c in fake.calls if c.path.endswith("/upload")], "no form until a file"


def test_a_processing_work_has_no_upload_page(ada: FlaskClient, fake: FakeApi) -> None:
    work = fake.add_work(ADA, "W", status="processing")
    response = ada.get(f"/works/{work['id']}/upload", follow_redirects=True)
    assert "being processed" in response.get_data(as_text=True)
    assert response.request.path == f"/works/{work['id']}"


def test_the_upload_page_of_another_artists_work_is_the_studios_404(
    ada: FlaskClient, fake: FakeApi
) -> None:
    theirs = fake.add_work("token-artist-bob", "Bob's", status="ready")
    assert ada.get(f"/works/{theirs['id']}/upload").status_code == 404


def test_an_edit_sends_the_collector_facts_in_the_apis_terms(
    ada: FlaskClient, fake: FakeApi
) -> None:
    work = fake.add_work(ADA, "Untitled", status="ready")
    form = {
        "title": "Harbour",
        "version": "1",
        "edition_number": "12",
        "edition_size": "30",
        "paper": "Somerset velvet",
        "signed": "yes",
        "availability": "available",
        "price": "450",
        "currency": "EUR",
    }
    ada.post(f"/works/{work['id']}", data=form)
    sent = fake.last("PATCH").json
    assert {key: sent[key] for key in form if key not in ("title", "version")} == {
        "edition_number": 12,
        "edition_size": 30,
        "paper": "Somerset velvet",
        "signed": True,
        "availability": "available",
        "price": "450",
        "currency": "EUR",
    }
    assert sent["open_edition"] is False
    page = ada.get(f"/works/{work['id']}").get_data(as_text=True)
    assert "For collectors" in page and 'name="edition_size"' in page
