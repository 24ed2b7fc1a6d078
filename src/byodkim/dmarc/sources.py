"""Every form receivers send reports in, opened one report at a time.

A path is a file, a folder (read recursively, in name order) or ``s3://BUCKET/PREFIX``. A file is
recognised by its first bytes, not its name, because reports arrive renamed and with odd
content types: XML, gzip, zip, one mail (.eml) or an mbox, the report attached to the mail as
gzip, zip or XML under any content type. Each report is read and handed on before the next
is opened; decompression stops at ``LIMIT`` bytes, so a zip bomb is one error, not a full disk.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import zipfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from byodkim.dmarc.model import FileError, Report
from byodkim.dmarc.reasons import reason
from byodkim.dmarc.xmlreport import UnreadableError, read_xml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from email.message import Message

    from _typeshed import WriteableBuffer
    from mypy_boto3_s3 import S3Client

    S3Reader = Callable[[str, str], Iterator[tuple[str, bytes]]]

GZIP = b"\x1f\x8b"
ZIP = b"PK\x03\x04"
LIMIT = 512 * 1024 * 1024  # decompressed bytes per report; the largest real reports are a few MiB
Found = Report | FileError


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Stream(io.RawIOBase):
    """``head`` then the rest of ``inner``; fails once more than ``LIMIT`` bytes came out (a decompression bomb)."""

    def __init__(self, head: bytes, inner: _Reader) -> None:
        self._head = head
        self._inner = inner
        self._left = LIMIT

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            data, self._head = self._head[: len(view)], self._head[len(view) :]
        else:
            data = self._inner.read(min(len(view), self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise UnreadableError("too_big", mib=LIMIT // 1024 // 1024)
        view[: len(data)] = data
        return len(data)


def _peeked(inner: _Reader, size: int) -> tuple[bytes, io.BufferedReader]:
    """Return the first ``size`` bytes of ``inner`` and a reader that still starts at the first byte."""
    head = inner.read(size)
    return head, io.BufferedReader(_Stream(head, inner))


def _xml_like(head: bytes) -> bool:
    if head.startswith((b"\xfe\xff", b"\xff\xfe")):
        return True  # UTF-16: read_xml refuses it by name
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"<")


def _read(name: str, opener: Callable[[], IO[bytes]]) -> Iterator[Found]:
    try:
        with opener() as stream:
            yield from _sniffed(name, stream)
    except UnreadableError as exc:
        yield FileError(name, str(exc), exc.key, exc.values)
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as exc:
        error = UnreadableError("unreadable", detail=exc)
        yield FileError(name, str(error), error.key, error.values)


def _sniffed(name: str, stream: IO[bytes]) -> Iterator[Found]:
    head, buffered = _peeked(stream, 512)
    if head.startswith(GZIP):
        with gzip.GzipFile(fileobj=buffered) as inner:
            first, unpacked = _peeked(inner, 64)
            if not _xml_like(first):
                raise UnreadableError("gzip_not_xml")
            yield read_xml(unpacked, name)
    elif head.startswith(ZIP):
        yield from _zip(name, io.BytesIO(buffered.read()))
    elif _xml_like(head):
        yield read_xml(buffered, name)
    elif head.startswith(b"From "):
        yield from _mbox(name, buffered)
    elif b":" in head.split(b"\n", 1)[0]:
        yield from _mail(name, buffered.read())
    else:
        raise UnreadableError("not_a_report_file")


def _zip(name: str, data: IO[bytes]) -> Iterator[Found]:
    with zipfile.ZipFile(data) as archive:
        members = [m for m in archive.infolist() if not m.is_dir() and "__MACOSX" not in m.filename]
        if not members:
            raise UnreadableError("zip_empty")
        for member in members:
            label = name if len(members) == 1 else f"{name}:{member.filename}"
            yield from _read(label, functools.partial(archive.open, member))


def _attachments(message: Message) -> Iterator[bytes]:
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            continue
        # The content type is not trusted (application/octet-stream, text/plain...): the bytes are.
        if payload.startswith((GZIP, ZIP)) or (_xml_like(payload[:64]) and b"feedback" in payload[:4096]):
            yield payload


def _mail(name: str, data: bytes) -> Iterator[Found]:
    from email import message_from_bytes

    found = False
    message = message_from_bytes(data)
    for number, payload in enumerate(_attachments(message), 1):
        found = True
        label = name if number == 1 else f"{name}#{number}"
        yield from _read(label, functools.partial(io.BytesIO, payload))
    if not found:
        raise UnreadableError("mail_without_report")


def _mbox(name: str, stream: IO[bytes]) -> Iterator[Found]:
    """Split an mbox on its ``From `` lines, one message at a time (mailbox.mbox would index it all first)."""
    lines: list[bytes] = []
    number = 0

    def flush() -> Iterator[Found]:
        label = f"{name} (message {number})"
        try:
            yield from _mail(label, b"".join(lines))
        except UnreadableError as exc:
            yield FileError(label, str(exc), exc.key, exc.values)

    for line in stream:
        if line.startswith(b"From ") and lines:
            yield from flush()
            lines.clear()
        if line.startswith(b"From ") and not lines:
            number += 1
            lines.append(b"")  # the separator line is not part of the message
            continue
        lines.append(line[1:] if line.startswith(b">From ") else line)
    if lines:
        yield from flush()


def _opener(file: Path) -> Callable[[], IO[bytes]]:
    return lambda: file.open("rb")


def _files(path: Path) -> Iterator[Path]:
    """Yield the files under ``path`` in name order, one folder listed at a time (a year of reports is many)."""
    if not path.is_dir():
        yield path
        return
    with os.scandir(path) as listing:
        entries = sorted((entry.name, entry.is_dir()) for entry in listing if not entry.name.startswith("."))
    for name, is_dir in entries:
        yield from _files(path / name) if is_dir else (path / name,)


def read_paths(paths: Sequence[str], s3: S3Reader | None = None) -> Iterator[Found]:
    """Yield every report in ``paths`` (files, folders, ``s3://`` prefixes), and one error per unreadable file.

    ``s3(bucket, prefix)`` yields ``(key, body)`` for every object under the prefix.
    """
    for given in paths:
        if given.startswith("s3://"):
            bucket, _, prefix = given[5:].partition("/")
            if s3 is None:
                yield FileError(given, reason("no_s3"), "no_s3")
                continue
            for key, body in s3(bucket, prefix):
                yield from _read(f"s3://{bucket}/{key}", functools.partial(io.BytesIO, body))
            continue
        path = Path(given)
        if not path.exists():
            yield FileError(given, reason("missing"), "missing")
            continue
        for file in _files(path):
            yield from _read(str(file), _opener(file))


def s3_reader(client: S3Client) -> S3Reader:
    """Return a reader of ``s3://BUCKET/PREFIX`` through ``client``: every object under the prefix, one at a time."""

    def read(bucket: str, prefix: str) -> Iterator[tuple[str, bytes]]:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"], client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()

    return read
