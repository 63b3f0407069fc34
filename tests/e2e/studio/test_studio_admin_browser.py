"""An admin in a real browser: lands on the admin pages, reads an unreadable dead letter
plainly, with times as people say them, and cannot purge an empty queue."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ConsoleWatch
from tests.e2e.studio.conftest import PASSWORD, Studio, make_admin

pytestmark = pytest.mark.browser


def test_an_admin_lands_on_the_audit_and_reads_an_unreadable_dead_letter(
    studio: Studio, page: tuple[Any, ConsoleWatch], artifacts: Path
) -> None:
    tab, watch = page
    # GIVEN a message that is not an upload event, dead-lettered
    message_id = studio.stack.services.queue.send("this is not JSON at all")
    deadline = time.monotonic() + 60
    while not studio.stack.services.maintenance().dead_letters():
        assert time.monotonic() < deadline, "the message never reached the dead-letter queue"
        time.sleep(0.2)
    # WHEN an admin logs in THEN the audit is the first page they see
    tab.goto(f"{studio.url}/login")
    tab.get_by_label("E-mail address").fill(make_admin(studio.stack))
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("heading", name="Audit: every upload accounted for?").wait_for()
    assert tab.url.endswith("/admin/")
    # AND the dead-letter list names the message plainly, sent "… ago" with the exact time
    tab.get_by_role("link", name="Dead letters").click()
    row = tab.locator("table.dlq tbody tr", has_text="Unreadable message (not an upload event)")
    sent = row.locator("time")
    assert sent.inner_text().endswith("ago") or sent.inner_text() == "just now"
    assert sent.get_attribute("title").endswith(" UTC")
    tab.screenshot(path=str(artifacts / "studio-admin-unreadable.png"), full_page=True)
    # AND its replay preview shows its first bytes, not dashes
    row.get_by_role("checkbox").check()
    tab.get_by_role("button", name="Preview replay").click()
    item = tab.locator(f'li[data-message="{message_id}"]')
    assert "this is not JSON at all" in item.inner_text()
    assert "— by —" not in item.inner_text()
    # WHEN the queue is purged THEN purging again is disabled, with nothing to purge
    tab.goto(f"{studio.url}/admin/dlq/purge")
    tab.get_by_role("button", name="Purge 1 message").click()
    tab.get_by_text("Purged 1 message.").wait_for()
    tab.goto(f"{studio.url}/admin/dlq/purge")
    tab.get_by_text("nothing to purge").first.wait_for()
    assert tab.get_by_role("button", name="Purge").is_disabled()
    assert watch.errors == []
