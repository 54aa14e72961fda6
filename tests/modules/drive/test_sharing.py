"""Share links: only a hash kept; expired, revoked, wrong password and trashed all refused;
every access audited, refused ones too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.errors import ActionError, Forbidden, NotFound
from atrium.kernel.models import AuditEntry
from atrium.modules.drive import actions, queries
from atrium.modules.drive.actions import SharePasswordError
from atrium.modules.drive.models import ShareLink
from tests.modules.drive.factories import fresh, make_file

pytestmark = pytest.mark.django_db


def opened(outcome: str) -> int:
    return AuditEntry.objects.filter(data__outcome=outcome).count()


def test_a_link_opens_with_its_token_only(drive):
    link, token = actions.do_create_share_link(drive.world.member, fresh(drive.file))
    assert token not in link.token_hash and len(token) >= 40
    assert not ShareLink.objects.filter(token_hash=token).exists()
    found = actions.open_share_link(token, None, ip="203.0.113.9")
    assert found.pk == link.pk and found.node == drive.file
    entry = AuditEntry.objects.get(action="drive.share_link_opened")
    assert entry.ip == "203.0.113.9" and entry.target_id == str(drive.file.pk)
    assert fresh_link(link).access_count == 1
    with pytest.raises(NotFound):
        actions.open_share_link(token[:-1] + ("A" if token[-1] != "A" else "B"), None, ip=None)
    assert opened("unknown") == 1


def fresh_link(link):
    return ShareLink.objects.get(pk=link.pk)


def test_expired_and_revoked_links_are_not_found(drive):
    member = drive.world.member
    link, token = actions.do_create_share_link(
        member, fresh(drive.file), expires_at=timezone.now() + timedelta(hours=1))
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotFound):
        actions.open_share_link(token, None, ip=None)
    assert opened("expired") == 1
    link2, token2 = actions.do_create_share_link(member, fresh(drive.file))
    actions.do_revoke_share_link(member, link2)
    with pytest.raises(NotFound):
        actions.open_share_link(token2, None, ip=None)
    assert opened("revoked") == 1


def test_a_password_is_asked_for_and_checked(drive):
    link, token = actions.do_create_share_link(drive.world.member, fresh(drive.file),
                                               password="s3cret phrase")
    assert link.password_hash and "s3cret" not in link.password_hash
    with pytest.raises(SharePasswordError) as error:
        actions.open_share_link(token, None, ip=None)
    assert error.value.code == "password_required" and error.value.status == 401
    with pytest.raises(SharePasswordError) as error:
        actions.open_share_link(token, "wrong", ip="198.51.100.1")
    assert error.value.code == "wrong_password"
    assert actions.open_share_link(token, "s3cret phrase", ip=None).pk == link.pk
    assert (opened("password_required"), opened("wrong_password"), opened("ok")) == (1, 1, 1)


def test_a_trashed_item_is_not_reachable_by_link(drive):
    member = drive.world.member
    _link, token = actions.do_create_share_link(member, fresh(drive.folder))
    actions.do_trash(member, fresh(drive.folder))
    with pytest.raises(NotFound):
        actions.open_share_link(token, None, ip=None)


def test_a_folder_link_reaches_what_is_inside_only(drive):
    member = drive.world.member
    _link, token = actions.do_create_share_link(member, fresh(drive.folder))
    link = actions.open_share_link(token, None, ip=None)
    assert queries.node_in_share(link, drive.file.pk) == drive.file
    outside = make_file(member, drive.root, "outside.txt")
    with pytest.raises(NotFound):
        queries.node_in_share(link, outside.pk)
    with pytest.raises(NotFound):
        queries.node_in_share(link, drive.root.pk)
    items, _cursor = queries.list_children(link.node)
    assert [n.name for n in items] == ["plan.txt"]


def test_who_may_share_and_revoke(drive):
    member, reader, admin = drive.world.member, drive.world.reader, drive.world.space_admin
    with pytest.raises(Forbidden):
        actions.do_create_share_link(reader, fresh(drive.file))
    with pytest.raises(ActionError):
        actions.do_create_share_link(member, fresh(drive.file),
                                     expires_at=timezone.now() - timedelta(days=1))
    link, _token = actions.do_create_share_link(member, fresh(drive.file))
    with pytest.raises(NotFound):
        actions.do_revoke_share_link(reader, fresh_link(link))
    with pytest.raises(NotFound):
        actions.do_revoke_share_link(drive.world.outsider, fresh_link(link))
    assert actions.do_revoke_share_link(admin, fresh_link(link)).revoked_by == admin
    assert [x.pk for x in queries.share_links(member, fresh(drive.file))] == [link.pk]
    assert queries.share_links(reader, fresh(drive.file)) == []
    assert AuditEntry.objects.filter(action__in=["drive.share_link_created",
                                                 "drive.share_link_revoked"]).count() == 2
