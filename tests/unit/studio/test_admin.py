"""Admin pages: hidden from artists; dead letters, replay with a dry run, purge, reprocess."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from heroku_artist.present import plural
from tests.unit.studio.fake_api import FakeApi, finding
from tests.unit.studio.support import csrf_token, log_in, make_app

MESSAGES = [
    {
        "id": "m1",
        "sent_at": "2026-01-01T00:00:00Z",
        "age_seconds": 7300,
        "receive_count": 5,
        "error_class": "SearchUnavailable",
        "error_message": "the index did not answer",
        "artist_id": "artist-ada",
        "artist_name": "Ada Verdigris",
        "artist_slug": "ada",
        "artwork_id": "w001",
        "artwork_title": "Quiet harbour",
        "key": "originals/artist-ada/w001/original",
        "body": '{"Records": [{"s3": {"object": {"key": "originals/artist-ada/w001/original"}}}]}',
    },
    {
        "id": "m2",
        "sent_at": "2026-01-01T01:00:00Z",
        "age_seconds": 90,
        "receive_count": 5,
        "error_class": "StoreUnavailable",
        "error_message": "throttled",
        "artist_id": "artist-bob",
        "artist_name": None,
        "artist_slug": None,
        "artwork_id": "w002",
        "artwork_title": None,
        "key": "originals/artist-bob/w002/original",
        "body": "{}",
    },
]
LOGIN_ROOT = {"email": "root@example.com", "password": "correct horse battery"}
PAGES = ["/admin/", "/admin/dlq", "/admin/dlq/m1", "/admin/reprocess", "/admin/reindex"]


@pytest.fixture
def letters(fake: FakeApi) -> FakeApi:
    """The fake with two dead-lettered messages."""
    fake.dead_letters = [dict(m) for m in MESSAGES]
    return fake


@pytest.mark.parametrize("page", PAGES)
def test_artists_never_see_an_admin_page(ada: FlaskClient, page: str) -> None:
    response = ada.get(page)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_artists_have_no_admin_link_and_admins_do(ada: FlaskClient, fake: FakeApi) -> None:
    assert ">Admin<" not in ada.get("/works").get_data(as_text=True)
    ada.post("/logout")
    ada.post("/login", data={"email": "root@example.com", "password": "correct horse battery"})
    assert ">Admin<" in ada.get("/works").get_data(as_text=True)


def count_of(page: str, label: str) -> str:
    """Return the number the audit shows under a label."""
    return page.split(f"<dt>{label}</dt><dd>")[1].split("</dd>")[0]


def test_the_audit_shows_each_count_with_its_label_and_the_uploads_in_flight(
    root: FlaskClient, letters: FakeApi
) -> None:
    for status in ("ready", "ready", "failed", "processing", "awaiting_upload"):
        letters.add_work("token-artist-ada", "W", status=status)
    page = root.get("/admin/").get_data(as_text=True)
    assert "Not everything is accounted for: see the dead-letter queue." in page
    shown = {
        label: count_of(page, label)
        for label in ("Ready", "Rejected", "Failed", "Deleted", "Processing", "In flight")
    }
    assert shown == {
        "Ready": "2",
        "Rejected": "0",
        "Failed": "1",
        "Deleted": "0",
        "Processing": "1",
        "In flight": "1",
    }
    assert count_of(page, "In the dead-letter queue") == "2"


def test_the_audit_lists_its_findings_as_words_with_the_work_key_and_detail(
    root: FlaskClient, fake: FakeApi
) -> None:
    fake.findings = [
        finding("unprocessed_original", "w001"),
        finding("index_lagging", None, repairable=False),
    ]
    page = root.get("/admin/").get_data(as_text=True)
    assert "2 findings not accounted for." in page
    table = page.split('id="findings"')[1].split("</table>")[0]
    first, second = table.split('<tr data-kind="')[1:]
    assert "Original that was never processed" in first and "<code>w001</code>" in first
    assert "<code>originals/artist-ada/w001/u1</code>" in first
    assert "unprocessed_original detail" in first and "<td>Yes</td>" in first
    assert "Search index lagging behind" in second and "<td>No</td>" in second
    assert "Repair what can be repaired" in page


def test_a_finding_links_to_the_work_in_the_gallery_when_its_url_is_set(fake: FakeApi) -> None:
    client = make_app(fake, GALLERY_URL="https://gallery.example/").test_client()
    log_in(client, "root")
    fake.findings = [finding("missing_renditions", "w 7")]
    page = client.get("/admin/").get_data(as_text=True)
    assert '<a href="https://gallery.example/artworks/w%207"><code>w 7</code></a>' in page


def test_a_clean_audit_offers_no_repair(root: FlaskClient, fake: FakeApi) -> None:
    page = root.get("/admin/").get_data(as_text=True)
    assert "Every uploaded original is accounted for." in page
    assert "Repair what can be repaired" not in page and 'id="findings"' not in page


def test_the_repair_button_posts_and_shows_what_was_repaired_and_what_is_left(
    root: FlaskClient, fake: FakeApi
) -> None:
    fake.findings = [
        finding("orphan_rendition", "w002"),
        finding("overdue", "w003"),
        finding("index_lagging", None, repairable=False),
    ]
    page = root.get("/admin/").get_data(as_text=True)
    form = page.split('action="/admin/audit/repair"')[1].split("</form>")[0]
    assert 'method="post"' in page.split('action="/admin/audit/repair"')[0].rsplit("<form", 1)[1]
    assert 'name="csrf_token"' in form and "Repair what can be repaired" in form
    done = root.post("/admin/audit/repair")
    shown = done.get_data(as_text=True)
    assert done.status_code == 200
    assert fake.last("POST", "/admin/audit").path == "/admin/audit/repair"
    assert "Repaired 2 findings; 1 left." in shown
    repaired = shown.split('id="repaired"')[1].split("</table>")[0]
    assert "Rendition that no work uses" in repaired and "Work past its deadline" in repaired
    left = shown.split('id="findings"')[1].split("</table>")[0]
    assert "Left to look at" in left and "Search index lagging behind" in left
    assert "Nothing here can be repaired automatically." in shown


def test_the_repair_needs_the_forms_csrf_token(fake: FakeApi) -> None:
    client = make_app(fake, WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(client)
    client.post("/login", data={**LOGIN_ROOT, "csrf_token": token})
    fake.findings = [finding("orphan_rendition", "w002")]
    assert client.post("/admin/audit/repair").status_code == 400
    assert fake.findings, "nothing was repaired"
    token = csrf_token(client, "/admin/")
    assert client.post("/admin/audit/repair", data={"csrf_token": token}).status_code == 200
    assert fake.findings == []


def test_artists_cannot_repair(ada: FlaskClient, fake: FakeApi) -> None:
    fake.findings = [finding("orphan_rendition", "w002")]
    assert ada.post("/admin/audit/repair").status_code == 404
    assert fake.findings and not [c for c in fake.calls if c.path == "/admin/audit/repair"]


def test_a_degraded_api_is_a_notice_with_its_reasons(root: FlaskClient, fake: FakeApi) -> None:
    fake.health = {
        "status": "degraded",
        "checks": {
            "workers": {"status": "failing", "reason": "No worker has polled for 5 minutes."},
            "queue": {"status": "ok", "reason": "fine"},
        },
    }
    page = root.get("/admin/").get_data(as_text=True)
    notice = page.split('id="health-notice"')[1].split("</div>")[0]
    assert 'role="alert"' in notice and "The API is degraded" in notice
    assert "Workers: No worker has polled for 5 minutes." in notice
    assert "Queue:" not in notice


def test_a_healthy_api_says_so_quietly(root: FlaskClient) -> None:
    page = root.get("/admin/").get_data(as_text=True)
    notice = page.split('id="health-notice"')[1].split("</p>")[0]
    assert "The API is healthy" in notice and "alert" not in notice


def test_an_unreadable_health_is_said_and_the_audit_still_shows(
    root: FlaskClient, fake: FakeApi
) -> None:
    fake.health = {"unexpected": True}
    page = root.get("/admin/").get_data(as_text=True)
    assert "health could not be read" in page and "Audit: every upload accounted for?" in page


def test_the_dead_letter_list_shows_error_artist_and_age_and_filters(
    root: FlaskClient, letters: FakeApi
) -> None:
    page = root.get("/admin/dlq").get_data(as_text=True)
    assert "SearchUnavailable" in page and "Ada Verdigris" in page and "2 h" in page
    assert "2 messages failed every retry" in page
    filtered = root.get("/admin/dlq?error_class=StoreUnavailable").get_data(as_text=True)
    assert "artist-bob" in filtered and "Ada Verdigris" not in filtered
    by_slug = root.get("/admin/dlq?artist=ada").get_data(as_text=True)
    assert "Quiet harbour" in by_slug and "artist-bob" not in by_slug


def test_dead_letters_name_the_artist_and_work_instead_of_their_ids(
    root: FlaskClient, letters: FakeApi
) -> None:
    page = root.get("/admin/dlq").get_data(as_text=True)
    row = page.split('value="m1"')[1].split("</tr>")[0]
    assert "Ada Verdigris" in row and "(ada)" in row and "&ldquo;Quiet harbour&rdquo;" in row
    assert "artist-ada" not in row and ">w001<" not in row
    unnamed = page.split('value="m2"')[1].split("</tr>")[0]
    assert "artist-bob" in unnamed and "w002" in unnamed, "without a record the id is shown"
    inspected = root.get("/admin/dlq/m1").get_data(as_text=True)
    assert "Ada Verdigris" in inspected and "Quiet harbour" in inspected
    assert "artist-ada" in inspected, "the message page keeps the ids for operators"
    preview = root.post("/admin/dlq/replay", data={"ids": ["m1"]}).get_data(as_text=True)
    assert "&ldquo;Quiet harbour&rdquo; by Ada Verdigris" in preview


def test_a_message_can_be_inspected_with_its_body(root: FlaskClient, letters: FakeApi) -> None:
    page = root.get("/admin/dlq/m1").get_data(as_text=True)
    assert "the index did not answer" in page
    assert "&#34;Records&#34;" in page or "&quot;Records&quot;" in page
    assert root.get("/admin/dlq/missing").status_code == 404


def test_a_replay_is_previewed_as_a_dry_run_before_anything_moves(
    root: FlaskClient, letters: FakeApi
) -> None:
    preview = root.post("/admin/dlq/replay", data={"ids": ["m1"]})
    shown = preview.get_data(as_text=True)
    assert "1 message would go back onto the queue" in shown and "Replay 1 message<" in shown
    assert letters.last("POST", "/admin/dlq/replay").json == {"ids": ["m1"], "dry_run": True}
    assert len(letters.dead_letters) == 2
    done = root.post("/admin/dlq/replay", data={"ids": ["m1"], "confirm": "yes"})
    assert done.location == "/admin/dlq"
    assert letters.last("POST", "/admin/dlq/replay").json == {"ids": ["m1"], "dry_run": False}
    assert [m["id"] for m in letters.dead_letters] == ["m2"]


def test_a_replay_by_filter_sends_the_filters(root: FlaskClient, letters: FakeApi) -> None:
    form = {"error_class": "StoreUnavailable", "artist": "", "older_than": "60"}
    root.post("/admin/dlq/replay", data=form)
    assert letters.last("POST", "/admin/dlq/replay").json == {
        "error_class": "StoreUnavailable",
        "older_than": 60,
        "dry_run": True,
    }


def test_purging_needs_confirmation(root: FlaskClient, letters: FakeApi) -> None:
    question = root.get("/admin/dlq/purge").get_data(as_text=True)
    assert "Delete all 2 dead-lettered messages?" in question and "Purge 2 messages" in question
    root.post("/admin/dlq/purge")
    assert len(letters.dead_letters) == 2
    done = root.post("/admin/dlq/purge", data={"confirm": "yes"}, follow_redirects=True)
    assert "Purged 2 messages." in done.get_data(as_text=True)
    assert letters.dead_letters == []
    assert letters.last("POST", "/admin/dlq/purge").json == {"confirm": True}


def test_reprocess_previews_then_runs(root: FlaskClient, fake: FakeApi) -> None:
    fake.add_work("token-artist-ada", "W", status="ready")
    form = {"artist": "ada", "status": "ready", "outdated": "on"}
    preview = root.post("/admin/reprocess", data=form).get_data(as_text=True)
    assert "1 work matches" in preview and "Reprocess 1 work<" in preview
    assert fake.last("POST", "/admin/reprocess").json == {
        "artist": "ada",
        "status": "ready",
        "outdated": True,
        "dry_run": True,
    }
    root.post("/admin/reprocess", data={**form, "confirm": "yes"})
    assert fake.last("POST", "/admin/reprocess").json["dry_run"] is False


def test_reindex_answers_scripts_with_the_task_to_poll(root: FlaskClient, fake: FakeApi) -> None:
    fake.add_work("token-artist-ada", "W")
    answer = root.post("/admin/reindex", headers={"X-Requested-With": "XMLHttpRequest"})
    assert answer.json["task"]["id"] == "t1"
    polled = root.get(answer.json["poll"])
    assert polled.json["task"]["done"] == 1
    assert 'id="reindex-bar"' in root.get("/admin/reindex").get_data(as_text=True)


def test_a_missing_admin_api_gets_a_clear_page(root: FlaskClient, fake: FakeApi) -> None:
    fake.admin_api = False
    response = root.get("/admin/dlq")
    assert response.status_code == 503
    assert "admin API is not available" in response.get_data(as_text=True)


def test_a_whole_queue_replay_shows_the_move_and_can_cancel_it(
    root: FlaskClient, letters: FakeApi
) -> None:
    preview = root.post("/admin/dlq/replay", data={}).get_data(as_text=True)
    assert "2 messages would go back onto the queue" in preview
    done = root.post("/admin/dlq/replay", data={"confirm": "yes"})
    assert done.location == "/admin/dlq/moves/move/1"
    page = root.get(done.location).get_data(as_text=True)
    assert "Replayed 2 messages onto the queue." in page
    assert 'data-state="RUNNING"' in page and "0 of 2" in page
    assert "Cancel the replay" in page and "/static/admin.js" in page
    assert letters.last("GET", "/admin/dlq/moves/").path == "/admin/dlq/moves/move%2F1"
    polled = root.get(done.location, headers={"X-Requested-With": "XMLHttpRequest"})
    assert polled.json["task"]["status"] == "RUNNING"
    cancelled = root.post("/admin/dlq/moves/move/1/cancel", follow_redirects=True)
    shown = cancelled.get_data(as_text=True)
    assert "being cancelled" in shown and "Cancelling" in shown
    assert "Cancel the replay" not in shown


def test_an_unknown_move_is_the_studios_404(root: FlaskClient, letters: FakeApi) -> None:
    assert root.get("/admin/dlq/moves/nope").status_code == 404
    assert root.post("/admin/dlq/moves/nope/cancel").status_code == 404


@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 messages"), (1, "1 message"), (2, "2 messages")]
)
def test_counts_read_in_the_right_number(count: int, text: str) -> None:
    assert plural(count, "message") == text
