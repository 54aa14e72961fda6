"""The trash: with everything inside, restore to the folder or the root, name clashes,
deleting for good releases blobs, expiry after ATRIUM_DRIVE_TRASH_DAYS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel import blobstore
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import AuditEntry, Blob
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import Node
from tests.modules.drive.factories import fresh, make_file, make_folder

pytestmark = pytest.mark.django_db


def test_a_trashed_folder_takes_its_items_and_brings_them_back(drive):
    member = drive.world.member
    actions.do_trash(member, fresh(drive.folder))
    assert fresh(drive.file).trashed_at is not None
    assert [n.name for n in queries.trash(member, drive.space)] == ["Reports", "old.txt"]
    assert queries.search(member, "plan") == []
    actions.do_restore(member, fresh(drive.folder))
    assert fresh(drive.file).trashed_at is None
    assert [n.name for n in queries.search(member, "plan")] == ["plan.txt"]


def test_an_item_trashed_before_its_folder_stays_in_the_trash(drive):
    member = drive.world.member
    actions.do_trash(member, fresh(drive.file))
    actions.do_trash(member, fresh(drive.folder))
    actions.do_restore(member, fresh(drive.folder))
    assert fresh(drive.file).trashed_at is not None
    actions.do_restore(member, fresh(drive.file))
    assert fresh(drive.file).parent_id == drive.folder.pk


def test_restore_goes_to_the_root_when_the_folder_is_in_the_trash(drive):
    member = drive.world.member
    actions.do_trash(member, fresh(drive.file))
    actions.do_trash(member, fresh(drive.folder))
    restored = actions.do_restore(member, fresh(drive.file))
    assert restored.parent_id == drive.root.pk


def test_a_name_taken_meanwhile_gets_a_number(drive):
    member = drive.world.member
    make_file(member, drive.root, "old.txt", b"new old\n")
    restored = actions.do_restore(member, fresh(drive.trashed))
    assert restored.name == "old (2).txt"


def test_the_trash_may_hold_two_items_of_the_same_name(drive):
    member = drive.world.member
    again = make_file(member, drive.root, "old.txt", b"again\n")
    actions.do_trash(member, again)
    assert Node.objects.filter(name="old.txt", trashed_at__isnull=False).count() == 2


def test_delete_forever_releases_every_version(drive):
    """Blob references fall; bytes nobody references are purged by the blob store."""
    member = drive.world.member
    make_file(member, drive.folder, "plan.txt", b"v2\n")
    blob_ids = list(fresh(drive.file).versions.values_list("blob_id", flat=True))
    actions.do_trash(member, fresh(drive.folder))
    count = actions.do_delete_forever(member, fresh(drive.folder))
    assert count == 2
    assert not Node.objects.filter(pk__in=[drive.folder.pk, drive.file.pk]).exists()
    assert all(b.refcount == 0 for b in Blob.objects.filter(pk__in=blob_ids))
    assert blobstore.purge_orphans() >= 2
    assert AuditEntry.objects.filter(action="drive.deleted_forever").exists()


def test_only_trashed_items_are_deleted_for_good(drive):
    with pytest.raises(ActionError) as error:
        actions.do_delete_forever(drive.world.member, fresh(drive.file))
    assert error.value.code == "not_in_trash"


def test_a_writer_deletes_for_good_only_what_they_trashed(drive):
    admin, member = drive.world.space_admin, drive.world.member
    theirs = actions.do_trash(admin, make_file(admin, drive.root, "admin.txt"))
    with pytest.raises(Forbidden):
        actions.do_delete_forever(member, fresh(theirs))
    assert actions.do_delete_forever(admin, fresh(drive.trashed)) == 1


def test_empty_trash(drive):
    admin = drive.world.space_admin
    actions.do_trash(admin, fresh(drive.folder))
    assert actions.do_empty_trash(admin, drive.space) == 3
    assert queries.trash(admin, drive.space) == []
    assert Node.objects.filter(space=drive.space).count() == 1  # the root


def test_expired_trash_is_purged(drive, settings):
    """Older than the setting: gone for good; newer: kept."""
    settings.ATRIUM_DRIVE_TRASH_DAYS = 30
    member = drive.world.member
    recent = actions.do_trash(member, make_file(member, drive.root, "recent.txt"))
    Node.objects.filter(pk=drive.trashed.pk).update(
        trashed_at=timezone.now() - timedelta(days=31))
    assert actions.purge_expired_trash() == 1
    assert not Node.objects.filter(pk=drive.trashed.pk).exists()
    assert Node.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action="drive.trash_purged").count() == 1


def test_the_purge_is_a_housekeeping_job():
    from atrium.kernel import housekeeping

    assert housekeeping._jobs["drive.purge_trash"] is actions.purge_expired_trash


def test_nothing_can_be_added_to_a_trashed_folder(drive):
    member = drive.world.member
    folder = actions.do_trash(member, fresh(drive.folder))
    with pytest.raises(ActionError):
        make_folder(member, folder, "Inside")
