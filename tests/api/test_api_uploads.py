"""Resumable uploads (tus 1.0.0) at /api/v1/uploads/: the protocol, rights and bad input
through Django's client, then a real tus client (tuspy) against a real `atrium serve`."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from atrium.kernel import blobstore, housekeeping, resumable
from atrium.kernel.errors import Conflict, NotFound
from atrium.kernel.models import UploadSession
from tests.api.conftest import PREFIX

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OCTETS = "application/offset+octet-stream"


@pytest.fixture(autouse=True)
def data_dir(tmp_path):
    with override_settings(DATA_DIR=tmp_path, STORAGES={
            **settings.STORAGES,
            "blobs": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                      "OPTIONS": {"location": str(tmp_path / "blobs")}}}):
        yield tmp_path


def bearer(api, role: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api.secret(role)}", **TUS}


def create(api, role="member", length=10, filename="notes.txt", **extra):
    metadata = f"filename {base64.b64encode(filename.encode()).decode()},is_draft"
    return Client().post(f"{PREFIX}/uploads/", HTTP_UPLOAD_LENGTH=str(length),
                         HTTP_UPLOAD_METADATA=metadata, **{**bearer(api, role), **extra})


def patch(api, url, offset, data: bytes, role="member", content_type=OCTETS):
    return Client().patch(url, data=data, content_type=content_type,
                          HTTP_UPLOAD_OFFSET=str(offset), **bearer(api, role))


def head(api, url, role="member"):
    return Client().head(url, **bearer(api, role))


def test_options_tells_what_the_server_supports(api):
    response = Client().options(f"{PREFIX}/uploads/")
    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination",
                                                         "expiration"}
    assert int(response["Tus-Max-Size"]) == resumable.max_upload_bytes()


def test_create_append_resume_and_claim(api):
    """Bytes sent in pieces add up; HEAD tells where to go on; claim gives the hashed file."""
    data = os.urandom(3 * 1024 * 1024 + 5)
    created = create(api, length=len(data), filename="Résumé.pdf")
    assert created.status_code == 201, created.content
    url = created["Location"]
    assert url.startswith("http://testserver/api/v1/uploads/")
    assert created["Upload-Expires"]
    assert head(api, url)["Upload-Offset"] == "0"

    first = patch(api, url, 0, data[:1_000_000])
    assert (first.status_code, first["Upload-Offset"]) == (204, "1000000")
    answer = head(api, url)
    assert (answer["Upload-Offset"], answer["Upload-Length"]) == ("1000000", str(len(data)))
    assert answer["Cache-Control"] == "no-store"
    assert patch(api, url, 1_000_000, data[1_000_000:])["Upload-Offset"] == str(len(data))

    key = url.rsplit("/", 1)[1]
    member = api.world.member
    with resumable.claim(member, key) as upload:
        assert (upload.name, upload.size) == ("Résumé.pdf", len(data))
        assert upload.metadata == {"filename": "Résumé.pdf", "is_draft": ""}
        assert upload.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.file.read() == data
        upload.file.seek(0)
        blob = blobstore.put(upload.file, max_bytes=len(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert not resumable.path_of(key).exists()
    assert not UploadSession.objects.exists()
    with blobstore.open_blob(blob) as handle:
        assert handle.read() == data
    assert head(api, url).status_code == 404


def test_the_hash_survives_a_lost_memory(api):
    """A worker that did not see the first PATCH rebuilds the hash from the file."""
    data = b"abc" * 100_000
    url = create(api, length=len(data))["Location"]
    patch(api, url, 0, data[:1000])
    resumable._hashes.clear()
    patch(api, url, 1000, data[1000:])
    with resumable.claim(api.world.member, url.rsplit("/", 1)[1]) as upload:
        assert upload.sha256 == hashlib.sha256(data).hexdigest()


def test_claim_refuses_unfinished_and_others_uploads(api):
    url = create(api, length=10)["Location"]
    key = url.rsplit("/", 1)[1]
    patch(api, url, 0, b"12345")
    with pytest.raises(Conflict), resumable.claim(api.world.member, key):
        pass
    patch(api, url, 5, b"67890")
    with pytest.raises(NotFound), resumable.claim(api.world.outsider, key):
        pass
    with resumable.claim(api.world.member, key) as upload:
        assert upload.file.read() == b"1234567890"


def test_the_file_goes_away_even_when_the_block_fails(api):
    url = create(api, length=3)["Location"]
    patch(api, url, 0, b"abc")
    key = url.rsplit("/", 1)[1]
    with pytest.raises(RuntimeError), resumable.claim(api.world.member, key):
        raise RuntimeError("quota")
    assert not resumable.path_of(key).exists()
    assert not UploadSession.objects.exists()


def test_wrong_offset_is_409(api):
    url = create(api, length=10)["Location"]
    patch(api, url, 0, b"abc")
    response = patch(api, url, 0, b"abc")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wrong_offset"
    assert patch(api, url, 7, b"abc").status_code == 409
    assert head(api, url)["Upload-Offset"] == "3"


def test_wrong_content_type_is_415(api):
    url = create(api, length=10)["Location"]
    assert patch(api, url, 0, b"abc", content_type="application/octet-stream").status_code == 415
    assert head(api, url)["Upload-Offset"] == "0"


def test_too_large_is_413(api):
    with override_settings(ATRIUM_MAX_DRIVE_UPLOAD_BYTES=1000):
        refused = create(api, length=1001)
        assert refused.status_code == 413
        assert refused.json()["error"]["code"] == "too_large"
        assert create(api, length=1000).status_code == 201
    url = create(api, length=10)["Location"]
    response = patch(api, url, 0, b"x" * 11)
    assert response.status_code == 413
    assert head(api, url)["Upload-Offset"] == "0"
    assert os.path.getsize(resumable.path_of(url.rsplit("/", 1)[1])) == 0


def test_no_room_on_the_disk_is_507(api, monkeypatch):
    monkeypatch.setattr(resumable, "_room_left", lambda: 100)
    response = create(api, length=101)
    assert response.status_code == 507
    assert response.json()["error"]["code"] == "insufficient_storage"


@pytest.mark.parametrize("role", ["outsider", "owner", "org_admin"])
def test_someone_elses_upload_is_404(api, role):
    """Only the creator may see, append to or cancel an upload; admins included."""
    url = create(api, length=10)["Location"]
    assert head(api, url, role=role).status_code == 404
    assert patch(api, url, 0, b"abc", role=role).status_code == 404
    assert Client().delete(url, **bearer(api, role)).status_code == 404
    assert head(api, url)["Upload-Offset"] == "0"


def test_unknown_and_expired_uploads_are_404_and_purged(api):
    assert head(api, f"{PREFIX}/uploads/nope").status_code == 404
    assert patch(api, f"{PREFIX}/uploads/{'x' * 80}", 0, b"a").status_code == 404
    url = create(api, length=10)["Location"]
    key = url.rsplit("/", 1)[1]
    UploadSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert patch(api, url, 0, b"abc").status_code == 404
    assert housekeeping.run_all()["kernel.resumable_uploads"] == 1
    assert not resumable.path_of(key).exists()
    assert not UploadSession.objects.exists()


def test_termination_deletes_the_upload(api):
    url = create(api, length=10)["Location"]
    patch(api, url, 0, b"abc")
    assert Client().delete(url, **bearer(api, "member")).status_code == 204
    assert head(api, url).status_code == 404
    assert not list(resumable.folder().iterdir())


@pytest.mark.parametrize("headers,status", [
    ({"HTTP_TUS_RESUMABLE": "0.2.2"}, 412),
    ({"HTTP_UPLOAD_LENGTH": "-1"}, 400),
    ({"HTTP_UPLOAD_LENGTH": "ten"}, 400),
    ({"HTTP_UPLOAD_METADATA": "filename not*base64"}, 400),
    ({"HTTP_UPLOAD_METADATA": "filename a b"}, 400),
])
def test_bad_creation_requests(api, headers, status):
    base = {"HTTP_UPLOAD_LENGTH": "10", **bearer(api, "member")}
    response = Client().post(f"{PREFIX}/uploads/", **{**base, **headers})
    assert response.status_code == status
    assert not UploadSession.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "deactivated"])
def test_signed_out_people_cannot_upload(api, role):
    extra = bearer(api, role) if role != "anonymous" else TUS
    response = Client().post(f"{PREFIX}/uploads/", HTTP_UPLOAD_LENGTH="10", **extra)
    assert response.status_code == 401


def test_a_browser_session_needs_the_csrf_token(api, client_for):
    client = client_for(api.world.member)
    client.handler.enforce_csrf_checks = True
    refused = client.post(f"{PREFIX}/uploads/", HTTP_UPLOAD_LENGTH="10", **TUS)
    assert refused.status_code == 403
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    created = client.post(f"{PREFIX}/uploads/", HTTP_UPLOAD_LENGTH="3", HTTP_X_CSRFTOKEN=token,
                          **TUS)
    assert created.status_code == 201
    appended = client.patch(created["Location"], data=b"abc", content_type=OCTETS,
                            HTTP_UPLOAD_OFFSET="0", HTTP_X_CSRFTOKEN=token, **TUS)
    assert appended.status_code == 204
