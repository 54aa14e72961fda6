"""The chat's pages: home, a conversation, older history, and the side panels (thread, pins,
details). Each side panel is a whole page when opened by address and a fragment when the
page's script asks for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from atrium.kernel.abilities import abilities, spaces_with_module_access
from atrium.kernel.models import Access, Space
from atrium.kernel.status import do_not_disturb
from atrium.modules.chat import queries
from atrium.modules.chat.abilities import MODULE
from atrium.modules.chat.models import Channel, ChannelMember, NotifyLevel
from atrium.modules.chat.views.common import (
    EMOJI,
    chat_view,
    int_or_none,
    js_strings,
    wants_fragment,
)
from atrium.modules.chat.views.rows import (
    blank_row,
    conversation_url,
    items,
    member_names,
    message_item,
)
from atrium.web.types import AuthedRequest

PAGE = 50
AROUND = 25
CAN_KEYS = ("view", "post", "react", "pin", "join", "leave", "manage", "add_members",
            "remove_members", "moderate", "is_member")


def chat_sidebar(user: Any, current: int | None = None) -> dict[str, Any]:
    found = queries.sidebar(user)
    now = timezone.now()
    for entry in found.direct:
        for person in entry.others:
            person.chat_dnd = do_not_disturb(person, now)  # type: ignore[attr-defined]
    return {"chat_sidebar": found, "current_channel": current}


def page_data(user: Any, channel: Channel | None = None, **extra: Any) -> dict[str, Any]:
    """The JSON island the scripts start from (never executed: type application/json)."""
    data: dict[str, Any] = {
        "me": {"id": user.pk, "name": user.display_name},
        "tz": timezone.get_current_timezone_name(),
        "home": "/chat/",
        "base": conversation_url(channel.pk) if channel else "/chat/",
        "channel": None, "can": {}, "members": {}, "emoji": EMOJI,
        "last_read_id": 0, "at_end": False, "receipts": None,
    }
    if channel is not None:
        data["channel"] = {"id": channel.pk, "kind": channel.kind, "name": channel.name}
    data.update(extra)
    return data


def home_context(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    spaces = Space.objects.filter(pk__in=spaces_with_module_access(user, MODULE, Access.READ)) \
        .order_by("name")
    return {**chat_sidebar(user), "spaces": spaces, "chat_data": page_data(user),
            "chat_strings": js_strings(), "chat_home": True}


@chat_view
def home(request: AuthedRequest) -> HttpResponse:
    return TemplateResponse(request, "chat/home.html", home_context(request))


@chat_view
def sidebar(request: AuthedRequest) -> HttpResponse:
    """The sidebar alone, refreshed by the page when a conversation appears or changes."""
    return TemplateResponse(request, "chat/_sidebar.html", chat_sidebar(request.user))


def title_of(channel: Channel, names: dict[int, dict[str, Any]], user: Any) -> str:
    if channel.is_direct:
        others = [p["name"] for pk, p in names.items() if pk != user.pk]
        return ", ".join(others) or user.display_name
    return channel.name


def conversation_context(request: AuthedRequest, channel: Channel) -> dict[str, Any]:
    """Everything the conversation page shows; `?before=id` and `?around=id` open older
    history (without scripts, or from a search result or a link)."""
    user = request.user
    can = abilities(user, channel)
    people = member_names(channel)
    names = {pk: p["name"] for pk, p in people.items()}
    member = ChannelMember.objects.filter(channel=channel, user=user).first()
    before = int_or_none(request.GET.get("before"))
    around = int_or_none(request.GET.get("around"))
    if around is not None:
        older = queries.history(user, channel, before=around + 1, limit=AROUND)
        newer = queries.history(user, channel, after=around, limit=AROUND)
        messages, has_older, at_end = older.messages + newer.messages, older.has_older, \
            not newer.has_newer
    else:
        page = queries.history(user, channel, before=before, limit=PAGE)
        messages, has_older, at_end = page.messages, page.has_older, not page.has_newer
    last_read = member.last_read_id if member else None
    receipts = queries.read_receipts(channel) if channel.is_direct else None
    data = page_data(
        user, channel, can={k: can[k] for k in CAN_KEYS},
        members={str(pk): p for pk, p in people.items()},
        last_read_id=last_read or 0, at_end=at_end,
        receipts={str(k): v for k, v in receipts.items()} if receipts is not None else None,
    )
    return {
        **chat_sidebar(user, channel.pk),
        "channel": channel, "can": can, "member": member, "base": conversation_url(channel.pk),
        "title": title_of(channel, people, user), "people": people,
        "member_count": len(people),
        "items": items(messages, user, can, names,
                       last_read_id=last_read if at_end and member else None),
        "has_older": has_older, "oldest_id": messages[0].pk if messages else None,
        "at_end": at_end, "blank": blank_row(), "chat_data": data,
        "chat_strings": js_strings(),
    }


def render_conversation(request: AuthedRequest, channel: Channel, side: str | None = None,
                        side_context: dict[str, Any] | None = None,
                        status: int = 200) -> HttpResponse:
    if side and wants_fragment(request):
        context = {"channel": channel, "base": conversation_url(channel.pk),
                   "can": abilities(request.user, channel), **(side_context or {})}
        return TemplateResponse(request, side, context, status=status)
    context = conversation_context(request, channel)
    context.update(side_context or {})
    context["side_template"] = side
    return TemplateResponse(request, "chat/conversation.html", context, status=status)


@chat_view
def conversation(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    return render_conversation(request, channel)


@chat_view
def older(request: AuthedRequest, channel_id: int) -> HttpResponse:
    """Messages before `?before=id`, as list items to put on top of the conversation."""
    user = request.user
    channel = queries.access_channel(user, channel_id)
    can = abilities(user, channel)
    page = queries.history(user, channel, before=int_or_none(request.GET.get("before")),
                           limit=PAGE)
    names = {pk: p["name"] for pk, p in member_names(channel).items()}
    response = TemplateResponse(request, "chat/_messages.html",
                                {"items": items(page.messages, user, can, names)})
    response["X-Chat-More"] = "1" if page.has_older else "0"
    return response


def thread_context(request: AuthedRequest, channel: Channel, message_id: int) -> dict[str, Any]:
    user = request.user
    root = queries.access_message(user, message_id)
    if root.channel_id != channel.pk:
        root = queries.access_message(user, -1)  # the same 404 as a missing message
    messages = queries.thread(user, root)
    can = abilities(user, channel)
    names = {pk: p["name"] for pk, p in member_names(channel).items()}
    first = messages[0] if messages else root
    return {"root": first, "thread_items": items(messages, user, can, names, prefix="t-")}


@chat_view
def thread(request: AuthedRequest, channel_id: int, message_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    return render_conversation(request, channel, "chat/_side_thread.html",
                               thread_context(request, channel, message_id))


@chat_view
def pins(request: AuthedRequest, channel_id: int) -> HttpResponse:
    user = request.user
    channel = queries.access_channel(user, channel_id)
    can = abilities(user, channel)
    names = {pk: p["name"] for pk, p in member_names(channel).items()}
    pinned = [message_item(m, user, can, names, prefix="p-")
              for m in queries.pins(user, channel)]
    return render_conversation(request, channel, "chat/_side_pins.html", {"pinned": pinned})


def about_context(request: AuthedRequest, channel: Channel,
                  error: str = "", notice: str = "") -> dict[str, Any]:
    user = request.user
    member = ChannelMember.objects.filter(channel=channel, user=user).first()
    people = member_names(channel)
    return {"member": member, "people": people, "member_count": len(people),
            "levels": NotifyLevel.choices, "side_error": error, "side_notice": notice,
            "title": title_of(channel, people, user)}


@chat_view
def about(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    return render_conversation(request, channel, "chat/_side_about.html",
                               about_context(request, channel))
