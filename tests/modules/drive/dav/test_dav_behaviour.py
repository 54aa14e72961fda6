"""WebDAV behaviour: hostile names refused with nothing stored, quotas as 507, versions by
PUT, ranges, properties, MOVE/COPY with Overwrite within and across drives, locks."""

from __future__ import annotations

import pytest
from django.conf import settings

from atrium.kernel.models import Blob
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import FileVersion, Node
from tests.modules.drive.factories import fresh

pytestmark = pytest.mark.django_db


def _snapshot():
    return (Node.objects.count(), FileVersion.objects.count(), Blob.objects.count())


@pytest.mark.parametrize("method,path,headers", [
    ("PUT", "/dav/~personal/../escape.txt", {}),
    ("PUT", "/dav/~personal/./here.txt", {}),
    ("PUT", "/dav/~personal/nul\x00byte.txt", {}),
    ("PUT", "/dav/~personal/tab\tname.txt", {}),
    ("PUT", "/dav/~personal/back\\slash.txt", {}),
    ("PUT", "/dav/~personal/" + "é" * 200 + ".txt", {}),
    ("MKCOL", "/dav/~personal/..", {}),
    ("MKCOL", "/dav/~personal/" + "x" * 256, {}),
    ("MKCOL", "/dav/~personal/line\nbreak", {}),
    ("MOVE", "/dav/~personal/mine.txt",
     {"destination": "http://testserver/dav/~personal/%2e%2e/escape.txt"}),
    ("MOVE", "/dav/~personal/mine.txt",
     {"destination": "http://testserver/dav/~personal/nul%00.txt"}),
    ("MOVE", "/dav/~personal/mine.txt",
     {"destination": "http://testserver/dav/~personal/" + "y" * 300}),
    ("COPY", "/dav/~personal/mine.txt",
     {"destination": "http://testserver/dav/~personal/a%5Cb.txt"}),
    ("MOVE", "/dav/~personal/mine.txt", {"destination": "http://testserver/elsewhere/x.txt"}),
])
def test_hostile_names_are_refused_and_nothing_is_stored(dav, drive, method, path, headers):
    member = drive.world.member
    assert dav.request(member, "PUT", "/dav/~personal/mine.txt", b"mine").status == 201
    before = _snapshot()
    answer = dav.request(member, method, path, b"evil" if method == "PUT" else b"", **headers)
    assert answer.status in (400, 403), answer.body[:300]
    assert _snapshot() == before
    assert fresh(queries.by_path_key(actions.personal_drive(member), "mine.txt")).name \
        == "mine.txt"


def test_a_put_over_quota_is_507_and_stores_nothing(dav, drive):
    """Refused from its Content-Length before reading, and while streaming when there is
    no length (a chunked body)."""
    member = drive.world.member
    actions.do_set_quota(drive.world.owner, member, 10)
    actions.personal_drive(member)  # its root is made on first use
    before = _snapshot()
    answer = dav.request(member, "PUT", "/dav/~personal/big.txt", b"x" * 20)
    assert answer.status == 507 and b"Not enough room" in answer.body
    assert _snapshot() == before
    streamed = dav.request(member, "PUT", "/dav/~personal/big.txt", b"x" * 20,
                           content_length=-1)
    assert streamed.status == 507
    assert _snapshot() == before
    assert not list((settings.DATA_DIR / "tmp").glob("dav-*"))  # no spooled body left
    assert dav.request(member, "PUT", "/dav/~personal/fits.txt", b"x" * 10).status == 201


def test_a_body_shorter_than_announced_stores_nothing(dav, drive):
    actions.personal_drive(drive.world.member)  # its root is made on first use
    before = _snapshot()
    answer = dav.request(drive.world.member, "PUT", "/dav/~personal/cut.txt", b"only part",
                         content_length=1000)
    assert answer.status == 400
    assert _snapshot() == before


def test_put_on_an_existing_file_is_a_new_version(dav, drive):
    member, base = drive.world.member, f"/dav/{drive.space.slug}/Reports"
    answer = dav.request(member, "PUT", base + "/plan.txt", b"the new plan\n")
    assert answer.status == 204 and answer.headers["etag"]
    assert [v.number for v in queries.versions(member, fresh(drive.file))] == [2, 1]
    again = dav.request(member, "GET", base + "/PLAN.TXT")  # names compare as the drive does
    assert (again.status, again.body) == (200, b"the new plan\n")
    assert again.headers["etag"] == answer.headers["etag"]
    assert again.headers["content-security-policy"] == "sandbox"
    assert again.headers["x-content-type-options"] == "nosniff"


def test_range_head_and_properties(dav, drive):
    member, base = drive.world.member, f"/dav/{drive.space.slug}/Reports"
    part = dav.request(member, "GET", base + "/plan.txt", range="bytes=4-7")
    assert (part.status, part.body, part.headers["content-range"]) == (206, b"plan",
                                                                      "bytes 4-7/9")
    head = dav.request(member, "HEAD", base + "/plan.txt")
    assert (head.status, head.body, head.headers["content-length"]) == (200, b"", "9")
    actions.do_set_quota(drive.world.owner, drive.space, 1000)
    listing = dav.propfind(member, base + "/")
    assert listing.status == 207
    assert listing.prop("getcontentlength") == ["9"]
    assert listing.prop("getcontenttype") == ["text/plain"]
    assert len(listing.prop("getlastmodified")) == 2 and listing.prop("getetag")
    used = queries.usage(drive.space).used
    assert listing.prop("quota-used-bytes") == [str(used)]
    assert listing.prop("quota-available-bytes") == [str(1000 - used)]


def test_move_and_copy_follow_overwrite(dav, drive):
    """Overwrite F onto an existing item: 412, nothing changed; Overwrite T: the old item
    goes to the trash (204); COPY across drives shares the blob (201)."""
    member, base = drive.world.member, f"/dav/{drive.space.slug}"
    assert dav.request(member, "PUT", base + "/other.txt", b"other").status == 201
    target = queries.by_path_key(drive.root, "other.txt")
    kept = dav.request(member, "MOVE", base + "/Reports/plan.txt", overwrite="F",
                       destination=f"http://testserver{base}/other.txt")
    assert kept.status == 412 and fresh(drive.file).parent_id == drive.folder.pk
    replaced = dav.request(member, "MOVE", base + "/Reports/plan.txt", overwrite="T",
                           destination=f"http://testserver{base}/other.txt")
    assert replaced.status == 204
    assert fresh(target).trashed_at is not None
    moved = fresh(drive.file)
    assert (moved.name, moved.parent_id) == ("other.txt", drive.root.pk)

    copied = dav.request(member, "COPY", base + "/Reports",
                         destination="http://testserver/dav/~personal/Reports%20copy")
    assert copied.status == 201
    mine = queries.by_path_key(actions.personal_drive(member), "Reports copy")
    assert mine is not None and mine.is_folder
    renamed = dav.request(member, "MOVE", base + "/other.txt",
                          destination="http://testserver/dav/~personal/Reports%20copy/p.txt")
    assert renamed.status == 201
    assert fresh(drive.file).space_id == mine.space_id
    refused = dav.request(drive.world.reader, "COPY", base + "/Reports",
                          destination=f"http://testserver{base}/Copy")
    assert refused.status == 403


def test_locks_keep_others_out_until_unlocked(dav, drive):
    member, admin = drive.world.member, drive.world.space_admin
    path = f"/dav/{drive.space.slug}/Reports/plan.txt"
    body = (b'<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>'
            b"</D:lockscope><D:locktype><D:write/></D:locktype><D:owner>Mia</D:owner>"
            b"</D:lockinfo>")
    locked = dav.request(member, "LOCK", path, body, timeout="Second-600")
    assert locked.status == 200
    token = locked.headers["lock-token"]
    assert dav.request(admin, "PUT", path, b"not now").status == 423
    assert dav.request(admin, "DELETE", path).status == 423
    assert dav.request(member, "PUT", path, b"mine", **{"if": f"({token})"}).status == 204
    assert dav.request(member, "UNLOCK", path, lock_token=token).status == 204
    assert dav.request(admin, "PUT", path, b"now").status == 204
    assert [v.number for v in queries.versions(admin, fresh(drive.file))] == [3, 2, 1]


def test_the_drive_root_and_the_list_of_drives_cannot_be_changed(dav, drive):
    member = drive.world.member
    assert dav.request(member, "DELETE", f"/dav/{drive.space.slug}/").status == 403
    assert dav.request(member, "MKCOL", "/dav/new-drive").status == 403
    assert dav.request(member, "PUT", "/dav/file.txt", b"x").status == 403
    moved = dav.request(member, "MOVE", "/dav/~personal/",
                        destination=f"http://testserver/dav/{drive.space.slug}/mine")
    assert moved.status == 403
