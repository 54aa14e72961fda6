"""Uploads, versions, dedup, rename, move and copy; audit records and typed events."""

from io import BytesIO

import pytest
from django.db.models import Sum

from atrium.kernel.errors import ActionError, Conflict
from atrium.kernel.models import AuditEntry, Blob, EventRecord
from atrium.modules.drive import actions, queries
from atrium.modules.drive.models import FileVersion, Node
from tests.factories import make_space, make_user
from tests.modules.drive.factories import fresh, make_file, make_folder

pytestmark = pytest.mark.django_db


def test_an_upload_is_a_node_with_a_version_on_a_blob(drive):
    """Size and type come from the bytes; the node keeps them for listing; one audit record
    and one event to the space."""
    member = drive.world.member
    before = EventRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    node = make_file(member, drive.folder, "readme.md", b"# Hello\n")
    version = node.current
    assert version.number == 1 and version.blob.size == 8 and node.size == 8
    assert node.mime_type == version.mime_type == version.blob.mime_type
    assert AuditEntry.objects.filter(action="drive.file_uploaded", target_id=str(node.pk)).exists()
    event = EventRecord.objects.filter(pk__gt=before).get()
    assert (event.type, event.audience_kind, event.audience_id) == (
        "drive.node.created", "space", drive.space.pk)
    assert event.payload["node_id"] == node.pk


def test_an_empty_file_is_stored(drive):
    node = make_file(drive.world.member, drive.folder, "empty.txt", b"")
    assert node.size == 0 and node.current.blob.size == 0


def test_same_name_makes_a_new_version_and_restore_makes_another(drive):
    """Versions keep who and when; restoring an old one adds a version with its bytes."""
    member, admin = drive.world.member, drive.world.space_admin
    v2 = make_file(admin, drive.folder, "plan.txt", b"the plan, revised\n")
    assert v2.pk == drive.file.pk
    listed = queries.versions(member, fresh(v2))
    assert [(v.number, v.uploaded_by) for v in listed] == [(2, admin), (1, member)]
    restored = actions.do_restore_version(member, listed[1])
    node = fresh(v2)
    assert restored.number == 3 and restored.restored_from == listed[1]
    assert node.current == restored and node.size == len(b"the plan\n")
    assert restored.blob == listed[1].blob
    assert Blob.objects.get(pk=restored.blob_id).refcount == 2
    assert AuditEntry.objects.filter(action="drive.version_restored").count() == 1


def test_twenty_people_uploading_the_same_bytes_store_them_once(drive):
    """One blob, 20 references; each person's file is their own."""
    data = b"the same report, twenty times\n" * 100
    people = [make_user() for _ in range(20)]
    nodes = [make_file(p, actions.personal_drive(p), "report.txt", data) for p in people]
    blobs = {n.current.blob_id for n in nodes}
    assert len(blobs) == 1
    blob = Blob.objects.get(pk=blobs.pop())
    assert blob.refcount == 20
    assert len({n.space_id for n in nodes}) == 20


def test_rename_and_clashes(drive):
    member = drive.world.member
    other = make_file(member, drive.folder, "other.txt")
    with pytest.raises(Conflict):
        actions.do_rename(member, other, "PLAN.txt")
    renamed = actions.do_rename(member, fresh(drive.file), "Plan.txt")  # its own name, recased
    assert renamed.name == "Plan.txt"
    with pytest.raises(ActionError):
        actions.do_rename(member, fresh(other), "../x")


def test_move_refuses_cycles_and_clashes(drive):
    member = drive.world.member
    sub = make_folder(member, drive.folder, "Sub")
    with pytest.raises(ActionError) as error:
        actions.do_move(member, fresh(drive.folder), sub)
    assert error.value.code == "inside_itself"
    make_file(member, drive.root, "plan.txt")
    with pytest.raises(Conflict):
        actions.do_move(member, fresh(drive.file), drive.root)
    moved = actions.do_move(member, fresh(drive.file), sub)
    assert fresh(moved).parent == sub


def test_move_to_another_space_takes_everything_inside(drive):
    """The folder and its files change space; usage follows them."""
    member = drive.world.member
    target_space = make_space(member)
    target = actions.drive_root(target_space)
    before = queries.usage(drive.space).used
    actions.do_move(member, fresh(drive.folder), target)
    assert fresh(drive.file).space_id == target_space.pk
    assert queries.usage(target_space).used == len(b"the plan\n")
    assert queries.usage(drive.space).used == before - len(b"the plan\n")
    types = list(EventRecord.objects.filter(type="drive.node.changed")
                 .values_list("audience_id", "payload__change"))
    assert (drive.space.pk, "moved_away") in types and (target_space.pk, "moved") in types


def test_copy_across_spaces_attaches_blobs_and_copies_no_bytes(drive):
    """A folder copied into another space: same blobs, one more reference each; current
    versions only; a name taken there gets " (2)"."""
    member = drive.world.member
    make_file(member, drive.folder, "plan.txt", b"second version\n")
    make_file(member, make_folder(member, drive.folder, "Deep"), "deep.txt", b"deep\n")
    mine = actions.personal_drive(member)
    make_folder(member, mine, "Reports")
    blobs_before = Blob.objects.count()
    copy = actions.do_copy(member, fresh(drive.folder), mine)
    assert copy.name == "Reports (2)" and copy.space_id == mine.space_id
    assert Blob.objects.count() == blobs_before
    names = sorted(Node.objects.filter(space_id=mine.space_id, kind="file")
                   .values_list("name", flat=True))
    assert names == ["deep.txt", "plan.txt"]
    copied = Node.objects.get(space_id=mine.space_id, name="plan.txt")
    assert copied.versions.count() == 1
    assert copied.current.blob == fresh(drive.file).current.blob
    assert copied.current.blob.refcount == 2


def test_copy_into_itself_is_refused(drive):
    member = drive.world.member
    with pytest.raises(ActionError):
        actions.do_copy(member, fresh(drive.folder), fresh(drive.folder))


def test_copy_checks_rights_on_both_sides(drive):
    """A reader may copy out to their own drive, never into the space; nobody copies into a
    drive they cannot write."""
    reader, member = drive.world.reader, drive.world.member
    actions.do_copy(reader, fresh(drive.file), actions.personal_drive(reader))
    from atrium.kernel.errors import Forbidden, NotFound

    with pytest.raises(Forbidden):
        actions.do_copy(reader, fresh(drive.file), fresh(drive.root))
    with pytest.raises(NotFound):
        actions.do_copy(member, fresh(drive.file), actions.personal_drive(reader))


def test_usage_counts_every_version(drive):
    member = drive.world.member
    make_file(member, drive.folder, "plan.txt", b"12345")
    total = FileVersion.objects.filter(node__space=drive.space).aggregate(s=Sum("size"))["s"]
    assert queries.usage(drive.space).used == total == len(b"the plan\n") + 5 + len(b"old\n")


def test_a_file_is_placed_only_in_a_live_folder(drive):
    member = drive.world.member
    with pytest.raises(ActionError) as error:
        actions.do_upload_file(member, fresh(drive.file), "x.txt", BytesIO(b"x"))
    assert error.value.code == "not_a_folder"
