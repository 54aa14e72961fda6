"""Channels and direct conversations: the sidebar, a space's channels, settings, archiving,
joining, leaving, members.

A channel I neither read nor govern answers 404, like a missing one (see `access`); one I
see but may not change answers 403 with the action's message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Router, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import Limit, Offset, SpaceId, errors, page
from atrium.kernel.access import access_space_module
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, User
from atrium.modules.chat import actions, queries
from atrium.modules.chat.api.access import (
    channel_detail,
    channel_out,
    fields_named,
    membership_out,
    seen_channel,
)
from atrium.modules.chat.api.schemas import (
    ChannelDetail,
    ChannelId,
    ChannelIn,
    ChannelPatch,
    DirectIn,
    MemberId,
    MembersIn,
    MembersPage,
    SidebarOut,
    SpaceChannelItem,
)
from atrium.modules.chat.models import ChannelMember

router = Router(tags=["chat: channels"])


def _sidebar_item(user: User, entry: queries.SidebarEntry) -> dict[str, Any]:
    return channel_out(user, entry.channel, title=entry.title, unread=entry.unread,
                       membership=membership_out(entry.member))


@router.get("/chat/channels", response={200: SidebarOut, **errors()},
            summary="My channels and direct conversations",
            description="The channels I am in (by space, archived ones left out) and my "
            "direct conversations (latest first), each with its unread count and my "
            "unread mentions (`membership.unread_mentions`).")
def my_channels(request: HttpRequest) -> dict[str, Any]:
    user = viewer(request)
    found = queries.sidebar(user)
    for group in found.spaces:  # one Space object per space: its module settings load once
        for entry in group.channels:
            entry.channel.space = group.space
    prefetch_related_objects([e.channel for e in found.direct], "members")
    return {
        "spaces": [{"space_id": group.space.pk, "space_name": group.space.name,
                    "channels": [_sidebar_item(user, e) for e in group.channels]}
                   for group in found.spaces],
        "direct": [_sidebar_item(user, e) for e in found.direct],
    }


@router.get("/chat/spaces/{space_id}/channels",
            response={200: list[SpaceChannelItem], **errors(404)},
            summary="Channels of a space",
            description="Its public channels and the private ones I am in, archived included.")
def space_channels(request: HttpRequest, space_id: SpaceId) -> list[dict[str, Any]]:
    user = viewer(request)
    space = access_space_module(user, space_id, "chat", Access.READ)
    channels = queries.channels_of_space(user, space)
    for channel in channels:
        channel.space = space
    return [channel_out(user, c, member_count=getattr(c, "member_count", 0)) for c in channels]


@router.post("/chat/spaces/{space_id}/channels",
             response={201: ChannelDetail, **errors(400, 403, 404)},
             summary="Create a channel",
             description="For those who write in the space's chat; I become its first member. "
             "`member_ids` adds people at once (they need access to the space's chat).")
def create_channel(request: HttpRequest, space_id: SpaceId,
                   payload: ChannelIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    space = access_space_module(user, space_id, "chat", Access.READ)
    with fields_named(members="member_ids"):
        channel = actions.do_create_channel(user, space, name=payload.name, kind=payload.kind,
                                            topic=payload.topic, members=payload.member_ids)
    return Status(201, channel_detail(user, channel))


@router.get("/chat/channels/{channel_id}", response={200: ChannelDetail, **errors(404)},
            summary="A channel or direct conversation")
def get_channel(request: HttpRequest, channel_id: ChannelId) -> dict[str, Any]:
    user = viewer(request)
    channel, can = seen_channel(user, channel_id)
    return channel_detail(user, channel, can)


@router.patch("/chat/channels/{channel_id}",
              response={200: ChannelDetail, **errors(400, 403, 404)},
              summary="Rename a channel or change its topic",
              description="For its creator, the space's admins and the organisation's admins.")
def update_channel(request: HttpRequest, channel_id: ChannelId,
                   payload: ChannelPatch) -> dict[str, Any]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    actions.do_update_channel(user, channel, **payload.dict(exclude_unset=True))
    return channel_detail(user, channel)


def _set_archived(request: HttpRequest, channel_id: int, archived: bool) -> dict[str, Any]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    actions.do_set_archived(user, channel, archived)
    return channel_detail(user, channel)


@router.post("/chat/channels/{channel_id}/archive",
             response={200: ChannelDetail, **errors(400, 403, 404)},
             summary="Archive a channel", description="It stays readable; nobody posts any more.")
def archive_channel(request: HttpRequest, channel_id: ChannelId) -> dict[str, Any]:
    return _set_archived(request, channel_id, True)


@router.post("/chat/channels/{channel_id}/unarchive",
             response={200: ChannelDetail, **errors(400, 403, 404)},
             summary="Bring an archived channel back")
def unarchive_channel(request: HttpRequest, channel_id: ChannelId) -> dict[str, Any]:
    return _set_archived(request, channel_id, False)


@router.post("/chat/channels/{channel_id}/join", response={200: ChannelDetail,
                                                           **errors(403, 404)},
             summary="Join a public channel",
             description="Joining a channel I am already in changes nothing.")
def join_channel(request: HttpRequest, channel_id: ChannelId) -> dict[str, Any]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    actions.do_join_channel(user, channel)
    return channel_detail(user, channel)


@router.post("/chat/channels/{channel_id}/leave", response={204: None, **errors(400, 404)},
             summary="Leave a channel",
             description="A direct conversation cannot be left (400), nor a channel I am not "
             "in (400, `not_member`).")
def leave_channel(request: HttpRequest, channel_id: ChannelId) -> Status[None]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    actions.do_leave_channel(user, channel)
    return Status(204, None)


def _member_out(row: ChannelMember) -> dict[str, Any]:
    person = row.user
    return {"user_id": person.pk, "name": person.display_name, "initials": person.initials,
            "is_bot": person.is_bot, "is_active": person.is_active, "joined_at": row.joined_at}


@router.get("/chat/channels/{channel_id}/members",
            response={200: MembersPage, **errors(404)}, summary="Members of a channel",
            description="Seen by whoever sees the channel (its admins included).")
def list_members(request: HttpRequest, channel_id: ChannelId, limit: Limit = 100,
                 offset: Offset = 0) -> dict[str, Any]:
    channel, _can = seen_channel(viewer(request), channel_id)
    rows = ChannelMember.objects.filter(channel=channel).select_related("user")
    window = page(limit, offset)
    items = rows.order_by("user__full_name", "user_id")[window]
    return {"count": rows.count(), "limit": window.stop - window.start, "offset": offset,
            "items": [_member_out(row) for row in items]}


@router.post("/chat/channels/{channel_id}/members",
             response={201: MembersPage, **errors(400, 403, 404)},
             summary="Add people to a channel",
             description="For the channel's managers (a private channel: those of them in it). "
             "Answers the people added (those already in it are left as they are).")
def add_members(request: HttpRequest, channel_id: ChannelId,
                payload: MembersIn) -> Status[dict[str, Any]]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    with fields_named(members="member_ids"):
        rows = actions.do_add_members(user, channel, payload.user_ids)
    added = (ChannelMember.objects.filter(pk__in=[r.pk for r in rows]).select_related("user")
             .order_by("user__full_name", "user_id"))
    items = [_member_out(row) for row in added]
    return Status(201, {"count": len(items), "limit": len(items), "offset": 0,
                        "items": items})


@router.delete("/chat/channels/{channel_id}/members/{user_id}",
               response={204: None, **errors(400, 403, 404)},
               summary="Remove someone from a channel",
               description="For the channel's managers; my own id leaves the channel.")
def remove_member(request: HttpRequest, channel_id: ChannelId,
                  user_id: MemberId) -> Status[None]:
    user = viewer(request)
    channel, _can = seen_channel(user, channel_id)
    row = (ChannelMember.objects.filter(channel=channel, user_id=user_id)
           .select_related("user").first())
    if row is None:
        raise NotFound("member")
    actions.do_remove_member(user, channel, row.user)
    return Status(204, None)


@router.post("/chat/direct", response={200: ChannelDetail, **errors(400, 403)},
             summary="Open a direct conversation",
             description="With one or more other people: the same conversation every time "
             "for the same people, created the first time.")
def open_direct(request: HttpRequest, payload: DirectIn) -> dict[str, Any]:
    user = viewer(request)
    with fields_named(users="user_ids"):
        channel = actions.do_open_direct(user, payload.user_ids)
    return channel_detail(user, channel)

