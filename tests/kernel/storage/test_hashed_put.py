"""`blobstore.put()` of a file already hashed on local disk (a finished resumable upload)."""

from __future__ import annotations

import hashlib
import os

import pytest

from atrium.kernel import blobstore
from atrium.kernel.blobstore import HashedFile, UploadTooLarge
from atrium.kernel.models import Blob
from tests.kernel.storage.conftest import use_blobs

pytestmark = pytest.mark.django_db


def hashed(tmp_path, data: bytes, name: str = "upload") -> HashedFile:
    path = tmp_path / name
    path.write_bytes(data)
    return HashedFile(path, hashlib.sha256(data).hexdigest(), len(data))


@pytest.fixture
def local_store(data_dir):
    with use_blobs({"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(data_dir / "blobs"),
                                "file_permissions_mode": 0o600}}):
        yield data_dir / "blobs"


def test_a_hashed_file_is_renamed_into_a_local_store(local_store, tmp_path):
    """No copy: the upload's inode becomes the blob's file, with the store's permissions."""
    data = os.urandom(300_000)
    upload = hashed(tmp_path, data)
    inode = os.stat(upload.path).st_ino
    with upload:
        blob = blobstore.put(upload, max_bytes=10**9)
    target = local_store / blobstore.blob_path(blob.sha256)
    assert os.stat(target).st_ino == inode
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"
    assert not os.path.exists(upload.path)
    assert (blob.size, blob.refcount, blob.mime_type) == (len(data), 1,
                                                         "application/octet-stream")
    with blobstore.open_blob(blob) as handle:
        assert handle.read() == data


def test_a_hashed_duplicate_keeps_one_copy_and_counts_a_reference(local_store, tmp_path):
    data = b"%PDF-1.4 same report\n" * 1000
    first = blobstore.put_bytes(data)
    upload = hashed(tmp_path, data)
    with upload:
        second = blobstore.put(upload, max_bytes=10**9)
    assert second.pk == first.pk
    assert Blob.objects.get().refcount == 2
    assert second.mime_type == "application/pdf"
    assert len([p for p in local_store.rglob("*") if p.is_file()]) == 1


def test_a_hashed_file_over_the_limit_is_refused(local_store, tmp_path):
    upload = hashed(tmp_path, b"x" * 1000)
    with upload, pytest.raises(UploadTooLarge):
        blobstore.put(upload, max_bytes=999)
    assert not Blob.objects.exists()


def test_a_hashed_file_is_sealed_by_an_encrypted_store(data_dir, tmp_path, key):
    """With encryption the bytes are copied sealed, never moved in clear."""
    inner = {"BACKEND": "django.core.files.storage.FileSystemStorage",
             "OPTIONS": {"location": str(data_dir / "blobs")}}
    with use_blobs({"BACKEND": "atrium.kernel.storage.encrypted.EncryptedStorage",
                    "OPTIONS": {"inner": inner, "key": key}}):
        data = b"plain words of a secret memo " * 5000
        upload = hashed(tmp_path, data)
        with upload:
            blob = blobstore.put(upload, max_bytes=10**9)
        raw = (data_dir / "blobs" / blobstore.blob_path(blob.sha256)).read_bytes()
        assert b"secret memo" not in raw
        with blobstore.open_blob(blob) as handle:
            assert handle.read() == data
