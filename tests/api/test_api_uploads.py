"""Resumable uploads (tus 1.0.0) at /api/v1/uploads/: the protocol, rights and bad input
through Django's client, then a real tus client (tuspy) against a real `atrium serve`."""

from __future__ import annotations

import base64
import hashlib
import os
import time
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
    # run_all() closes connections, which a test transaction on PostgreSQL forbids.
    assert housekeeping._jobs["kernel.resumable_uploads"] is resumable.purge_expired
    stray, fresh = resumable.path_of("left-by-a-crash"), resumable.path_of("being-claimed")
    stray.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stray, (0, 0))
    assert resumable.purge_expired() == 2
    assert not resumable.path_of(key).exists()
    assert not UploadSession.objects.exists()
    assert not stray.exists() and fresh.exists()


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


# A real tus client against a real server ---------------------------------------------------

LIVE_SIZE = 300 * 1024 * 1024
LIVE_CHUNK = 32 * 1024 * 1024
RSS_GROWTH_LIMIT = 100 * 1024 * 1024


def _memory(pid: int, field: str) -> int:
    """VmRSS (now) or VmHWM (peak so far) of a process, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


def _reset_peak(pid: int) -> None:
    """Start VmHWM afresh (the start-up's migrations may have left a higher peak)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass  # not allowed: the peak then counts from start-up, a stricter bound


def _owner_token(server) -> str:
    """Set the instance up through its pages, then make an API token with the session."""
    import json
    import urllib.request

    from tests.e2e.httpclient import Visitor

    owner = Visitor(server.url)
    created = owner.submit(f"/setup/?token={server.setup_token()}", {
        "token": server.setup_token(), "org_name": "Upload Org", "full_name": "Uma Upload",
        "email": "uma@example.org", "password": "correct horse battery staple 9"})
    assert created.status == 302, created.text[:1000]
    request = urllib.request.Request(
        f"{server.url}/api/v1/me/tokens", data=json.dumps({"name": "tus"}).encode(),
        method="POST", headers={"Content-Type": "application/json",
                                "X-CSRFToken": owner.cookie("csrftoken"),
                                "Referer": server.url + "/"})
    with owner.opener.open(request, timeout=15) as response:
        return str(json.loads(response.read())["secret"])


def _cut_patch(server, url: str, offset: int, token: str, data: bytes) -> None:
    """Start a PATCH of 16 MB, send `data` (4 MB) of it, and drop the connection."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("PATCH", parts.path)
    for name, value in {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
                        "Content-Type": OCTETS, "Upload-Offset": str(offset),
                        "Content-Length": str(16 * 1024 * 1024)}.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(data)
    connection.sock.close()
    connection.close()


@pytest.mark.once
def test_a_real_tus_client_uploads_300_mb_with_a_cut_and_a_resume(tmp_path):
    """tuspy sends 150 MB in 32 MB PATCHes to `atrium serve`; then a PATCH is cut off
    mid-body after 4 MB, which the server keeps (all but what it had not read yet), and a
    new client resumes from the offset the server gives, sending the rest in one PATCH. The
    bytes on the server match by SHA-256, and the server's peak memory grows by less than 100 MB."""
    import requests
    from tusclient.client import TusClient

    from tests.e2e.server import running_server

    source = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with source.open("wb") as out:
        block = os.urandom(1024 * 1024)
        for index in range(LIVE_SIZE // len(block)):
            piece = block[:-4] + index.to_bytes(4, "big")  # no two megabytes alike
            out.write(piece)
            digest.update(piece)

    with running_server(prefix="atrium-tus-") as server:
        token = _owner_token(server)
        pid = server.process.pid
        _reset_peak(pid)
        peak_before = _memory(pid, "VmRSS")
        client = TusClient(f"{server.url}/api/v1/uploads/",
                           headers={"Authorization": f"Bearer {token}"})
        first = client.uploader(file_path=str(source), chunk_size=LIVE_CHUNK,
                                metadata={"filename": "big.bin"})
        first.upload(stop_at=LIVE_SIZE // 2)
        url, offset = first.url, first.offset
        assert offset >= LIVE_SIZE // 2

        with source.open("rb") as handle:
            handle.seek(offset)
            _cut_patch(server, url, offset, token, handle.read(4 * 1024 * 1024))
        headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
        # The 4 MB sent before the cut are kept (kernel/tusasgi.py streams PATCH bodies),
        # except what uvicorn still held unread when it saw the disconnect (at most its
        # 64 KB buffer). The offset is written once, when the PATCH ends: wait for it.
        sent = offset + 4 * 1024 * 1024
        deadline = time.monotonic() + 30
        kept = offset
        while kept == offset and time.monotonic() < deadline:
            time.sleep(0.1)
            kept = int(requests.head(url, headers=headers, timeout=15).headers["Upload-Offset"])
        assert sent - 1024 * 1024 < kept <= sent, (offset, kept, sent)
        offset = kept

        # The rest in ONE PATCH of 150 MB: a server holding a body in memory would show it.
        resumed = client.uploader(file_path=str(source), chunk_size=LIVE_SIZE, url=url)
        assert resumed.offset == offset
        resumed.upload()
        answer = requests.head(url, headers=headers, timeout=15)
        assert answer.headers["Upload-Offset"] == str(LIVE_SIZE)

        key = url.rsplit("/", 1)[1]
        stored = server.data_dir / "tmp" / "uploads" / key
        on_server = hashlib.sha256()
        with stored.open("rb") as data:
            while chunk := data.read(4 * 1024 * 1024):
                on_server.update(chunk)
        assert on_server.hexdigest() == digest.hexdigest()
        growth = _memory(pid, "VmHWM") - peak_before
        print(f"server memory: {peak_before / 2**20:.0f} MB before, peak growth "
              f"{growth / 2**20:.1f} MB")
        assert growth < RSS_GROWTH_LIMIT, f"server peak memory grew by {growth / 2**20:.0f} MB"
