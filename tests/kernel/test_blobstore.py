"""The content-addressed blob store, on a local folder and on S3-compatible storage (moto).

Each test gets its own data folder and blob storage, so counting stored files is exact
even when tests run in parallel.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from moto.server import ThreadedMotoServer
from PIL import Image

from atrium.kernel import blobstore
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Blob

pytestmark = pytest.mark.django_db

S3_KEYS = {"access_key": "atrium-test", "secret_key": "atrium-test-secret",
           "region_name": "us-east-1"}


def png_bytes(size: tuple[int, int] = (8, 8), color: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A local S3-compatible endpoint on 127.0.0.1 (moto's server, in a thread)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Backend:
    """Where the bytes go, and how a test lists what is stored there."""

    def __init__(self, config: dict, list_names: Callable[[], list[str]]):
        self.config = config
        self.list_names = list_names


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(DATA_DIR=tmp_path):
        yield tmp_path


def local_backend(root: Path) -> Backend:
    config = {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": str(root)}}
    return Backend(config, lambda: sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()))


def s3_backend(endpoint: str, bucket: str) -> Backend:
    # The same options settings.py builds from ATRIUM_S3_* variables.
    config = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint, **S3_KEYS, "location": "blobs",
        "file_overwrite": True, "default_acl": None, "querystring_auth": True}}
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=S3_KEYS["access_key"],
                          aws_secret_access_key=S3_KEYS["secret_key"],
                          region_name=S3_KEYS["region_name"])
    client.create_bucket(Bucket=bucket)

    def names() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    return Backend(config, names)


@pytest.fixture(params=["local", "s3"])
def backend(request, data_dir, s3_endpoint) -> Iterator[Backend]:
    """The blob storage under test, set as STORAGES["blobs"] for the test's duration."""
    if request.param == "local":
        chosen = local_backend(data_dir / "blobs")
    else:
        chosen = s3_backend(s3_endpoint, f"atrium-{uuid.uuid4().hex[:16]}")
    with override_settings(STORAGES={**settings.STORAGES, "blobs": chosen.config}):
        yield chosen


@pytest.fixture
def local_blobs(data_dir) -> Iterator[Backend]:
    """Blobs in this test's own folder (for tests where the storage kind does not matter)."""
    chosen = local_backend(data_dir / "blobs")
    with override_settings(STORAGES={**settings.STORAGES, "blobs": chosen.config}):
        yield chosen


def spool_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "tmp"
    return list(folder.iterdir()) if folder.exists() else []


def read(blob: Blob) -> bytes:
    with blobstore.open_blob(blob) as handle:
        return handle.read()


def test_identical_content_is_stored_once(backend):
    """Putting the same bytes five times keeps one copy and counts five references."""
    data = b"Compte rendu du staff de cardiologie\n" * 100
    blobs = [blobstore.put_bytes(data) for _ in range(5)]
    assert {b.pk for b in blobs} == {blobs[0].pk}
    blob = Blob.objects.get()
    assert blob.refcount == 5
    assert blob.size == len(data)
    assert len(backend.list_names()) == 1
    assert backend.list_names()[0].endswith(blobstore.blob_path(blob.sha256))
    assert read(blob) == data
    assert blobstore.stored_bytes() == (len(data), 5 * len(data))


def test_different_content_is_stored_separately(backend):
    """Two different files are two blobs with one copy each."""
    first = blobstore.put_bytes(b"one")
    second = blobstore.put_bytes(b"two")
    assert first.pk != second.pk
    assert len(backend.list_names()) == 2
    assert (read(first), read(second)) == (b"one", b"two")


def test_release_and_purge_remove_the_bytes(backend):
    """Bytes go only when the last reference is released and orphans are purged."""
    blob = blobstore.put_bytes(b"shared twice")
    blobstore.attach(blob)
    blobstore.release(blob)
    assert blobstore.purge_orphans() == 0
    assert len(backend.list_names()) == 1
    blobstore.release(blob)
    assert blobstore.purge_orphans() == 1
    assert backend.list_names() == []
    assert not Blob.objects.exists()


def test_a_revived_blob_keeps_its_bytes(backend):
    """Content put again after its last release survives the next purge."""
    blob = blobstore.put_bytes(b"back again")
    blobstore.release(blob)
    revived = blobstore.put_bytes(b"back again")
    assert revived.pk == blob.pk
    assert revived.refcount == 1
    assert blobstore.purge_orphans() == 0
    assert read(revived) == b"back again"


def test_purge_during_a_put_cannot_lose_the_bytes(backend, monkeypatch):
    """A purge running while a put looks for existing bytes leaves the new reference whole."""
    blob = blobstore.put_bytes(b"race")
    blobstore.release(blob)
    store = blobstore.storage()
    real_exists = store.exists

    def exists_then_purge(name: str) -> bool:
        found = real_exists(name)
        blobstore.purge_orphans()  # the orphan purge runs right after the existence check
        return found

    monkeypatch.setattr(store, "exists", exists_then_purge)
    revived = blobstore.put_bytes(b"race")
    monkeypatch.undo()
    assert Blob.objects.get(pk=revived.pk).refcount == 1
    assert read(revived) == b"race"


def test_type_comes_from_content_not_name_or_claimed_type(local_blobs):
    """A PNG named .txt is a PNG; text sent as image/png is text and no photo."""
    png = blobstore.put(SimpleUploadedFile("notes.txt", png_bytes(), "text/plain"))
    assert png.mime_type == "image/png"
    text = SimpleUploadedFile("photo.png", b"just some words", content_type="image/png")
    assert blobstore.put(text).mime_type == "text/plain"
    text.seek(0)
    with pytest.raises(ActionError) as error:
        blobstore.put_image(text)
    assert error.value.code == "bad_type"


@pytest.mark.parametrize("data, expected", [
    (b"a" + "é".encode() * 5000, "text/plain"),  # "é" cut in two by the 8 KB sniff window
    (b"binary\x00with nul bytes", "application/octet-stream"),
    (b"abc \xc3\x28\xa0\xa1 not utf-8", "application/octet-stream"),
    (b"", "application/x-empty"),
], ids=["utf8-cut-by-window", "nul-bytes", "bad-utf8", "empty"])
def test_text_detection_edge_cases(local_blobs, data, expected):
    """UTF-8 text is text even when cut mid-character; NUL bytes and bad UTF-8 are binary."""
    assert blobstore.put_bytes(data).mime_type == expected


def test_oversized_upload_leaves_nothing_behind(backend, data_dir):
    """Too large: a clear message, and neither a spool file nor a blob nor stored bytes."""
    with pytest.raises(blobstore.UploadTooLarge) as error:
        blobstore.put_bytes(b"x" * (3 * 1024 * 1024 + 1), max_bytes=3 * 1024 * 1024)
    assert error.value.status == 413
    assert error.value.code == "too_large"
    assert "at most 3 MB" in error.value.message
    assert spool_files(data_dir) == []
    assert not Blob.objects.exists()
    assert backend.list_names() == []


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data[:60] + bytes([data[60] ^ 0xFF]) + data[61:],  # flipped byte
    lambda data: data[:16] + b"\x00" * 200,  # PNG signature, then garbage
], ids=["truncated", "flipped-byte", "garbage"])
def test_damaged_image_is_refused(backend, data_dir, damage):
    """An image that does not decode is refused and nothing is kept."""
    broken = damage(png_bytes((64, 64)))
    with pytest.raises(ActionError) as error:
        blobstore.put_image(io.BytesIO(broken))
    assert error.value.code == "bad_image"
    assert not Blob.objects.exists()
    assert backend.list_names() == []
    assert spool_files(data_dir) == []


def test_spool_is_removed_after_a_successful_put(local_blobs, data_dir):
    """The temporary copy made while hashing is gone once the blob is stored."""
    blobstore.put_bytes(b"temporary")
    assert spool_files(data_dir) == []


# Profile photos go through the blob store: the public path of put_image().

def photo_form(data: bytes, name: str, content_type: str) -> dict:
    return {"form": "photo", "photo": SimpleUploadedFile(name, data, content_type)}


def test_profile_photo_is_stored_and_served_with_nosniff(local_blobs, client_for, world):
    """A PNG uploaded on /profile/ is kept once and served to a colleague, never sniffed."""
    data = png_bytes((32, 32))
    response = client_for(world.member).post("/profile/", photo_form(data, "me.png",
                                                                     "image/png"))
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.photo.mime_type == "image/png"
    served = client_for(world.outsider).get(f"/people/{world.member.pk}/photo")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == data
    assert len(local_blobs.list_names()) == 1


@pytest.mark.parametrize("name, data", [
    ("avatar.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    ("avatar.png", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
    ("avatar.png", b"GIF89a" + b"\x00" * 40),  # claims to be an image, is not one
], ids=["svg", "html-named-png", "broken-gif"])
def test_profile_photo_refuses_what_is_not_a_safe_image(local_blobs, client_for, world,
                                                        name, data):
    """SVG, HTML or a broken image is refused with a message; the old photo stays."""
    client_for(world.member).post("/profile/", photo_form(png_bytes(), "old.png", "image/png"))
    world.member.refresh_from_db()
    old_photo = world.member.photo_id
    response = client_for(world.member).post("/profile/", photo_form(data, name, "image/png"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "not accepted" in text or "not really an image" in text
    world.member.refresh_from_db()
    assert world.member.photo_id == old_photo
    assert Blob.objects.count() == 1
    assert len(local_blobs.list_names()) == 1


def test_profile_photo_over_5_mb_is_refused_clearly(local_blobs, data_dir, client_for, world):
    """A 6 MB picture gets 413 with the limit in the message; nothing is kept."""
    six_mb = png_bytes() + b"\x00" * (6 * 1024 * 1024)
    response = client_for(world.member).post("/profile/", photo_form(six_mb, "big.png",
                                                                     "image/png"))
    assert response.status_code == 413
    assert "at most 5 MB" in response.content.decode()
    world.member.refresh_from_db()
    assert world.member.photo is None
    assert not Blob.objects.exists()
    assert local_blobs.list_names() == []
    assert spool_files(data_dir) == []


def test_replacing_a_photo_releases_the_old_one(local_blobs, client_for, world):
    """After a new photo, the old bytes have no reference left and the purge removes them."""
    client = client_for(world.member)
    client.post("/profile/", photo_form(png_bytes(color="red"), "a.png", "image/png"))
    client.post("/profile/", photo_form(png_bytes(color="blue"), "b.png", "image/png"))
    assert blobstore.purge_orphans() == 1
    world.member.refresh_from_db()
    assert list(Blob.objects.all()) == [world.member.photo]
    assert len(local_blobs.list_names()) == 1
