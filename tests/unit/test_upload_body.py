"""An upload body is read as S3 reads a POST: the fields, then one file, then nothing."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from werkzeug.datastructures import Headers
from werkzeug.sansio.multipart import Epilogue, Field, File

from storage.blobstore import UploadRefused
from storage.multipart import (
    UploadBody,
    check_after_file,
    check_field,
    check_file_part,
    check_file_size,
    declared_length,
)
from testkit.multipart import BOUNDARY, Part, file_part, multipart_body, text_parts

FIELDS = {"key": "originals/A1/W1", "Content-Type": "image/jpeg", "policy": "p", "signature": "s"}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def body_of(parts: list[Part], *, closed: bool = True) -> UploadBody:
    """Return an UploadBody over the multipart encoding of `parts`."""
    return UploadBody(io.BytesIO(multipart_body(parts, closed=closed)), BOUNDARY.encode())


def refusal(call: Callable[[], object]) -> tuple[str, str]:
    """Return the code and message of the UploadRefused that `call()` raises."""
    with pytest.raises(UploadRefused) as refused:
        call()
    return refused.value.code, refused.value.message


def test_a_new_field_name_is_accepted() -> None:
    assert check_field("policy", ["key"]) == "policy"


@pytest.mark.parametrize("seen", [["key"], ["Key"]])
def test_a_field_seen_before_in_any_case_is_malformed(seen: list[str]) -> None:
    assert refusal(lambda: check_field("key", seen))[0] == "malformed"


@pytest.mark.parametrize("name", ["", None, "file"])
def test_a_nameless_field_or_a_text_field_named_file_is_malformed(name: str | None) -> None:
    assert refusal(lambda: check_field(name, []))[0] == "malformed"


def test_the_file_part_must_be_named_file() -> None:
    check_file_part("file")

    assert refusal(lambda: check_file_part("image"))[0] == "malformed"
    assert refusal(lambda: check_file_part(None))[0] == "malformed"


def test_no_part_may_follow_the_file() -> None:
    check_after_file(Epilogue(b""))

    assert refusal(lambda: check_after_file(Field("x-ignore-a", Headers())))[0] == "malformed"
    assert refusal(lambda: check_after_file(File("file", "b.jpg", Headers())))[0] == "malformed"


def test_an_empty_file_is_too_small_whatever_the_policy() -> None:
    check_file_size(1)

    assert refusal(lambda: check_file_size(0))[0] == "too_small"


@pytest.mark.parametrize(("header", "length"), [("64", 64), (" 7 ", 7), ("-1", None), (None, None)])
def test_a_part_s_declared_length_is_a_number_or_nothing(header: str | None, length: int) -> None:
    assert declared_length(header) == length


def test_a_well_formed_body_gives_its_fields_then_its_file() -> None:
    body = body_of([*text_parts(FIELDS), file_part(JPEG)])

    assert body.fields() == FIELDS
    assert body.file.read() == JPEG


def test_a_second_file_part_is_malformed_when_the_first_file_ends() -> None:
    body = body_of([*text_parts(FIELDS), file_part(JPEG), file_part(JPEG)])
    body.fields()

    assert refusal(body.file.read) == ("malformed", "the file must be the last part of the form")


def test_a_field_after_the_file_is_malformed() -> None:
    body = body_of([*text_parts(FIELDS), file_part(JPEG), Part("x-ignore-late", b"1")])
    body.fields()

    assert refusal(body.file.read)[0] == "malformed"


def test_a_file_part_under_another_name_is_malformed_before_any_byte_of_it_is_read() -> None:
    body = body_of([*text_parts(FIELDS), file_part(JPEG, name="image")])

    assert refusal(body.fields)[0] == "malformed"


def test_a_body_without_a_file_is_malformed() -> None:
    assert refusal(body_of(text_parts(FIELDS)).fields)[0] == "malformed"


def test_a_repeated_field_is_malformed() -> None:
    body = body_of([*text_parts(FIELDS), Part("Key", b"originals/A1/W2"), file_part(JPEG)])

    assert refusal(body.fields)[0] == "malformed"


def test_a_file_part_with_an_empty_body_is_too_small() -> None:
    body = body_of([*text_parts(FIELDS), file_part(b"")])
    body.fields()

    assert refusal(body.file.read)[0] == "too_small"


def test_a_body_cut_off_inside_the_file_is_malformed() -> None:
    body = body_of([*text_parts(FIELDS), file_part(JPEG)], closed=False)
    body.fields()

    assert refusal(body.file.read)[0] == "malformed"


def test_a_field_that_is_not_utf8_is_malformed() -> None:
    body = body_of([Part("key", b"\xff\xfe"), file_part(JPEG)])

    assert refusal(body.fields)[0] == "malformed"
