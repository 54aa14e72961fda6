"""Quotas per space and per person: set by the organisation's admins only; a refused upload
says how much is used and allowed, and stores nothing."""

from io import BytesIO

import pytest

from atrium.kernel.errors import Forbidden
from atrium.kernel.models import Blob
from atrium.modules.drive import actions, queries
from atrium.modules.drive.actions import QuotaExceeded
from atrium.modules.drive.models import FileVersion
from tests.modules.drive.factories import fresh, make_file

pytestmark = pytest.mark.django_db


def stored_files(settings) -> set[str]:
    root = settings.STORAGES["blobs"]["OPTIONS"]["location"]
    import os

    return {os.path.join(d, f) for d, _s, files in os.walk(root) for f in files}


def test_an_upload_past_the_quota_is_refused_and_stores_nothing(drive, settings):
    admin, member = drive.world.org_admin, drive.world.member
    used = queries.usage(drive.space).used
    actions.do_set_quota(admin, drive.space, used + 10)
    blobs, versions, files = Blob.objects.count(), FileVersion.objects.count(), \
        stored_files(settings)
    with pytest.raises(QuotaExceeded) as error:
        make_file(member, drive.folder, "big.bin", b"\x01" * 11)
    assert error.value.code == "quota_exceeded" and error.value.status == 413
    assert "used" in error.value.message and "Empty the trash" in error.value.message
    assert (Blob.objects.count(), FileVersion.objects.count()) == (blobs, versions)
    assert stored_files(settings) == files
    assert make_file(member, drive.folder, "fits.bin", b"\x02" * 10).size == 10
    with pytest.raises(QuotaExceeded):
        make_file(member, drive.folder, "one.bin", b"\x03")
    assert make_file(member, drive.folder, "zero.bin", b"").size == 0  # still fits


def test_the_trash_counts_until_purged(drive):
    admin, member = drive.world.org_admin, drive.world.member
    actions.do_set_quota(admin, drive.space, queries.usage(drive.space).used)
    actions.do_trash(member, fresh(drive.file))
    with pytest.raises(QuotaExceeded):
        make_file(member, drive.folder, "x.txt", b"x")
    actions.do_delete_forever(member, fresh(drive.file))
    assert make_file(member, drive.folder, "x.txt", b"x").size == 1


def test_versions_restores_and_copies_count(drive):
    admin, member = drive.world.org_admin, drive.world.member
    actions.do_set_quota(admin, drive.space, queries.usage(drive.space).used)
    with pytest.raises(QuotaExceeded):
        actions.do_restore_version(member, fresh(drive.file).versions.get())
    mine = actions.personal_drive(member)
    actions.do_set_quota(admin, member, 3)
    assert queries.usage(member).quota == 3
    with pytest.raises(QuotaExceeded):
        actions.do_copy(member, fresh(drive.file), mine)
    assert not mine.children.exists()


def test_only_org_admins_set_quotas(drive):
    """A space's admin may not raise their own space's quota; a person not their own."""
    for person in (drive.world.space_admin, drive.world.member):
        with pytest.raises(Forbidden):
            actions.do_set_quota(person, drive.space, None)
        with pytest.raises(Forbidden):
            actions.do_set_quota(person, person, None)
    row = actions.do_set_quota(drive.world.owner, drive.space, 5_000)
    assert row.quota_bytes == 5_000 and queries.usage(drive.space).quota == 5_000
    actions.do_set_quota(drive.world.owner, drive.space, None)
    assert queries.usage(drive.space).quota is None


def test_the_size_limit_still_applies_without_a_quota(drive, settings):
    from atrium.kernel.blobstore import UploadTooLarge

    settings.ATRIUM_MAX_UPLOAD_BYTES = settings.ATRIUM_MAX_DRIVE_UPLOAD_BYTES = 5
    with pytest.raises(UploadTooLarge):
        actions.do_upload_file(drive.world.member, drive.folder, "x.bin", BytesIO(b"123456"))
