"""Channels and direct conversations: creating, renaming, archiving, joining, leaving,
adding and removing people, opening direct conversations; their events and refusals."""

from __future__ import annotations

import pytest

from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import AuditEntry, OrgRole
from atrium.modules.chat.actions import (
    do_add_members,
    do_create_channel,
    do_join_channel,
    do_leave_channel,
    do_open_direct,
    do_remove_member,
    do_set_archived,
    do_update_channel,
)
from atrium.modules.chat.models import Channel, ChannelKind, ChannelMember
from tests.factories import make_user
from tests.modules.chat.conftest import records
from tests.modules.chat.factories import make_channel, make_message


def members_of(channel):
    return set(ChannelMember.objects.filter(channel=channel).values_list("user_id", flat=True))


@pytest.mark.django_db
def test_create_channel_trims_the_name_and_makes_the_creator_a_member(chat, pushed):
    """The creator joins; the others are added; everyone is told and their sockets re-check."""
    w = chat.world
    with pushed.commit():
        channel = do_create_channel(w.member, chat.space, name="  Night   shift ",
                                    kind=ChannelKind.PRIVATE, topic=" Rota\nand swaps ",
                                    members=[w.reader])
    assert (channel.name, channel.topic, channel.kind) == ("Night shift", "Rota and swaps",
                                                           "private")
    assert do_update_channel(w.member, channel, name="a\x00b").name == "a b"
    assert members_of(channel) == {w.member.pk, w.reader.pk}
    assert f"chat.channel:{channel.pk}" in pushed.audiences("chat.channel.changed")
    assert set(pushed.audiences("chat.member")) >= {f"user:{w.member.pk}",
                                                     f"user:{w.reader.pk}"}
    assert {f"user:{w.member.pk}", f"user:{w.reader.pk}"} <= set(pushed.controls())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "code"), [("", "required"), ("   ", "required"),
                                            ("\x00\x01", "required"),
                                            ("x" * 81, "too_long"), ("GENERAL", "name_taken"),
                                            (" general ", "name_taken")])
def test_create_channel_refuses_bad_names(chat, name, code):
    """Empty, too long, or taken in the space whatever the case: a clear error on "name"."""
    with pytest.raises(ActionError) as error:
        do_create_channel(chat.world.member, chat.space, name=name)
    assert (error.value.code, error.value.field) == (code, "name")
    assert Channel.objects.filter(space=chat.space).count() == 2


@pytest.mark.django_db
def test_names_are_unique_ignoring_case_beyond_ascii(chat):
    """"Équipe" and "équipe" are the same name, on SQLite too."""
    make_channel(chat.world.member, chat.space, name="Équipe")
    with pytest.raises(ActionError):
        make_channel(chat.world.member, chat.space, name="équipe")
    other = make_channel(chat.world.owner, chat.world.other_space, name="équipe")
    assert other.name == "équipe"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reader", "outsider", "org_admin", "deactivated"])
def test_create_channel_needs_write_access(chat, role):
    with pytest.raises(Forbidden):
        do_create_channel(chat.user(role), chat.space, name="new")
    assert not Channel.objects.filter(name="new").exists()


@pytest.mark.django_db
def test_create_channel_refuses_a_direct_kind_and_unreachable_members(chat):
    w = chat.world
    with pytest.raises(ActionError) as error:
        do_create_channel(w.member, chat.space, name="x", kind=ChannelKind.DIRECT)
    assert error.value.field == "kind"
    with pytest.raises(ActionError) as error:
        do_create_channel(w.member, chat.space, name="x", members=[w.outsider])
    assert error.value.field == "members"
    assert not Channel.objects.filter(name="x").exists()


@pytest.mark.django_db
def test_rename_and_topic(chat, pushed):
    """The creator and admins rename; the change is pushed to the channel."""
    w = chat.world
    with pushed.commit():
        channel = make_channel(w.member, chat.space, name="ops")
        do_update_channel(w.member, channel, name="Operations", topic="Daily")
        do_update_channel(w.space_admin, channel, topic="Weekly")
    channel.refresh_from_db()
    assert (channel.name, channel.topic) == ("Operations", "Weekly")
    assert len(pushed.events("chat.channel.changed")) == 3  # created, renamed, topic
    with pytest.raises(Forbidden):
        do_update_channel(w.guest, channel, name="Mine")
    with pytest.raises(ActionError) as error:
        do_update_channel(w.member, channel, name="General")
    assert error.value.code == "name_taken"
    with pytest.raises(ActionError) as error:
        do_update_channel(w.member, chat.direct, name="Us")
    assert error.value.code == "direct"


@pytest.mark.django_db
def test_archive_stops_posting_and_is_audited(chat):
    w = chat.world
    do_set_archived(w.space_admin, chat.public, True)
    assert chat.public.archived_at is not None
    assert AuditEntry.objects.filter(action="chat.channel_archived",
                                     target_id=str(chat.public.pk)).exists()
    with pytest.raises(Forbidden):
        make_message(w.member, chat.public, "Still there?")
    do_set_archived(w.space_admin, chat.public, False)
    assert make_message(w.member, chat.public, "Back").pk
    with pytest.raises(Forbidden):
        do_set_archived(w.member, chat.public, True)


@pytest.mark.django_db
def test_join_and_leave_a_public_channel(chat):
    w = chat.world
    make_message(w.space_admin, chat.public, "Earlier")
    member = do_join_channel(w.member, chat.public)
    assert member.last_read_id == chat.public.last_message_id  # history is not "unread"
    assert do_join_channel(w.member, chat.public).pk == member.pk  # joining twice: same
    do_leave_channel(w.member, chat.public)
    assert w.member.pk not in members_of(chat.public)
    changes = [r.payload["change"] for r in records("chat.member")
               if r.payload["user_id"] == w.member.pk and r.audience_kind == "chat.channel"
               and r.audience_id == chat.public.pk]
    assert changes == ["joined", "left"]
    with pytest.raises(ActionError):
        do_leave_channel(w.member, chat.public)


@pytest.mark.django_db
def test_private_channels_and_direct_conversations_cannot_be_joined_or_left(chat):
    w = chat.world
    with pytest.raises(Forbidden):
        do_join_channel(w.guest, chat.private)
    with pytest.raises(Forbidden):
        do_join_channel(w.reader, chat.public)  # readers read, they do not take part
    with pytest.raises(ActionError) as error:
        do_leave_channel(w.member, chat.direct)
    assert error.value.code == "direct"


@pytest.mark.django_db
def test_add_members(chat, pushed):
    """Managers add people who may read the space's chat; adding to a private channel is
    audited; the added people's sockets re-check their rights."""
    w = chat.world
    with pushed.commit():
        rows = do_add_members(w.space_admin, chat.private, [w.guest, w.member])
    assert [r.user_id for r in rows] == [w.guest.pk]  # the member was already in
    assert f"user:{w.guest.pk}" in pushed.controls()
    assert AuditEntry.objects.filter(action="chat.member_added").count() == 1
    with pytest.raises(ActionError) as error:
        do_add_members(w.space_admin, chat.private, [w.outsider])
    assert error.value.field == "members"
    with pytest.raises(Forbidden):
        do_add_members(w.member, chat.private, [chat.removed])
    with pytest.raises(Forbidden):  # governs the channel, but may not open it to anyone
        do_add_members(w.org_admin, chat.private, [chat.removed])
    with pytest.raises(ActionError) as error:
        do_add_members(w.member, chat.direct, [w.reader])
    assert error.value.code == "direct"


@pytest.mark.django_db
def test_remove_member_stops_their_delivery(chat, pushed):
    """Removed: they cannot read the private channel any more and every socket of theirs is
    told to re-check what it follows."""
    from atrium.kernel.abilities import abilities

    w = chat.world
    with pushed.commit():
        do_remove_member(w.org_admin, chat.private, w.member)
    assert not abilities(w.member, chat.private)["view"]
    assert f"user:{w.member.pk}" in pushed.controls()
    assert f"user:{w.member.pk}" in pushed.audiences("chat.member")
    assert AuditEntry.objects.filter(action="chat.member_removed").exists()
    with pytest.raises(ActionError) as error:
        do_remove_member(w.space_admin, chat.private, w.member)
    assert error.value.code == "not_member"
    with pytest.raises(Forbidden):
        do_remove_member(w.reader, chat.private, w.space_admin)


@pytest.mark.django_db
def test_open_direct_returns_the_same_conversation_for_the_same_people(chat):
    w = chat.world
    assert do_open_direct(w.guest, [w.member]) == chat.direct
    group = do_open_direct(w.member, [w.reader, w.space_admin, w.member])
    assert do_open_direct(w.space_admin, [w.reader, w.member]) == group
    assert members_of(group) == {w.member.pk, w.reader.pk, w.space_admin.pk}
    assert group.space_id is None and group.kind == ChannelKind.DIRECT


@pytest.mark.django_db
def test_open_direct_refusals(chat):
    """Nobody else, too many people, someone a guest cannot see, someone deactivated."""
    w = chat.world
    with pytest.raises(ActionError) as error:
        do_open_direct(w.member, [w.member])
    assert error.value.field == "users"
    crowd = [make_user() for _ in range(10)]
    with pytest.raises(ActionError) as error:
        do_open_direct(w.member, crowd)
    assert error.value.code == "too_many"
    assert do_open_direct(w.member, crowd[:9]).members.count() == 10
    stranger = make_user(OrgRole.MEMBER)
    with pytest.raises(ActionError) as error:  # a guest sees only people of its spaces
        do_open_direct(w.guest, [stranger])
    assert error.value.code == "not_allowed"
    with pytest.raises(ActionError):
        do_open_direct(w.member, [w.deactivated])
    with pytest.raises(Forbidden):
        do_open_direct(w.deactivated, [w.member])


@pytest.mark.django_db
def test_refused_actions_change_nothing(chat):
    """A refused write leaves channels and members as they were."""
    w = chat.world
    before = (Channel.objects.count(), ChannelMember.objects.count())
    for attempt in (
        lambda: do_create_channel(w.reader, chat.space, name="r"),
        lambda: do_add_members(w.guest, chat.public, [w.member]),
        lambda: do_remove_member(w.guest, chat.private, w.member),
        lambda: do_open_direct(w.guest, [make_user()]),
    ):
        with pytest.raises(ActionError):
            attempt()
    assert (Channel.objects.count(), ChannelMember.objects.count()) == before
