"""Multipart bodies written part by part, in any order, for tests of the upload endpoint."""

from __future__ import annotations

from dataclasses import dataclass

BOUNDARY = "copper-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


@dataclass(frozen=True)
class Part:
    """One form part: a text field, or a file when it has a `filename`."""

    name: str
    data: bytes
    filename: str | None = None


def text_parts(fields: dict[str, str]) -> list[Part]:
    """Return the fields as text parts, in their order."""
    return [Part(name, value.encode("utf-8")) for name, value in fields.items()]


def file_part(data: bytes, name: str = "file", filename: str = "work.jpg") -> Part:
    """Return a JPEG file part."""
    return Part(name, data, filename)


def multipart_body(parts: list[Part], *, closed: bool = True) -> bytes:
    """Return the body carrying `parts` in order (without its closing boundary if not closed)."""
    chunks = []
    for part in parts:
        disposition = f'form-data; name="{part.name}"'
        headers = f"Content-Disposition: {disposition}\r\n"
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
            headers = f"Content-Disposition: {disposition}\r\nContent-Type: image/jpeg\r\n"
        chunks.append(f"--{BOUNDARY}\r\n{headers}\r\n".encode() + part.data + b"\r\n")
    if closed:
        chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)
