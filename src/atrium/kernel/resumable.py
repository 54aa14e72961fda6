"""Resumable uploads (tus 1.0.0: core, creation, termination, expiration), the server core.

A client creates an upload with its length, then appends bytes with PATCH requests at the
offset the server confirms; after a cut it asks the offset (HEAD) and goes on from there.
The bytes grow in `<data>/tmp/uploads/<key>` and are hashed as they arrive (the SHA-256
state is kept in this process between PATCHes, rebuilt from the file if another worker or
a restart lost it), so claiming a finished 2 GB upload neither re-reads nor copies it:
`claim()` hands a `blobstore.HashedFile` that `blobstore.put()` renames into a local store.

The HTTP side is `atrium.api.uploads`; modules turn a finished upload into their own object
with `with claim(actor, upload_id) as upload: do_something(actor, upload.file, upload.name)`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel.blobstore import HashedFile
from atrium.kernel.errors import ActionError, Conflict, NotFound
from atrium.kernel.models import UploadSession

CHUNK = 1024 * 1024
EXPIRY = timedelta(hours=24)
DISK_RESERVE = 256 * 1024 * 1024
MAX_OPEN_PER_PERSON = 100
HASH_TYPE: Any = type(hashlib.sha256())


class UploadRefused(ActionError):
    """Refused for its size: 413 past the limit, 507 when the disk has no room left."""

    status = 413


@dataclass
class ClaimedUpload:
    file: HashedFile
    name: str
    size: int
    sha256: str
    metadata: dict[str, str] = field(default_factory=dict)


_hashes: dict[str, tuple[int, Any]] = {}
_hashes_lock = threading.Lock()


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "tmp" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(key: str) -> Path:
    return folder() / key


def max_upload_bytes() -> int:
    return int(settings.ATRIUM_MAX_DRIVE_UPLOAD_BYTES)


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata: key base64value,key2` → {"key": "value", "key2": ""}."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _sep, encoded = pair.partition(" ")
        if not key or " " in encoded.strip() or len(key) > 100:
            raise ActionError(_("Upload-Metadata is malformed."), code="bad_metadata")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise ActionError(_("Upload-Metadata is malformed."), code="bad_metadata") from None
        metadata[key] = value
    return metadata


def _room_left() -> int:
    reserved = sum(length - offset for length, offset in
                   UploadSession.objects.values_list("length", "offset"))
    return shutil.disk_usage(folder()).free - DISK_RESERVE - reserved


def create(actor: Any, length: int, metadata: dict[str, str]) -> UploadSession:
    """A new, empty upload of `length` bytes for `actor`."""
    limit = max_upload_bytes()
    if length > limit:
        raise UploadRefused(_("The file is too large (at most %(limit)s MB).")
                            % {"limit": f"{limit / 1024 / 1024:g}"}, code="too_large")
    if length > _room_left():
        refused = UploadRefused(_("The server has no room left for this file."),
                                code="insufficient_storage")
        refused.status = 507
        raise refused
    if UploadSession.objects.filter(user=actor).count() >= MAX_OPEN_PER_PERSON:
        raise Conflict(_("Too many unfinished uploads: finish or cancel some first."),
                       code="too_many_uploads")
    key = secrets.token_urlsafe(24)
    path_of(key).touch(mode=0o600)
    name = metadata.get("filename") or metadata.get("name") or ""
    return UploadSession.objects.create(
        key=key, user=actor, length=length, filename=name[:1024], metadata=metadata,
        expires_at=timezone.now() + EXPIRY)


def get(actor: Any, key: str) -> UploadSession:
    """The live upload `key` of `actor`; NotFound for unknown, expired and others' alike."""
    if not getattr(actor, "is_authenticated", False) or len(key) > 64:
        raise NotFound("upload")
    session = UploadSession.objects.filter(key=key, user=actor,
                                           expires_at__gt=timezone.now()).first()
    if session is None:
        raise NotFound("upload")
    return session


def _hasher_at(key: str, offset: int, data: IO[bytes]) -> Any:
    with _hashes_lock:
        known = _hashes.pop(key, None)
    if known is not None and known[0] == offset:
        return known[1]
    hasher = hashlib.sha256()  # lost (restart, other worker): hash what is on disk
    data.seek(0)
    remaining = offset
    while remaining:
        chunk = data.read(min(CHUNK, remaining))
        if not chunk:
            break
        hasher.update(chunk)
        remaining -= len(chunk)
    return hasher


def _remember(key: str, offset: int, hasher: Any) -> None:
    with _hashes_lock:
        _hashes[key] = (offset, hasher)


def _forget(key: str) -> None:
    with _hashes_lock:
        _hashes.pop(key, None)


def _read(body: IO[bytes]) -> bytes:
    try:
        return body.read(CHUNK)
    except OSError:
        return b""  # the client went away mid-body: keep what arrived, as tus wants


def append(actor: Any, key: str, offset: int, body: IO[bytes],
           declared: int | None = None) -> UploadSession:
    """Append the bytes of `body` at `offset` (which must be the upload's offset)."""
    session = get(actor, key)
    if offset != session.offset:
        raise Conflict(_("The offset is %(offset)s, not %(given)s.")
                       % {"offset": session.offset, "given": offset}, code="wrong_offset")
    if declared is not None and offset + declared > session.length:
        raise UploadRefused(_("More bytes than the declared length of the upload."),
                            code="too_large")
    try:
        data = path_of(key).open("r+b")
    except FileNotFoundError:
        raise NotFound("upload") from None
    with data:
        try:
            fcntl.flock(data.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(_("Another request is writing to this upload."),
                           code="upload_busy") from None
        session.refresh_from_db(fields=["offset"])
        if offset != session.offset:
            raise Conflict(_("The offset is %(offset)s, not %(given)s.")
                           % {"offset": session.offset, "given": offset}, code="wrong_offset")
        hasher = _hasher_at(key, offset, data)
        data.seek(offset)
        data.truncate()  # bytes past the recorded offset were never confirmed
        written = offset
        try:
            while chunk := _read(body):
                if written + len(chunk) > session.length:
                    raise UploadRefused(_("More bytes than the declared length of the upload."),
                                        code="too_large")
                data.write(chunk)
                hasher.update(chunk)
                written += len(chunk)
        except BaseException:
            data.truncate(offset)
            _forget(key)
            raise
        data.flush()
        os.fsync(data.fileno())
        _remember(key, written, hasher)
        expires = timezone.now() + EXPIRY
        if not UploadSession.objects.filter(pk=session.pk).update(offset=written,
                                                                  expires_at=expires):
            _forget(key)
            raise NotFound("upload")
    session.offset, session.expires_at = written, expires
    return session


def terminate(actor: Any, key: str) -> None:
    session = get(actor, key)
    session.delete()
    _forget(key)
    path_of(key).unlink(missing_ok=True)


@contextlib.contextmanager
def claim(actor: Any, upload_id: str) -> Iterator[ClaimedUpload]:
    """A finished upload of `actor`, taken out of the resumable ones: `.file` (binary, at 0,
    hashed), `.name` (Upload-Metadata "filename"), `.size`. Its temporary file goes away when
    the block exits, whatever happens inside; NotFound if it is not `actor`'s or unfinished
    (an unfinished one stays resumable)."""
    session = get(actor, upload_id)
    if session.offset != session.length:
        raise Conflict(_("This upload is not finished yet."), code="upload_incomplete")
    with transaction.atomic():
        if not UploadSession.objects.filter(pk=session.pk, offset=session.length).delete()[0]:
            raise NotFound("upload")
    path = path_of(session.key)
    try:
        with path.open("rb") as data:
            fcntl.flock(data.fileno(), fcntl.LOCK_EX)  # a PATCH still finishing
            hasher = _hasher_at(session.key, session.length, data)
        _forget(session.key)
        upload = HashedFile(path, hasher.hexdigest(), session.length)
    except FileNotFoundError:
        raise NotFound("upload") from None
    try:
        yield ClaimedUpload(file=upload, name=session.filename, size=session.length,
                            sha256=upload.sha256, metadata=dict(session.metadata))
    finally:
        upload.close()
        path.unlink(missing_ok=True)


def purge_expired() -> int:
    """Housekeeping: delete expired uploads, and files left without an upload (a crash)."""
    purged = 0
    for key in UploadSession.objects.filter(expires_at__lte=timezone.now()).values_list(
            "key", flat=True):
        UploadSession.objects.filter(key=key).delete()
        _forget(key)
        path_of(key).unlink(missing_ok=True)
        purged += 1
    known = set(UploadSession.objects.values_list("key", flat=True))
    old = time.time() - EXPIRY.total_seconds()
    for path in folder().iterdir():
        if path.name not in known and path.stat().st_mtime < old:
            path.unlink(missing_ok=True)
            purged += 1
    return purged
