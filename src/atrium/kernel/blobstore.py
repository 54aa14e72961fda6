"""The content-addressed blob store: bytes kept once per SHA-256, however often referenced.

`put()` streams an upload to a temporary file while hashing it (never the whole file in
memory), detects its type from its content (never from the name or the client's MIME type),
then keeps one copy under `ab/cd/<sha256>` in the configured storage (local folder or S3).
Every put or `attach()` adds a reference; `release()` removes one. Blobs with no reference
left are purged by `purge_orphans()`, which re-checks under a row lock so a concurrent put
that revives a blob never loses its bytes.

A `HashedFile` (a finished resumable upload, hashed while it arrived) skips the spooling:
its SHA-256 is trusted, and when the storage is a plain local folder the file is renamed
into place instead of copied, so a 2 GB upload is written once.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any

import puremagic
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from atrium.kernel.errors import ActionError
from atrium.kernel.models import Blob

CHUNK = 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Types a browser may render inline without risk of running script.
SAFE_INLINE = IMAGE_TYPES | {"application/pdf", "text/plain", "audio/mpeg", "audio/ogg",
                             "video/mp4", "video/webm"}


class UploadTooLarge(ActionError):
    status = 413


class HashedFile(io.FileIO):
    """A file on local disk whose SHA-256 and size were computed as it was written.

    `put()` trusts them (only the kernel makes these, from bytes it hashed itself) and may
    move the file into the store: after `put()` the path may no longer exist.
    """

    def __init__(self, path: str | os.PathLike[str], sha256: str, size: int):
        super().__init__(path, "rb")
        self.path = os.fspath(path)
        self.sha256 = sha256
        self.size = size


def storage() -> Storage:
    return storages["blobs"]


def blob_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _chunks(upload: Any) -> Iterator[bytes]:
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while True:
        chunk = upload.read(CHUNK)
        if not chunk:
            return
        yield chunk


def detect_mime(head: bytes) -> str:
    """The type of a file judged from its first bytes alone."""
    if not head:
        return "application/x-empty"
    try:
        mime = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        mime = ""
    if mime:
        return str(mime)
    return "text/plain" if _looks_like_text(head) else "application/octet-stream"


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 without NUL bytes; a character cut by the end of `head` does not count."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        cut_at_end = error.reason == "unexpected end of data" and error.end == len(head)
        return cut_at_end and len(head) - error.start < 4
    return True


def _too_large(max_bytes: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("The file is too large (at most %(limit)s MB).")
        % {"limit": f"{max_bytes / 1024 / 1024:g}"}, code="too_large", field="file")


def _spool(upload: Any, max_bytes: int) -> tuple[IO[bytes], str, int, bytes]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    folder = settings.DATA_DIR / "tmp"
    folder.mkdir(exist_ok=True)
    spool = tempfile.NamedTemporaryFile(dir=folder, delete=False)  # noqa: SIM115
    try:
        for chunk in _chunks(upload):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            spool.write(chunk)
        spool.flush()
        spool.seek(0)
    except BaseException:
        spool.close()
        os.unlink(spool.name)
        raise
    return spool, digest.hexdigest(), size, head


@transaction.atomic
def put(upload: Any, *, max_bytes: int | None = None,
        allowed_types: set[str] | None = None) -> Blob:
    """Store an upload (a Django UploadedFile or any binary file object) and add a reference."""
    limit = max_bytes or settings.ATRIUM_MAX_UPLOAD_BYTES
    if isinstance(upload, HashedFile):
        return _put_hashed(upload, limit, allowed_types)
    spool, sha256, size, head = _spool(upload, limit)
    try:
        mime = detect_mime(head)
        if allowed_types is not None and mime not in allowed_types:
            raise ActionError(_("This type of file is not accepted here."), code="bad_type",
                              field="file")
        if mime in IMAGE_TYPES:
            _verify_image(spool)
        # Reference first, bytes second: the row update locks the blob against a concurrent
        # purge_orphans(), so bytes found (or written) now stay until this transaction ends.
        blob = _reference(sha256, size, mime)
        _ensure_bytes(sha256, spool)
        return blob
    finally:
        spool.close()
        os.unlink(spool.name)


def _put_hashed(upload: HashedFile, limit: int, allowed_types: set[str] | None) -> Blob:
    if upload.size > limit:
        raise _too_large(limit)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = detect_mime(head)
    if allowed_types is not None and mime not in allowed_types:
        raise ActionError(_("This type of file is not accepted here."), code="bad_type",
                          field="file")
    if mime in IMAGE_TYPES:
        _verify_image(upload)
    blob = _reference(upload.sha256, upload.size, mime)
    if not _move_into_local_store(upload):
        _ensure_bytes(upload.sha256, upload)
    return blob


def _move_into_local_store(upload: HashedFile) -> bool:
    """Rename the file into a plain local store (same disk); False if that cannot be done."""
    store = storage()
    if type(store) is not FileSystemStorage:
        return False
    name = blob_path(upload.sha256)
    if store.exists(name):
        return True
    target = store.path(name)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    mode = store.file_permissions_mode
    try:
        if mode is not None:
            os.chmod(upload.path, mode)
        # link() fails if another writer just put the same bytes there: theirs are kept.
        os.link(upload.path, target)
    except FileExistsError:
        return True
    except OSError:
        return False  # another disk, or links not allowed: copy instead
    os.unlink(upload.path)
    return True


def _ensure_bytes(sha256: str, spool: IO[bytes]) -> None:
    store = storage()
    name = blob_path(sha256)
    if store.exists(name):
        return
    saved = store.save(name, File(spool, name=sha256))
    if saved != name:
        # Another writer stored the same bytes meanwhile and this storage does not
        # overwrite: keep theirs, drop the copy saved under another name.
        store.delete(saved)


def put_bytes(data: bytes, **kwargs: Any) -> Blob:
    return put(BytesIO(data), **kwargs)


def put_image(upload: Any) -> Blob:
    return put(upload, max_bytes=settings.ATRIUM_MAX_AVATAR_BYTES, allowed_types=IMAGE_TYPES)


def _verify_image(spool: IO[bytes]) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(spool) as image:
            if image.width * image.height > 50_000_000:
                raise ActionError(_("The image is too large."), code="too_large", field="file")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ActionError(_("The image is damaged or not really an image."),
                          code="bad_image", field="file") from None
    finally:
        spool.seek(0)


def _reference(sha256: str, size: int, mime: str) -> Blob:
    updated = Blob.objects.filter(sha256=sha256).update(refcount=F("refcount") + 1)
    if not updated:
        try:
            with transaction.atomic():
                return Blob.objects.create(sha256=sha256, size=size, mime_type=mime, refcount=1)
        except IntegrityError:
            Blob.objects.filter(sha256=sha256).update(refcount=F("refcount") + 1)
    return Blob.objects.get(sha256=sha256)


def attach(blob: Blob) -> Blob:
    """Add a reference to bytes already stored (a forward, a copy, a share)."""
    Blob.objects.filter(pk=blob.pk).update(refcount=F("refcount") + 1)
    blob.refresh_from_db(fields=["refcount"])
    return blob


def release(blob: Blob) -> None:
    Blob.objects.filter(pk=blob.pk, refcount__gt=0).update(refcount=F("refcount") - 1)


def open_blob(blob: Blob) -> IO[bytes]:
    return storage().open(blob_path(blob.sha256), "rb")


def purge_orphans() -> int:
    """Delete the bytes, previews and rows of blobs nobody references any more."""
    from atrium.kernel import previews  # it imports this module
    purged = 0
    for pk in Blob.objects.filter(refcount=0).values_list("pk", flat=True):
        with transaction.atomic():
            blob = Blob.objects.select_for_update().filter(pk=pk, refcount=0).first()
            if blob is None:
                continue
            storage().delete(blob_path(blob.sha256))
            previews.purge_previews(blob.sha256)
            blob.delete()
            purged += 1
    return purged


def stored_bytes() -> tuple[int, int]:
    """(bytes stored once, bytes as referenced) for the footprint figures."""
    from django.db.models import Sum

    totals = Blob.objects.filter(refcount__gt=0).aggregate(
        stored=Sum("size"), logical=Sum(F("size") * F("refcount")))
    return totals["stored"] or 0, totals["logical"] or 0
