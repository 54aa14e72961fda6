"""Shared by the previews, extract and zipstream tests: a blob storage of the test's own, and
blobs made from raw bytes without the upload checks (so hostile files reach the readers)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import override_settings

from atrium.kernel import blobstore
from atrium.kernel.models import Blob


def local_config(root: Path) -> dict:
    return {"BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)}}


@contextmanager
def own_blob_storage(tmp_path: Path) -> Iterator[Path]:
    """This test's own data folder and local blob storage; yields the storage's folder."""
    with override_settings(DATA_DIR=tmp_path,
                           STORAGES={**settings.STORAGES, "blobs": local_config(tmp_path / "b")}):
        yield tmp_path / "b"


def raw_blob(data: bytes, mime_type: str | None = None) -> Blob:
    """A blob of `data` typed from its bytes, as `put` would, but without refusing anything."""
    sha256 = hashlib.sha256(data).hexdigest()
    store = blobstore.storage()
    if not store.exists(blobstore.blob_path(sha256)):
        store.save(blobstore.blob_path(sha256), ContentFile(data))
    blob, _ = Blob.objects.get_or_create(sha256=sha256, defaults={
        "size": len(data), "mime_type": mime_type or blobstore.detect_mime(data[:8192]),
        "refcount": 1})
    return blob
