"""Used upload forms are remembered by marker files named after their expiry."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.blobstore import UploadRefused
from storage.used_forms import FORM_USED_MESSAGE, UsedForms, has_expired, marker_name

EXPIRES = 1_700_000_900


def test_a_marker_name_starts_with_the_expiry_and_is_the_same_for_the_same_form() -> None:
    name = marker_name("policy-a", EXPIRES + 0.7)

    assert name.startswith(f"{EXPIRES}-")
    assert name == marker_name("policy-a", EXPIRES)
    assert name != marker_name("policy-b", EXPIRES)


def test_a_marker_expires_when_its_form_does() -> None:
    name = marker_name("policy-a", EXPIRES)

    assert not has_expired(name, EXPIRES - 1)
    assert has_expired(name, EXPIRES)


@pytest.mark.parametrize("name", ["notes.txt", "12-short", "soon-" + "0" * 64])
def test_a_file_that_is_not_a_marker_never_expires(name: str) -> None:
    assert not has_expired(name, float("inf"))


def test_a_form_is_claimed_once(tmp_path: Path) -> None:
    forms = UsedForms(tmp_path, lambda: EXPIRES - 100)
    forms.claim("policy-a", EXPIRES)

    with pytest.raises(UploadRefused) as refused:
        forms.claim("policy-a", EXPIRES)

    assert (refused.value.code, refused.value.message) == ("form_used", FORM_USED_MESSAGE)


def test_a_claim_whose_work_fails_leaves_the_form_usable(tmp_path: Path) -> None:
    forms = UsedForms(tmp_path, lambda: EXPIRES - 100)

    with pytest.raises(OSError), forms.claimed("policy-a", EXPIRES):
        raise OSError("the disk is full")

    forms.claim("policy-a", EXPIRES)


def test_a_claim_forgets_the_forms_that_have_expired(tmp_path: Path) -> None:
    now = [EXPIRES - 100.0]
    forms = UsedForms(tmp_path, lambda: now[0])
    forms.claim("policy-a", EXPIRES)
    now[0] = EXPIRES

    forms.claim("policy-b", EXPIRES + 900)

    assert sorted(p.name for p in tmp_path.iterdir()) == [marker_name("policy-b", EXPIRES + 900)]
