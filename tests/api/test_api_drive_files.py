"""Files through the drive API: the hostile upload corpus, names, versions, downloads with
ranges, folder ZIPs, thumbnails, resumable uploads and the cost of listing a folder."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel import resumable
from atrium.kernel.models import Blob
from atrium.modules.drive.models import Node
from tests.api.drive_fixtures import DriveApi, drive_api_fixture  # noqa: F401  (fixture)
from tests.corpus import SAMPLES, html_with_script, png, svg_with_script, zip_bomb
from tests.modules.drive.factories import make_file, make_folder

pytestmark = pytest.mark.django_db


def _upload(api: DriveApi, name: str, data: bytes, **kwargs):
    return api.upload("member", api.d.folder.pk, name, data, **kwargs)


# Images whose pixels would exhaust memory are refused by the blob store, with its message.
REFUSED = {"decompression_bomb_png", "tall_png"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.key for s in SAMPLES])
def test_every_corpus_file_is_stored_and_served_safely(drive_api, sample):
    """Each hostile file is stored under its name with the type of its content, and comes
    back byte for byte as an attachment, never sniffed, in a sandbox (or, for pixel bombs,
    is refused with a clear message)."""
    data = sample.make()
    created = _upload(drive_api, sample.filename, data)
    if sample.key in REFUSED:
        assert created.status_code == 400, created.content[:300]
        assert created.json()["error"]["code"] == "bad_image"
        assert created.json()["error"]["message"]
        return
    assert created.status_code == 201, created.content[:300]
    node = created.json()
    assert node["name"] == sample.filename and node["size"] == len(data)
    blob = Blob.objects.get(sha256=Node.objects.get(pk=node["id"]).current.blob.sha256)
    assert node["mime_type"] == blob.mime_type
    download = drive_api.send("member", "GET", f"/drive/nodes/{node['id']}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["Content-Disposition"].startswith("attachment")


def test_a_lying_extension_gets_the_type_of_its_content(drive_api):
    """A PNG named .pdf is an image/png; an inline request shows it as the image it is."""
    made = _upload(drive_api, "invoice.pdf", png()).json()
    assert made["mime_type"] == "image/png"
    shown = drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/download?inline=true")
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("name,data", [("page.html", html_with_script()),
                                       ("logo.svg", svg_with_script())])
def test_html_and_svg_are_never_shown_inline(drive_api, name, data):
    made = _upload(drive_api, name, data).json()
    shown = drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/download?inline=true")
    assert shown["Content-Type"] == "application/octet-stream"
    assert shown["Content-Disposition"].startswith("attachment")
    assert "sandbox" in shown["Content-Security-Policy"]
    assert made["thumbnail_url"] is None
    assert drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/thumbnail").status_code \
        == 404


def test_a_zip_bomb_is_stored_as_is_and_never_unpacked(drive_api):
    data = zip_bomb()
    made = _upload(drive_api, "archive.zip", data).json()
    assert made["size"] == len(data)
    assert Node.objects.filter(parent_id=drive_api.d.folder.pk).count() == 3  # nothing unpacked
    got = drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/download")
    assert b"".join(got.streaming_content) == data


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a\x00b", "..", ".",
                                  "a\\b", "x" * 300, "é" * 200, "   ", "bad\x07name"])
def test_dangerous_names_are_refused_with_a_clear_message(drive_api, name):
    """A name given with the file is checked as is: 400 `bad_name`, nothing stored."""
    before = Node.objects.count()
    refused = _upload(drive_api, "innocent.txt", b"x", field_name=name)
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "bad_name" and error["field"] == "name" and error["message"]
    assert Node.objects.count() == before


def test_a_path_in_the_file_name_never_escapes_the_folder(drive_api):
    """Browsers (and Django) keep the last part of a multipart file name: stored inside."""
    made = _upload(drive_api, "../../etc/passwd", b"root\n")
    assert made.status_code == 201
    assert (made.json()["name"], made.json()["parent_id"]) == ("passwd", drive_api.d.folder.pk)


def test_bad_names_through_folders_and_renames(drive_api):
    folder = drive_api.d.folder.pk
    for name in ["../x", "a/b", "\x01"]:
        made = drive_api.send("member", "POST", f"/drive/nodes/{folder}/folders", {"name": name})
        assert made.status_code == 400 and made.json()["error"]["code"] == "bad_name"
    renamed = drive_api.send("member", "PATCH", f"/drive/nodes/{drive_api.d.file.pk}",
                             {"name": "../../evil"})
    assert renamed.status_code == 400 and renamed.json()["error"]["code"] == "bad_name"
    clash = drive_api.send("member", "POST", f"/drive/nodes/{folder}/folders",
                           {"name": "PLAN.TXT"})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "name_taken"


def test_an_empty_file_is_fine(drive_api):
    made = _upload(drive_api, "empty.txt", b"")
    assert made.status_code == 201 and made.json()["size"] == 0
    got = drive_api.send("member", "GET", f"/drive/nodes/{made.json()['id']}/download")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b""


def test_the_same_name_makes_a_new_version(drive_api):
    """Uploading "PLAN.txt" over "plan.txt" is version 3; versions list and download."""
    made = _upload(drive_api, "PLAN.txt", b"third\n").json()
    assert made["id"] == drive_api.d.file.pk and made["version"] == 3
    versions = drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/versions").json()
    assert [v["number"] for v in versions] == [3, 2, 1]
    assert [v["current"] for v in versions] == [True, False, False]
    first = drive_api.send("reader", "GET", versions[2]["download_url"].removeprefix("/api/v1"))
    assert b"".join(first.streaming_content) == b"the plan\n"
    restored = drive_api.send("member", "POST", f"/drive/versions/{versions[2]['id']}/restore")
    assert restored.status_code == 201 and restored.json()["number"] == 4
    current = drive_api.send("member", "GET", f"/drive/nodes/{made['id']}/download")
    assert b"".join(current.streaming_content) == b"the plan\n"


def test_a_folder_name_taken_is_409(drive_api):
    refused = drive_api.upload("member", drive_api.d.root.pk, "reports", b"x")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "name_taken"


def test_quota_reached_is_413_with_a_clear_message(drive_api):
    admin = drive_api.send("org_admin", "PUT", f"/drive/spaces/{drive_api.d.space.pk}/quota",
                           {"quota_bytes": 100})
    assert admin.status_code == 200 and admin.json()["quota_bytes"] == 100
    refused = _upload(drive_api, "big.bin", b"x" * 200)
    assert refused.status_code == 413
    error = refused.json()["error"]
    assert error["code"] == "quota_exceeded" and "used" in error["message"]


def test_ranges(drive_api):
    data = bytes(range(256)) * 40
    node = _upload(drive_api, "data.bin", data).json()
    path = f"/drive/nodes/{node['id']}/download"
    part = drive_api.send("reader", "GET", path, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert b"".join(part.streaming_content) == data[100:200]
    tail = drive_api.send("reader", "GET", path, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == data[-10:]
    assert drive_api.send("reader", "GET", path, HTTP_RANGE="bytes=99999-").status_code == 416
    etag = part["ETag"]
    assert drive_api.send("reader", "GET", path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_folder_downloads_as_a_zip(drive_api):
    """The ZIP holds the folder's live tree (not the trash), bytes intact."""
    member = drive_api.world.member
    inner = make_folder(member, drive_api.d.folder, "Inner")
    make_file(member, inner, "deep.txt", b"deep\n")
    gone = make_file(member, drive_api.d.folder, "gone.txt", b"gone\n")
    drive_api.send("member", "POST", f"/drive/nodes/{gone.pk}/trash")
    got = drive_api.send("reader", "GET", f"/drive/nodes/{drive_api.d.folder.pk}/download")
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    assert 'filename="Reports.zip"' in got["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(got.streaming_content)))
    assert archive.testzip() is None
    names = set(archive.namelist())
    assert {"Reports/", "Reports/Inner/", "Reports/Inner/deep.txt", "Reports/plan.txt",
            "Reports/photo.png"} == names
    assert archive.read("Reports/plan.txt") == b"the plan, again\n"
    assert archive.read("Reports/photo.png") == png()


def test_thumbnails(drive_api):
    photo = drive_api.photo
    got = drive_api.send("reader", "GET", f"/drive/nodes/{photo.pk}/thumbnail?size=100")
    assert got.status_code == 200 and got["Content-Type"] == "image/webp"
    assert got.content[:4] == b"RIFF"
    text = drive_api.send("reader", "GET", f"/drive/nodes/{drive_api.d.file.pk}/thumbnail")
    assert text.status_code == 404 and text.json()["error"]["code"] == "no_preview"


def test_a_finished_resumable_upload_becomes_a_file(drive_api):
    member = drive_api.world.member
    session = resumable.create(member, 6, {"filename": "tus.txt"})
    resumable.append(member, session.key, 0, io.BytesIO(b"hello\n"))
    made = drive_api.send("member", "POST", f"/drive/nodes/{drive_api.d.folder.pk}"
                          "/files/from-upload", {"upload_id": session.key})
    assert made.status_code == 201 and made.json()["name"] == "tus.txt"
    assert not resumable.path_of(session.key).exists()
    again = drive_api.send("member", "POST", f"/drive/nodes/{drive_api.d.folder.pk}"
                           "/files/from-upload", {"upload_id": session.key})
    assert again.status_code == 404


def test_a_resumable_upload_is_kept_when_refused(drive_api):
    """An unfinished upload, a bad name or a full drive: the upload stays resumable."""
    member = drive_api.world.member
    folder = drive_api.d.folder.pk
    session = resumable.create(member, 6, {"filename": "../evil"})
    path = f"/drive/nodes/{folder}/files/from-upload"
    unfinished = drive_api.send("member", "POST", path, {"upload_id": session.key})
    assert unfinished.status_code == 409
    resumable.append(member, session.key, 0, io.BytesIO(b"hello\n"))
    bad = drive_api.send("member", "POST", path, {"upload_id": session.key})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_name"
    drive_api.send("org_admin", "PUT", f"/drive/spaces/{drive_api.d.space.pk}/quota",
                   {"quota_bytes": 1})
    full = drive_api.send("member", "POST", path, {"upload_id": session.key, "name": "ok.txt"})
    assert full.status_code == 413 and full.json()["error"]["code"] == "quota_exceeded"
    assert resumable.path_of(session.key).exists()


def _listing_queries(api: DriveApi, count: int) -> int:
    folder = make_folder(api.world.member, api.d.root, f"Many {count}")
    for n in range(count):
        make_file(api.world.member, folder, f"file {n}.txt", f"{n}".encode())
    client = api.client("reader")
    client.get(f"/api/v1/drive/nodes/{folder.pk}/children")  # token lookup cached alike
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(f"/api/v1/drive/nodes/{folder.pk}/children")
    assert answer.status_code == 200 and len(answer.json()["items"]) == count
    return len(queries)


def test_listing_costs_the_same_queries_for_5_or_60_files(drive_api):
    assert _listing_queries(drive_api, 5) == _listing_queries(drive_api, 60)


def test_listing_pages_with_a_cursor_in_order(drive_api):
    folder = make_folder(drive_api.world.member, drive_api.d.root, "Paged")
    for n in range(5):
        make_file(drive_api.world.member, folder, f"f{n}.txt", b"x" * (n + 1))
    make_folder(drive_api.world.member, folder, "zz folder")
    seen, cursor = [], ""
    while True:
        query = f"?order=-size&limit=2{'&cursor=' + cursor if cursor else ''}"
        page = drive_api.send("reader", "GET", f"/drive/nodes/{folder.pk}/children{query}").json()
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["zz folder", "f4.txt", "f3.txt", "f2.txt", "f1.txt", "f0.txt"]
    bad = drive_api.send("reader", "GET", f"/drive/nodes/{folder.pk}/children?cursor=abc")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_cursor"


def test_under_asgi_the_zip_and_files_stream_as_async_bodies(drive_api):
    """Django 5.2 reads a sync body whole before sending it under ASGI: the drive's ZIPs and
    files must be async iterators there, made as they are read."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    client = AsyncClient()
    token = f"Bearer {drive_api.secret('reader')}"

    async def fetch(path: str) -> tuple[bool, bytes]:
        response = await client.get(f"/api/v1{path}", headers={"Authorization": token})
        assert response.status_code == 200
        return response.is_async, b"".join([c async for c in response.streaming_content])

    is_async, data = async_to_sync(fetch)(f"/drive/nodes/{drive_api.d.folder.pk}/download")
    assert is_async
    assert zipfile.ZipFile(io.BytesIO(data)).read("Reports/plan.txt") == b"the plan, again\n"
    is_async, data = async_to_sync(fetch)(f"/drive/nodes/{drive_api.d.file.pk}/download")
    assert is_async and data == b"the plan, again\n"
