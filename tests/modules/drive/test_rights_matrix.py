"""Who may do what in a drive, for every role of the World, for every action and query:
"ok", refused with 403 (may read the drive, not do this) or 404 (may not even see it)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from atrium.kernel.abilities import abilities
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import SpaceRole, Visibility
from atrium.modules.drive import actions, queries
from atrium.modules.drive.abilities import drive_abilities
from tests.factories import ROLES
from tests.modules.drive.factories import fresh, make_drive_world, make_file

pytestmark = pytest.mark.django_db


def _own_folder(drive, user):
    if not user.is_authenticated:
        return drive.folder
    return actions.personal_drive(user)


ACTIONS = {
    "children": lambda d, u: queries.children(u, d.folder),
    "breadcrumbs": lambda d, u: queries.breadcrumbs(u, d.file),
    "versions": lambda d, u: queries.versions(u, d.file),
    "trash": lambda d, u: queries.trash(u, d.space),
    "access_node": lambda d, u: queries.access_node(u, d.file.pk),
    "create_folder": lambda d, u: actions.do_create_folder(u, d.folder, "New"),
    "upload": lambda d, u: actions.do_upload_file(u, d.folder, "new.txt", BytesIO(b"x")),
    "new_version": lambda d, u: actions.do_upload_file(u, d.folder, "plan.txt", BytesIO(b"2")),
    "restore_version": lambda d, u: actions.do_restore_version(u, d.file.versions.get()),
    "rename": lambda d, u: actions.do_rename(u, d.file, "renamed.txt"),
    "move": lambda d, u: actions.do_move(u, d.file, d.root),
    "copy_out": lambda d, u: actions.do_copy(u, d.file, _own_folder(d, u)),
    "trash_item": lambda d, u: actions.do_trash(u, d.file),
    "restore": lambda d, u: actions.do_restore(u, d.trashed),
    "delete_forever": lambda d, u: actions.do_delete_forever(u, d.trashed),
    "empty_trash": lambda d, u: actions.do_empty_trash(u, d.space),
    "share": lambda d, u: actions.do_create_share_link(u, d.file),
    "set_quota": lambda d, u: actions.do_set_quota(u, d.space, 10**9),
}
READS = ("children", "breadcrumbs", "versions", "trash", "access_node", "copy_out")
WRITES = ("create_folder", "upload", "new_version", "restore_version", "rename", "move",
          "trash_item", "restore", "share")

ACTS_SIGNED_IN = ("copy_out", "delete_forever", "empty_trash")


def expected(visibility: str, role: str, action: str) -> str:
    readers = {"reader", "member", "space_admin"}
    if visibility == Visibility.OPEN:
        readers |= {"outsider", "org_admin"}
    writers = {"member", "space_admin"}
    managers = {"space_admin"} | ({"org_admin"} if visibility == Visibility.OPEN else set())
    if action == "set_quota":
        return "ok" if role == "org_admin" else "403"
    if role not in readers:
        # Signed-out and deactivated people are turned away before anything is looked up.
        signed_out = role in ("anonymous", "deactivated")
        return "403" if signed_out and action in (*WRITES, *ACTS_SIGNED_IN) else "404"
    if action in READS:
        return "ok"
    if action in WRITES:
        return "ok" if role in writers else "403"
    if action == "delete_forever":  # the member trashed it
        return "ok" if role in managers | {"member"} else "403"
    if action == "empty_trash":
        return "ok" if role in managers else "403"
    raise AssertionError(action)


def outcome(drive, user, action: str) -> str:
    try:
        ACTIONS[action](drive, user)
    except NotFound:
        return "404"
    except Forbidden:
        return "403"
    return "ok"


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.OPEN])
@pytest.mark.parametrize("role", ROLES)
def test_every_action_for_every_role(visibility, role):
    """Each role gets exactly the expected outcome for every action and query."""
    drive = make_drive_world(visibility)
    user = drive.user(role) or AnonymousUser()
    got = {}
    for action in ACTIONS:
        # each action on a fresh view of the rows, so earlier ones do not change later ones
        drive.file, drive.trashed = fresh(drive.file), fresh(drive.trashed)
        try:
            with transaction.atomic():
                got[action] = outcome(drive, user, action)
                raise _Rollback
        except _Rollback:
            pass
    want = {action: expected(visibility, role, action) for action in ACTIONS}
    assert got == want


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("role", ROLES)
def test_abilities_match_the_drive(role):
    """Node abilities say yes exactly when the drive allows it (the UI shows what works)."""
    drive = make_drive_world()
    user = drive.user(role) or AnonymousUser()
    can = abilities(user, drive.file)
    space = drive_abilities(user, drive.space)
    assert can["view"] == space["view"] == (role in ("reader", "member", "space_admin"))
    assert can["rename"] == space["write"] == (role in ("member", "space_admin"))
    assert abilities(user, drive.trashed)["view"] is False


def test_guests_reach_a_drive_only_where_the_space_lets_them(drive):
    """A guest reads nothing until added; as a reader reads; as a member writes."""
    guest, admin = drive.world.guest, drive.world.space_admin
    with pytest.raises(NotFound):
        queries.children(guest, drive.folder)
    do_add_member(admin, drive.space, guest, SpaceRole.READER)
    guest.__dict__.pop("_space_roles", None)
    assert [n.name for n in queries.children(guest, drive.folder).items] == ["plan.txt"]
    with pytest.raises(Forbidden):
        make_file(guest, drive.folder, "guest.txt")


def test_a_personal_drive_is_its_owners_alone(drive):
    """Nobody else, not even the organisation's owner, reads or writes a personal drive."""
    member, owner = drive.world.member, drive.world.owner
    mine = actions.personal_drive(member)
    secret = make_file(member, mine, "diary.txt", b"dear diary")
    assert queries.children(member, mine).items == [secret]
    for other in (owner, drive.world.org_admin, drive.world.space_admin):
        with pytest.raises(NotFound):
            queries.children(other, mine)
        with pytest.raises(NotFound):
            queries.access_node(other, secret.pk)
        with pytest.raises(NotFound):
            make_file(other, mine, "intrusion.txt")


def test_an_archived_space_is_read_only(drive):
    from django.utils import timezone

    drive.space.archived_at = timezone.now()
    drive.space.save()
    member = drive.world.member
    folder = fresh(drive.folder)
    assert queries.children(member, folder).items
    with pytest.raises(Forbidden):
        make_file(member, folder, "late.txt")
