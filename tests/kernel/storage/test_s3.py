"""The blob store on a real local S3 endpoint (`moto_server`), plain and encrypted, with the
storage class settings.py configures for ATRIUM_S3_BUCKET."""

from __future__ import annotations

import hashlib
import os
import random

import pytest

from atrium.kernel import blobstore
from atrium.kernel.models import Blob
from atrium.kernel.storage.encrypted import BlobIntegrityError
from tests.kernel.storage.conftest import use_blobs
from tests.kernel.storage.s3server import s3_options

pytestmark = pytest.mark.django_db

S3_BACKEND = "atrium.kernel.storage.s3.RangedS3Storage"


def objects(client, bucket_name) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket_name).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket_name, Key=item["Key"])["Body"].read()
            for item in listed}


@pytest.fixture(params=["plain", "encrypted"])
def s3_blobs(request, bucket, s3_endpoint, data_dir, key):
    name, client = bucket
    config = {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(s3_endpoint, name)}
    if request.param == "encrypted":
        config = {"BACKEND": "atrium.kernel.storage.encrypted.EncryptedStorage",
                  "OPTIONS": {"inner": config, "key": key}}
    with use_blobs(config):
        yield request.param, name, client


def test_put_dedup_open_and_purge_on_s3(s3_blobs):
    """Two puts of the same bytes keep one object; it reads back; the purge removes it."""
    mode, bucket_name, client = s3_blobs
    data = os.urandom(700_000)
    first = blobstore.put_bytes(data)
    second = blobstore.put_bytes(data)
    assert first.pk == second.pk
    assert Blob.objects.get().refcount == 2
    stored = objects(client, bucket_name)
    assert list(stored) == [f"blobs/{blobstore.blob_path(first.sha256)}"]
    raw = next(iter(stored.values()))
    assert (raw == data) is (mode == "plain")
    if mode == "encrypted":
        assert data[:1000] not in raw
    with blobstore.open_blob(first) as handle:
        assert handle.read() == data
    assert blobstore.storage().size(blobstore.blob_path(first.sha256)) == len(data)

    blobstore.release(first)
    assert blobstore.purge_orphans() == 0
    blobstore.release(second)
    assert blobstore.purge_orphans() == 1
    assert objects(client, bucket_name) == {}
    assert not Blob.objects.exists()


def test_seeks_on_s3_read_the_right_bytes(s3_blobs, monkeypatch):
    """Random reads in an S3 object (plain or sealed) match, across ranged-GET windows."""
    from atrium.kernel.storage import s3

    monkeypatch.setattr(s3, "WINDOW", 100_000)
    data = os.urandom(3 * 1024 * 1024 + 123)
    blob = blobstore.put_bytes(data)
    rng = random.Random(7)
    with blobstore.open_blob(blob) as handle:
        for _ in range(25):
            start = rng.randrange(0, len(data))
            length = rng.randrange(1, 400_000)
            handle.seek(start)
            assert handle.read(length) == data[start:start + length]
        handle.seek(0)
        assert handle.read() == data


def test_a_range_read_on_s3_fetches_only_that_part(s3_blobs, monkeypatch):
    """The last bytes of a large object come with a ranged GET, not a whole download."""
    mode, _bucket, _client = s3_blobs
    data = os.urandom(4 * 1024 * 1024)
    blob = blobstore.put_bytes(data)
    from atrium.kernel.storage import s3

    ranges: list[str] = []
    original = s3.RangedS3File.readinto

    def spy(self, target):
        if self._body is None or self._body_at != self._position:
            ranges.append(f"bytes={self._position}-")
        return original(self, target)

    monkeypatch.setattr(s3.RangedS3File, "readinto", spy)
    with blobstore.open_blob(blob) as handle:
        handle.seek(len(data) - 1000)
        assert handle.read() == data[-1000:]
    # The encrypted file also reads its 36-byte header, at 0, once.
    starts = [int(r[6:-1]) for r in ranges if mode == "plain" or r != "bytes=0-"]
    assert starts and all(start >= len(data) - 300_000 for start in starts)


def test_tampered_s3_object_is_detected(bucket, s3_endpoint, data_dir, key):
    """A changed byte in the bucket makes the read fail, with no altered bytes returned."""
    name, client = bucket
    inner = {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(s3_endpoint, name)}
    with use_blobs({"BACKEND": "atrium.kernel.storage.encrypted.EncryptedStorage",
                    "OPTIONS": {"inner": inner, "key": key}}):
        data = os.urandom(600_000)
        blob = blobstore.put_bytes(data)
        object_key = f"blobs/{blobstore.blob_path(blob.sha256)}"
        raw = bytearray(client.get_object(Bucket=name, Key=object_key)["Body"].read())
        raw[len(raw) // 2] ^= 0x80
        client.put_object(Bucket=name, Key=object_key, Body=bytes(raw))
        with blobstore.open_blob(blob) as handle, pytest.raises(BlobIntegrityError):
            got = handle.read()
            assert hashlib.sha256(got).hexdigest() == blob.sha256  # never reached
