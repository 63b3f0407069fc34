"""The artwork lifecycle: named pure transitions, and a deadline on every state that waits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content import lifecycle
from content.lifecycle import NotAllowed
from content.model import Artwork, OriginalObject, Status, Visibility

WORK = Artwork("w1", "a1", "Tide")
ORIGINAL = OriginalObject("originals/a1/w1/u1", sequencer="0A")
SOON = "2026-12-06T12:00:00.000Z"
LATER = "2026-12-06T13:00:00.000Z"


def in_state(status: Status, **changes: object) -> Artwork:
    """Return the work in `status`, with an applied original."""
    return replace(WORK, status=status, original=ORIGINAL, **changes)


def test_a_form_for_a_work_awaiting_its_file_sets_a_deadline() -> None:
    issued = lifecycle.issue_upload(WORK, "u1", SOON)
    assert (issued.status, issued.upload_id, issued.deadline) == (
        Status.AWAITING_UPLOAD,
        "u1",
        SOON,
    )


@pytest.mark.parametrize("status", [Status.READY, Status.REJECTED, Status.FAILED])
def test_a_processed_work_takes_a_new_form_and_keeps_its_state_until_the_file_arrives(
    status: Status,
) -> None:
    issued = lifecycle.issue_upload(in_state(status), "u2", SOON)
    assert (issued.status, issued.upload_id, issued.deadline) == (status, "u2", None)


@pytest.mark.parametrize("status", [Status.PROCESSING, Status.DELETED])
def test_a_work_being_processed_or_deleted_takes_no_form(status: Status) -> None:
    with pytest.raises(NotAllowed):
        lifecycle.issue_upload(in_state(status), "u2", SOON)


def test_processing_has_a_deadline_and_a_ready_work_stays_public_while_its_file_is_replaced() -> (
    None
):
    started = lifecycle.start_processing(in_state(Status.FAILED, error_class="X"), SOON)
    assert (started.status, started.deadline, started.error_class) == (
        Status.PROCESSING,
        SOON,
        None,
    )
    public = in_state(Status.READY, visibility=Visibility.PUBLISHED)
    replacing = lifecycle.start_processing(public, SOON)
    assert replacing.is_public and replacing.deadline == SOON


def test_a_rejected_work_cannot_be_processed_again_because_its_file_is_not_kept() -> None:
    with pytest.raises(NotAllowed):
        lifecycle.request_reprocess(in_state(Status.REJECTED), "r1", SOON)
    retried = lifecycle.request_reprocess(in_state(Status.FAILED), "r1", SOON)
    assert (retried.status, retried.reprocess_request, retried.deadline) == (
        Status.PROCESSING,
        "r1",
        SOON,
    )


def test_finishing_uses_up_the_form_that_delivered_the_file_and_clears_the_deadline() -> None:
    processing = replace(in_state(Status.PROCESSING), upload_id="u1", deadline=SOON, original=None)
    ready = lifecycle.finish_ready(processing, ORIGINAL, (), {"width": 1}, "v1", None)
    assert (ready.status, ready.upload_id, ready.deadline) == (Status.READY, None, None)
    later_form = replace(processing, upload_id="u9")
    assert lifecycle.finish_ready(later_form, ORIGINAL, (), {}, "v1", None).upload_id == "u9"


def test_a_refused_file_rejects_a_new_work_but_a_ready_work_keeps_its_image() -> None:
    rejected = lifecycle.reject(in_state(Status.PROCESSING), ORIGINAL, "It is damaged.")
    assert (rejected.status, rejected.rejection_reason) == (Status.REJECTED, "It is damaged.")
    replacement = OriginalObject("originals/a1/w1/u2", sequencer="01")
    kept = lifecycle.reject(in_state(Status.READY, renditions=({"key": "k"},)), replacement, "No.")
    assert kept.status is Status.READY and kept.original == ORIGINAL
    assert kept.renditions == ({"key": "k"},)
    assert kept.rejection_reason and kept.rejection_reason.endswith("No.")


def test_failing_records_the_reason_and_error_class_but_never_fails_a_ready_work() -> None:
    failed = lifecycle.fail(in_state(Status.PROCESSING, deadline=SOON), "Sorry.", "WorkerLost")
    assert (failed.status, failed.rejection_reason, failed.error_class, failed.deadline) == (
        Status.FAILED,
        "Sorry.",
        "WorkerLost",
        None,
    )
    pending = in_state(Status.READY, reprocess_request="r1", deadline=SOON)
    still_ready = lifecycle.fail(pending, "Sorry.", "WorkerLost")
    assert (still_ready.status, still_ready.reprocess_request, still_ready.deadline) == (
        Status.READY,
        None,
        None,
    )


def test_expiring_names_what_was_late() -> None:
    lost_upload = lifecycle.expire(lifecycle.issue_upload(WORK, "u1", SOON))
    assert (lost_upload.status, lost_upload.error_class, lost_upload.upload_id) == (
        Status.FAILED,
        "UploadNotReceived",
        None,
    )
    assert lost_upload.rejection_reason == lifecycle.UPLOAD_LOST
    stuck = lifecycle.expire(in_state(Status.PROCESSING, deadline=SOON))
    assert (stuck.status, stuck.error_class) == (Status.FAILED, "ProcessingOverdue")


def test_overdue_means_a_deadline_at_or_before_now() -> None:
    waiting = in_state(Status.PROCESSING, deadline=SOON)
    assert lifecycle.is_overdue(waiting, LATER) and lifecycle.is_overdue(waiting, SOON)
    assert not lifecycle.is_overdue(waiting, "2026-12-06T11:59:59.999Z")
    assert not lifecycle.is_overdue(in_state(Status.READY), LATER)


def test_deleting_voids_forms_and_requests_and_hides_the_work() -> None:
    published = in_state(
        Status.READY, visibility=Visibility.PUBLISHED, upload_id="u2", reprocess_request="r"
    )
    deleted = lifecycle.delete(published)
    assert lifecycle.is_deleted(deleted) and not deleted.is_public
    assert (deleted.upload_id, deleted.reprocess_request, deleted.deadline) == (None, None, None)


def test_a_work_in_no_waiting_state_has_no_deadline_after_any_transition() -> None:
    for settled in (
        lifecycle.finish_ready(in_state(Status.PROCESSING), ORIGINAL, (), {}, "v", None),
        lifecycle.reject(in_state(Status.PROCESSING), ORIGINAL, "x"),
        lifecycle.fail(in_state(Status.PROCESSING), "x", "y"),
        lifecycle.delete(in_state(Status.PROCESSING)),
    ):
        assert settled.status in lifecycle.TERMINAL and settled.deadline is None


def test_a_file_that_arrives_becomes_the_original_of_a_new_work_but_not_of_a_ready_one() -> None:
    arrived = OriginalObject("originals/a1/w1/u2", 10)
    waiting = lifecycle.receive_file(replace(WORK, upload_id="u2"), arrived, SOON)
    assert (waiting.status, waiting.original, waiting.deadline) == (
        Status.PROCESSING,
        arrived,
        SOON,
    )
    ready = in_state(Status.READY, visibility=Visibility.PUBLISHED)
    replacing = lifecycle.receive_file(ready, arrived, SOON)
    assert replacing.original == ORIGINAL and replacing.is_public


def test_moving_the_focal_point_of_a_ready_work_renders_it_again_and_nothing_else_does() -> None:
    moved = lifecycle.move_focal_point(in_state(Status.READY), (0.2, 0.8), "r1", SOON)
    assert (moved.focal_point, moved.status, moved.reprocess_request, moved.deadline) == (
        (0.2, 0.8),
        Status.READY,
        "r1",
        SOON,
    )
    same = in_state(Status.READY, focal_point=(0.2, 0.8))
    assert lifecycle.move_focal_point(same, (0.2, 0.8), "r2", SOON) == same
    waiting = lifecycle.move_focal_point(WORK, None, "r3", SOON)
    assert (waiting.focal_point, waiting.reprocess_request) == (None, None)


def test_publishing_dates_the_first_publication_only() -> None:
    published = lifecycle.set_visibility(WORK, Visibility.PUBLISHED, SOON)
    assert (published.visibility, published.published_at) == (Visibility.PUBLISHED, SOON)
    hidden = lifecycle.set_visibility(published, Visibility.DRAFT, LATER)
    again = lifecycle.set_visibility(hidden, Visibility.PUBLISHED, LATER)
    assert (hidden.visibility, again.published_at) == (Visibility.DRAFT, SOON)


def test_a_dead_lettered_work_fails_and_keeps_the_file_that_arrived_for_a_retry() -> None:
    arrived = OriginalObject("originals/a1/w1/u1", 10)
    failed = lifecycle.fail_dead_lettered(replace(WORK, upload_id="u1"), "WorkerLost", arrived)
    assert (failed.status, failed.error_class, failed.original) == (
        Status.FAILED,
        "WorkerLost",
        arrived,
    )
    assert failed.rejection_reason == lifecycle.DEAD_LETTERED
    pending = in_state(Status.READY, reprocess_request="r1", deadline=SOON)
    still_ready = lifecycle.fail_dead_lettered(pending, "WorkerLost", arrived)
    assert (still_ready.status, still_ready.original) == (Status.READY, ORIGINAL)


def test_only_a_work_still_past_its_deadline_expires() -> None:
    waiting = in_state(Status.PROCESSING, deadline=LATER)
    assert lifecycle.expire_overdue(waiting, SOON) == waiting
    expired = lifecycle.expire_overdue(waiting, LATER)
    assert (expired.status, expired.error_class) == (Status.FAILED, "ProcessingOverdue")
