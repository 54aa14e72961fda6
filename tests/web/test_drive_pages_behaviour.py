"""What the drive's pages do: uploads (files, folders, versions, resumable), hostile names
and files, quotas, long folders, search, the folder picker, the trash and the admin page."""

from __future__ import annotations

import base64
import re
from io import BytesIO

import pytest
from django.test import override_settings

from atrium.kernel.models import AuditEntry
from atrium.modules.drive import actions
from atrium.modules.drive.models import DriveQuota, Node
from tests.factories import make_world
from tests.web.drive_world import named, png_bytes

pytestmark = pytest.mark.django_db
XSS = ['<img src=x onerror=alert(1)>.png', '"><svg onload=alert(1)>']


def drive_url(world, node=None, tail=""):
    root = node or actions.drive_root(world.space)
    return f"/s/{world.space.slug}/drive/n/{root.pk}/{tail}"


def test_upload_many_files_with_folders_and_a_new_version(client_for):
    """Files with relative paths recreate their folders; the same name makes a version."""
    world = make_world()
    client = client_for(world.member)
    response = client.post(drive_url(world, tail="upload"), {
        "files": [named(b"one", "a.txt"), named(b"two", "b.txt"), named(b"three", "c.txt")],
        "paths": ["a.txt", "Photos/2024/b.txt", "Photos/c.txt"]})
    assert response.status_code == 302
    photos = Node.objects.get(name="Photos")
    assert {n.name for n in Node.objects.filter(parent=photos)} == {"2024", "c.txt"}
    assert Node.objects.get(name="b.txt").parent.name == "2024"
    page = client.get(response["Location"]).content.decode()
    assert "3 files uploaded." in page
    a = Node.objects.get(name="a.txt")
    client.post(drive_url(world, tail="upload"), {"files": [named(b"v2", "other-name.bin")],
                                                 "paths": ["a.txt"]})
    assert a.versions.count() == 2
    file_page = client.get(drive_url(world, a)).content.decode()
    assert "v2" in file_page and "Version" in file_page


def test_a_script_gets_json_for_each_upload(client_for):
    """The page's script uploads one file per request and reads JSON (errors too)."""
    world = make_world()
    client = client_for(world.member)
    ok = client.post(drive_url(world, tail="upload"), {"files": [named(b"x", "x.txt")],
                                                      "paths": ["Dir/x.txt"]},
                     HTTP_X_ATRIUM_FETCH="1")
    assert ok.status_code == 200 and ok.json()["name"] == "x.txt"
    bad = client.post(drive_url(world, tail="upload"), {"files": [named(b"x", "x.txt")],
                                                       "paths": ["../.."]},
                      HTTP_X_ATRIUM_FETCH="1")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_name"


@pytest.mark.parametrize("name", XSS)
def test_hostile_names_are_shown_as_text(client_for, name):
    """Names full of markup are escaped on the listing, the file page and search."""
    world = make_world()
    root = actions.drive_root(world.space)
    node = actions.do_upload_file(world.member, root, name, BytesIO(png_bytes()))
    client = client_for(world.member)
    for url in (drive_url(world), drive_url(world, node),
                f"/s/{world.space.slug}/drive/search/?q=svg+img"):
        body = client.get(url).content.decode()
        assert "<img src=x" not in body and "<svg onload" not in body


def test_uploaded_html_and_svg_never_render_as_pages(client_for):
    """HTML and SVG with script come back as downloads, with a sandbox and no sniffing."""
    world = make_world()
    root = actions.drive_root(world.space)
    client = client_for(world.member)
    for name, data in (("page.html", b"<html><script>alert(1)</script></html>"),
                       ("pic.svg", b'<svg xmlns="http://www.w3.org/2000/svg" '
                                   b'onload="alert(1)"></svg>')):
        node = actions.do_upload_file(world.member, root, name, BytesIO(data))
        for tail in ("view", "download"):
            response = client.get(drive_url(world, node, tail))
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Content-Disposition"].startswith("attachment")
            assert "sandbox" in response["Content-Security-Policy"]
            assert response["X-Content-Type-Options"] == "nosniff"
        page = client.get(drive_url(world, node)).content.decode()
        assert "<script>alert(1)" not in page


def test_previews_by_kind(client_for):
    """Images inline, PDFs as their first page with a link, text in a <pre>."""
    world = make_world()
    root = actions.drive_root(world.space)
    client = client_for(world.member)
    image = actions.do_upload_file(world.member, root, "p.png", BytesIO(png_bytes()))
    text = actions.do_upload_file(world.member, root, "t.txt", BytesIO(b"<b>bold</b> text"))
    assert f'src="{drive_url(world, image, "view")}"' in client.get(
        drive_url(world, image)).content.decode()
    body = client.get(drive_url(world, text)).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; text" in body
    thumb = client.get(drive_url(world, image, "thumb?s=64"))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert client.get(drive_url(world, image, "thumb?s=65")).status_code == 404


def test_quota_reached_says_so_clearly(client_for):
    """Past the quota the upload is refused with how much is used; the bar says it is full."""
    world = make_world()
    actions.do_set_quota(world.owner, world.space, 10)
    client = client_for(world.member)
    response = client.post(drive_url(world, tail="upload"),
                           {"files": [named(b"x" * 100, "big.bin")]}, follow=True)
    body = response.content.decode()
    assert "Not enough room in this drive" in body
    assert not Node.objects.filter(name="big.bin").exists()
    actions.do_upload_file(world.member, actions.drive_root(world.space), "f.bin",
                           BytesIO(b"x" * 10))
    body = client.get(drive_url(world)).content.decode()
    assert "This drive is full" in body and 'role="alert"' in body


def test_a_long_folder_loads_by_pages(client_for, django_assert_max_num_queries):
    """250 items: the page shows 200 and a "Load more" link; the script's fragment brings
    the rest; the number of queries does not grow with the folder."""
    world = make_world()
    root = actions.drive_root(world.space)
    Node.objects.bulk_create([Node(space=world.space, parent=root, kind="folder",
                                   name=f"f{i:03}", name_key=f"f{i:03}") for i in range(250)])
    client = client_for(world.member)
    with django_assert_max_num_queries(40):
        body = client.get(drive_url(world)).content.decode()
    assert body.count('scope="row"') == 200
    more = re.search(r'id="drive-more" href="([^"]+)"', body)
    assert more
    fragment = client.get(more.group(1).replace("&amp;", "&"), HTTP_X_ATRIUM_FETCH="1")
    assert fragment.content.decode().count('scope="row"') == 50
    assert fragment["X-Drive-More"] == ""
    plain = client.get(more.group(1).replace("&amp;", "&")).content.decode()
    assert "f249" in plain and "f000" not in plain
    assert client.get(drive_url(world) + "?cursor=forged").status_code == 200


def test_search_by_name_and_content(client_for):
    """Readers find files by name and by words inside; outsiders find nothing."""
    world = make_world()
    root = actions.drive_root(world.space)
    node = actions.do_upload_file(world.member, root, "minutes.txt",
                                  BytesIO(b"the cardiology budget for 2031"))
    assert node.current is not None
    actions.index_pending_texts()
    client = client_for(world.reader)
    in_space = client.get(f"/s/{world.space.slug}/drive/search/?q=minutes").content.decode()
    assert "minutes.txt" in in_space
    assert "minutes.txt" in client.get("/drive/search/?q=budget").content.decode()
    assert "minutes.txt" not in client_for(world.outsider).get(
        "/drive/search/?q=minutes").content.decode()


def test_move_and_copy_through_the_picker_then_trash_and_restore(client_for):
    """The picker offers the chosen folder; move, copy, trash and restore all work."""
    world = make_world()
    root = actions.drive_root(world.space)
    folder = actions.do_create_folder(world.member, root, "Archive")
    file = actions.do_upload_file(world.member, root, "r.txt", BytesIO(b"r"))
    client = client_for(world.member)
    picker = client.get(drive_url(world, file, f"pick/?op=move&to={folder.pk}")).content.decode()
    assert "Move here" in picker and f'value="{folder.pk}"' in picker
    assert client.post(drive_url(world, file, "move"), {"to": folder.pk}).status_code == 302
    assert Node.objects.get(pk=file.pk).parent_id == folder.pk
    client.post(drive_url(world, file, "copy"), {"to": root.pk})
    assert Node.objects.filter(parent=root, name="r.txt").exists()
    client.post(drive_url(world, file, "trash"))
    trash = client.get(f"/s/{world.space.slug}/drive/trash/").content.decode()
    assert "r.txt" in trash
    client.post(drive_url(world, file, "restore"))
    assert Node.objects.get(pk=file.pk).trashed_at is None


def test_resumable_upload_is_claimed_into_a_folder(client_for, tmp_path):
    """Bytes sent by tus to /api/v1/uploads/ become a file at its path on claim."""
    world = make_world()
    client = client_for(world.member)
    tus = {"HTTP_TUS_RESUMABLE": "1.0.0"}
    with override_settings(DATA_DIR=tmp_path):
        created = client.post("/api/v1/uploads/", HTTP_UPLOAD_LENGTH="11",
                              HTTP_UPLOAD_METADATA="filename " + base64.b64encode(
                                  b"big.bin").decode(), **tus)
        assert created.status_code == 201
        location = created["Location"]
        client.patch(location, data=b"hello", content_type="application/offset+octet-stream",
                     HTTP_UPLOAD_OFFSET="0", **tus)
        client.patch(location, data=b" world", content_type="application/offset+octet-stream",
                     HTTP_UPLOAD_OFFSET="5", **tus)
        upload_id = location.rstrip("/").split("/")[-1]
        other = client_for(world.reader).post(drive_url(world, tail="claim"),
                                              {"upload": upload_id, "path": "x.bin"})
        assert other.status_code == 404  # not theirs (and they may not write)
        claimed = client.post(drive_url(world, tail="claim"),
                              {"upload": upload_id, "path": "Big/big.bin"},
                              HTTP_X_ATRIUM_FETCH="1")
    assert claimed.status_code == 200, claimed.content
    node = Node.objects.get(name="big.bin")
    assert node.parent.name == "Big" and node.size == 11


def test_admin_page_shows_dedup_and_sets_quotas(client_for):
    """The admin sees what single copies save, and sets quotas in MB for spaces and people."""
    world = make_world()
    root = actions.drive_root(world.space)
    actions.do_upload_file(world.member, root, "same.bin", BytesIO(b"z" * 5000))
    actions.do_copy(world.member, Node.objects.get(name="same.bin"), root)
    client = client_for(world.org_admin)
    body = client.get("/manage/drive/").content.decode()
    assert "Space saved" in body and "Cardiology" in body
    client.post("/manage/drive/", {"email": world.member.email, "quota": "1.5"})
    personal = world.member.personal_space
    assert DriveQuota.objects.get(space=personal).quota_bytes == 1_500_000
    client.post("/manage/drive/", {"space": world.space.pk, "quota": ""})
    assert DriveQuota.objects.get(space=world.space).quota_bytes is None
    refused = client.post("/manage/drive/", {"space": world.space.pk, "quota": "-3"},
                          follow=True)
    assert "Enter a quota in megabytes" in refused.content.decode()


def test_share_links_from_the_file_page(client_for):
    """The token is shown once; the link opens without an account; revoking closes it."""
    world = make_world()
    root = actions.drive_root(world.space)
    node = actions.do_upload_file(world.member, root, "shared.txt", BytesIO(b"shared words"))
    client = client_for(world.member)
    client.post(drive_url(world, node, "share"), {"password": "s3cret",
                                                  "expires": "2999-01-01"})
    page = client.get(drive_url(world, node)).content.decode()
    url = re.search(r'id="new-share-link"[^>]*>([^<]+)<', page).group(1)
    assert "new-share-link" not in client.get(drive_url(world, node)).content.decode()
    from django.test import Client

    visitor = Client()
    assert visitor.get(url).status_code == 401
    wrong = visitor.post(url, {"password": "nope"})
    assert wrong.status_code == 401 and "The password is not right." in wrong.content.decode()
    assert visitor.post(url, {"password": "s3cret"}).status_code == 302
    shown = visitor.get(url)
    assert shown.status_code == 200 and "shared words" in shown.content.decode()
    assert shown["Referrer-Policy"] == "same-origin"
    download = visitor.get(f"{url}n/{node.pk}/download")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"shared words"
    outcomes = list(AuditEntry.objects.filter(action__startswith="drive.share_link_")
                    .values_list("data__outcome", flat=True))
    assert {"password_required", "wrong_password", "ok"} <= set(outcomes)
    link = node.share_links.get()
    client.post(f"/s/{world.space.slug}/drive/links/{link.pk}/revoke")
    assert visitor.get(url).status_code == 404
    assert visitor.get(f"{url}n/{node.pk}/download").status_code == 404


def test_share_link_pages_refuse_expired_revoked_unknown_and_outside(client_for):
    """Unknown, expired and revoked links answer 404; a shared folder lists, zips and opens
    what it holds and nothing beside it."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from atrium.modules.drive.models import ShareLink

    world = make_world()
    root = actions.drive_root(world.space)
    folder = actions.do_create_folder(world.member, root, "Shared")
    inside = actions.do_upload_file(world.member, folder, "in.txt", BytesIO(b"inside"))
    beside = actions.do_upload_file(world.member, root, "beside.txt", BytesIO(b"beside"))
    _link, token = actions.do_create_share_link(world.member, folder)
    expired, old = actions.do_create_share_link(
        world.member, folder, expires_at=timezone.now() + timedelta(days=1))
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now()
                                                   - timedelta(seconds=1))
    revoked, gone = actions.do_create_share_link(world.member, folder)
    actions.do_revoke_share_link(world.member, revoked)
    visitor = Client()
    base = f"/drive/share/{token}/"
    listing = visitor.get(base)
    assert listing.status_code == 200 and "in.txt" in listing.content.decode()
    assert "beside.txt" not in listing.content.decode()
    assert visitor.get(f"{base}n/{inside.pk}/").status_code == 200
    assert visitor.get(f"{base}n/{beside.pk}/").status_code == 404
    assert visitor.get(f"{base}n/{beside.pk}/download").status_code == 404
    zipped = visitor.get(f"{base}n/{folder.pk}/zip")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    import zipfile

    archive = zipfile.ZipFile(BytesIO(b"".join(zipped.streaming_content)))
    assert archive.read("in.txt") == b"inside"
    for bad in (old, gone, "no-such-token"):
        assert visitor.get(f"/drive/share/{bad}/").status_code == 404
        assert visitor.post(f"/drive/share/{bad}/", {"password": "x"}).status_code == 404
    actions.do_trash(world.member, folder)
    assert visitor.get(base).status_code == 404
