"""Channels: a space's channels (browse, create), joining and leaving, a channel's details
(name, topic, notifications, members), direct conversations and the people picker."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from atrium.kernel.abilities import abilities, has_access, module_access, users_with_module_access
from atrium.kernel.access import access_space_module
from atrium.kernel.errors import ActionError
from atrium.kernel.models import Access, User
from atrium.modules.chat import actions, queries
from atrium.modules.chat.abilities import MODULE
from atrium.modules.chat.models import Channel, ChannelKind
from atrium.modules.chat.views.common import chat_view, failed, int_or_none, js_strings
from atrium.modules.chat.views.pages import (
    about_context,
    chat_sidebar,
    page_data,
    render_conversation,
)
from atrium.modules.chat.views.rows import conversation_url
from atrium.web.shortcuts import space_context
from atrium.web.types import AuthedRequest

MAX_PICKED = 20


def space_channels_context(request: AuthedRequest, space: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    context = space_context(request, space, active=MODULE)
    context.update({
        "channels": queries.channels_of_space(user, space),
        "can_create": has_access(module_access(user, space, MODULE), Access.WRITE)
        and space.archived_at is None,
        "form_values": {}, "kinds": [(ChannelKind.PUBLIC, ChannelKind.PUBLIC.label),
                                     (ChannelKind.PRIVATE, ChannelKind.PRIVATE.label)],
        **extra,
    })
    return context


@chat_view
def space_channels(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    return TemplateResponse(request, "chat/space.html", space_channels_context(request, space))


@chat_view
@require_POST
def space_create(request: AuthedRequest, space_slug: str) -> HttpResponse:
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    try:
        channel = actions.do_create_channel(
            request.user, space, name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ChannelKind.PUBLIC),
            topic=request.POST.get("topic", ""))
    except ActionError as error:
        context = space_channels_context(request, space, form_values=request.POST,
                                         form_error=error)
        return TemplateResponse(request, "chat/space.html", context, status=error.status)
    messages.success(request, _("Channel created."))
    return redirect(conversation_url(channel.pk))


@chat_view
def space_channel(request: AuthedRequest, space_slug: str, channel_id: int) -> HttpResponse:
    """A channel's address under its space (links from the feed) leads to the conversation."""
    space = access_space_module(request.user, space_slug, MODULE, Access.READ)
    channel = queries.access_channel(request.user, channel_id)
    if channel.space_id != space.pk:
        queries.access_channel(request.user, -1)
    return redirect(conversation_url(channel.pk))


@chat_view
@require_POST
def join(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    try:
        actions.do_join_channel(request.user, channel)
    except ActionError as error:
        return failed(request, error, conversation_url(channel.pk))
    return redirect(conversation_url(channel.pk))


@chat_view
@require_POST
def leave(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    try:
        actions.do_leave_channel(request.user, channel)
    except ActionError as error:
        return failed(request, error, conversation_url(channel.pk))
    messages.success(request, _("You left %(name)s.") % {"name": channel.name})
    if channel.space is not None and abilities(request.user, channel)["view"]:
        return redirect("chat:space", space_slug=channel.space.slug)
    return redirect("chat_root:home")


def _about_answer(request: AuthedRequest, channel: Channel, error: ActionError | None,
                  notice: str) -> HttpResponse:
    """After a change in the details panel: the panel again (with the error if any)."""
    if error is None and not abilities(request.user, channel)["view"]:
        return redirect("chat_root:home")
    context = about_context(request, channel, error=error.message if error else "",
                            notice="" if error else notice)
    return render_conversation(request, channel, "chat/_side_about.html", context,
                               status=error.status if error else 200)


def _run(request: AuthedRequest, channel: Channel, notice: str, call: Any) -> HttpResponse:
    try:
        call()
    except ActionError as error:
        return _about_answer(request, channel, error, "")
    return _about_answer(request, channel, None, notice)


@chat_view
@require_POST
def notify(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    return _run(request, channel, _("Notification settings saved."),
                lambda: actions.do_set_notify(request.user, channel,
                                              level=request.POST.get("level", ""),
                                              muted=request.POST.get("muted") == "1"))


@chat_view
@require_POST
def update(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    return _run(request, channel, _("Channel saved."),
                lambda: actions.do_update_channel(request.user, channel,
                                                  name=request.POST.get("name"),
                                                  topic=request.POST.get("topic")))


@chat_view
@require_POST
def archive(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    archived = request.POST.get("archived") == "1"
    return _run(request, channel,
                _("Channel archived.") if archived else _("Channel restored."),
                lambda: actions.do_set_archived(request.user, channel, archived))


def _picked_ids(request: AuthedRequest) -> list[int]:
    source = request.POST if request.method == "POST" else request.GET
    ids = [i for i in map(int_or_none, source.getlist("user")) if i]
    return list(dict.fromkeys(ids))[:MAX_PICKED]


@chat_view
@require_POST
def add_members(request: AuthedRequest, channel_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    ids = _picked_ids(request)

    def call() -> None:
        if not ids:
            raise ActionError(_("Choose at least one person."), code="required", field="user")
        actions.do_add_members(request.user, channel, ids)

    return _run(request, channel, _("People added."), call)


@chat_view
@require_POST
def remove_member(request: AuthedRequest, channel_id: int, user_id: int) -> HttpResponse:
    channel = queries.access_channel(request.user, channel_id)
    person = User.objects.restrict(request.user).filter(pk=user_id).first()
    if person is None:
        queries.access_channel(request.user, -1)
    assert person is not None
    return _run(request, channel, _("%(name)s was removed.") % {"name": person.display_name},
                lambda: actions.do_remove_member(request.user, channel, person))


def people_choices(request: AuthedRequest, channel: Channel | None) -> dict[str, Any]:
    """People to pick (for a new conversation, or to add to a channel): those already ticked,
    then those matching the search, among the people the person may see."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("q", "").strip()[:100]
    visible = User.objects.restrict(user).filter(is_active=True).exclude(pk=user.pk)
    picked = list(visible.filter(pk__in=_picked_ids(request)).order_by("full_name"))
    found: list[User] = []
    if text:
        found = list(visible.search(text).exclude(pk__in=[p.pk for p in picked])
                     .order_by("full_name")[:20])
    if channel is not None and channel.space is not None:
        already = set(channel.members.values_list("user_id", flat=True))
        allowed = users_with_module_access(channel.space, MODULE,
                                           [p.pk for p in picked + found], Access.READ)
        picked = [p for p in picked if p.pk in allowed and p.pk not in already]
        found = [p for p in found if p.pk in allowed and p.pk not in already]
    return {"picked": picked, "found": found, "q": text}


@chat_view
def people(request: AuthedRequest) -> HttpResponse:
    """The picker's results (htmx swaps them in as one types)."""
    channel_id = int_or_none(request.GET.get("channel"))
    channel = queries.access_channel(request.user, channel_id, "add_members") \
        if channel_id else None
    return TemplateResponse(request, "chat/_people.html", people_choices(request, channel))


@chat_view
def new_direct(request: AuthedRequest) -> HttpResponse:
    """Start (or reopen) a conversation with one or more people."""
    user = request.user
    status, error = 200, None
    if request.method == "POST":
        try:
            channel = actions.do_open_direct(user, _picked_ids(request))
        except ActionError as refused:
            status, error = refused.status, refused
        else:
            return redirect(conversation_url(channel.pk))
    context = {**chat_sidebar(user), **people_choices(request, None),
               "form_error": error, "chat_data": page_data(user),
               "chat_strings": js_strings()}
    return TemplateResponse(request, "chat/new_direct.html", context, status=status)
