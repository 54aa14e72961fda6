"""A ZIP of stored files, streamed as it is made: no temporary file, no whole file in memory.

`stream_zip_of(entries)` takes (path, blob or None for a folder, modified_at) and yields the
archive's bytes, built by the `stream-zip` library: each member is read from the blob store
in chunks and deflated on the way (stored as-is, level 0, when its type is already
compressed). Members switch to ZIP64 by themselves past 4 GiB, and so does the central
directory, so archives of any size open in every unzip tool. Names are UTF-8 (flagged so),
made safe to extract anywhere (no absolute path, no `..`, no backslash, no control or
Windows-forbidden character), and made unique (case-insensitively, as on Windows and macOS):
a second "Report.pdf" in one folder becomes "Report (2).pdf", and folders listed twice
(or whose names differ only by case) are one. Modification times are kept
(local time in the DOS fields, UTC in the extended timestamp).
"""

from __future__ import annotations

import stat
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from stream_zip import ZIP_AUTO, stream_zip

from atrium.kernel import blobstore
from atrium.kernel.models import Blob

Entry = tuple[str, Blob | None, datetime]

FILE_MODE = stat.S_IFREG | 0o644
FOLDER_MODE = stat.S_IFDIR | 0o755
FORBIDDEN = set('<>:"|?*')  # not allowed in Windows file names
MAX_PART = 255
EARLIEST = datetime(1980, 1, 2, tzinfo=UTC)  # DOS dates start on 1980-01-01, local time
LATEST = datetime(2038, 1, 19, 3, 14, 6, tzinfo=UTC)  # the extended timestamp is 32-bit
# Deflating these gains next to nothing and costs most of the time: store them (level 0).
COMPRESSED_PREFIXES = ("image/jpeg", "image/png", "image/gif", "image/webp", "audio/",
                       "video/", "application/zip", "application/gzip",
                       "application/x-7z", "application/x-rar", "application/x-bzip",
                       "application/x-xz", "application/zstd", "application/pdf",
                       "application/vnd.openxmlformats", "application/vnd.oasis")


def stream_zip_of(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The bytes of a ZIP holding `entries` (path with "/" between folders, the blob or None
    for a folder, its modification time), streamed."""
    return iter(stream_zip(_members(entries), chunk_size=blobstore.CHUNK // 4))


def _members(entries: Iterable[Entry]) -> Iterator[Any]:
    names = UniqueNames()
    for path, blob, modified_at in entries:
        when = _dos_time(modified_at)
        if blob is None:
            name = names.folder(path)
            if name is not None:
                yield f"{name}/", when, FOLDER_MODE, ZIP_AUTO(0), ()
        else:
            name = names.file(path)
            yield name, when, FILE_MODE, ZIP_AUTO(blob.size, level=_level(blob.mime_type)), \
                _chunks(blob)


def _chunks(blob: Blob) -> Iterator[bytes]:
    """The blob's bytes, a chunk at a time; opened only when the archive reaches it."""
    with blobstore.open_blob(blob) as stream:
        while chunk := stream.read(blobstore.CHUNK):
            yield chunk


def _level(mime_type: str) -> int:
    if mime_type.startswith(COMPRESSED_PREFIXES):
        return 0
    return 6 if mime_type.startswith("text/") else 1


def _dos_time(value: datetime) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(min(max(value, EARLIEST), LATEST))


def safe_part(raw: str) -> str:
    """One path component fit for any file system: no control or forbidden character, no
    space around it nor dot at its end (Windows drops them; "." and ".." become empty), at
    most 255 UTF-8 bytes."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join("_" if ch in FORBIDDEN else ch for ch in text
                   if not unicodedata.category(ch).startswith("C"))
    text = text.lstrip(" ").rstrip(". ")
    if len(text.encode("utf-8")) > MAX_PART:
        stem, dot, ext = text.rpartition(".")
        if not (stem and 0 < len(ext.encode("utf-8")) <= 16):
            stem, dot, ext = text, "", ""
        room = MAX_PART - len(f"{dot}{ext}".encode())
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .")
        text = f"{stem}{dot}{ext}"
    return text


def safe_parts(path: str) -> list[str]:
    """The components of `path` that may be written: never empty, ".", ".." nor absolute."""
    parts = [safe_part(part) for part in path.replace("\\", "/").split("/")]
    return [part for part in parts if part]


class UniqueNames:
    """Gives every member a unique, safe path, remembering renamed folders so their
    contents follow them (a folder "a" after a file "a" becomes "a (2)", and so does the
    folder part of "a/notes.txt")."""

    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {"": set()}  # folder path -> case-folded names
        self.folders: dict[tuple[str, ...], str] = {(): ""}  # given parts -> path in the zip

    def _folder_of(self, parts: list[str]) -> str:
        """The archive path of the folder with these given parts, made on first sight."""
        key = tuple(part.casefold() for part in parts)
        if key in self.folders:
            return self.folders[key]
        parent = self._folder_of(parts[:-1])
        name = self._claim(parent, parts[-1])
        path = f"{parent}/{name}" if parent else name
        self.folders[key] = path
        self.taken[path] = set()
        return path

    def _claim(self, folder: str, name: str) -> str:
        taken = self.taken[folder]
        stem, dot, ext = name.rpartition(".")
        if not stem or len(ext) > 16:
            stem, dot, ext = name, "", ""
        candidate, number = name, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem} ({number}){dot}{ext}"
        taken.add(candidate.casefold())
        return candidate

    def folder(self, path: str) -> str | None:
        """The archive path of a folder, or None if it is already in the archive."""
        parts = safe_parts(path) or ["folder"]
        key = tuple(part.casefold() for part in parts)
        if key in self.folders:  # listed twice, or made for a file listed before it
            return None
        return self._folder_of(parts)

    def file(self, path: str) -> str:
        parts = safe_parts(path) or ["file"]
        parent = self._folder_of(parts[:-1])
        name = self._claim(parent, parts[-1])
        return f"{parent}/{name}" if parent else name
