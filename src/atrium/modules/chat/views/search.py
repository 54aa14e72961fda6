"""Searching the messages one may read, with filters: channel, author, dates, files."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.dateparse import parse_date

from atrium.kernel.models import User
from atrium.modules.chat.models import Channel
from atrium.modules.chat.search import search_messages, searchable_channel_ids
from atrium.modules.chat.views.common import chat_view, int_or_none, js_strings
from atrium.modules.chat.views.pages import chat_sidebar, page_data
from atrium.modules.chat.views.rows import conversation_url
from atrium.web.types import AuthedRequest

PAGE = 30


def _day(value: str | None, next_day: bool = False) -> datetime | None:
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    if day is None:
        return None
    if next_day:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def channel_label(channel: Channel, user: Any) -> str:
    if channel.is_direct:
        names = [m.user.display_name for m in channel.members.all() if m.user_id != user.pk]
        return ", ".join(names) or user.display_name
    return f"#{channel.name}"


@chat_view
def search(request: AuthedRequest) -> HttpResponse:
    user = request.user
    query = request.GET
    text = query.get("q", "").strip()[:200]
    channel_id, author_id = int_or_none(query.get("channel")), int_or_none(query.get("author"))
    files = query.get("files", "")
    readable = (Channel.objects.filter(pk__in=searchable_channel_ids(user))
                .select_related("space").prefetch_related("members__user")
                .order_by("space__name", "name", "id"))
    channels = [(c.pk, channel_label(c, user), c.space.name if c.space else "")
                for c in readable]
    author = User.objects.restrict(user).filter(pk=author_id).first() if author_id else None
    results: list[Any] = []
    if text:
        results = search_messages(
            user, text, channel_id=channel_id, author_id=author.pk if author else None,
            after=_day(query.get("after")), before=_day(query.get("before"), next_day=True),
            has_attachment=True if files == "1" else None,
            before_id=int_or_none(query.get("older")), limit=PAGE)
    labels = {pk: label for pk, label, _space in channels}
    found = []
    for message in results:
        base = conversation_url(message.channel_id)
        link = (f"{base}thread/{message.thread_root_id}/" if message.thread_root_id
                and not message.also_in_channel else f"{base}?around={message.pk}")
        found.append({"message": message, "link": f"{link}#message-{message.pk}",
                      "where": labels.get(message.channel_id, "")})
    following = query.copy()
    if results:
        following["older"] = str(results[-1].pk)
    authors = User.objects.restrict(user).filter(is_active=True).order_by("full_name")[:500]
    context = {
        **chat_sidebar(user), "q": text, "channels": channels, "channel_id": channel_id,
        "authors": authors, "author_id": author.pk if author else None,
        "after": query.get("after", ""), "before": query.get("before", ""), "files": files,
        "results": found, "more": len(results) == PAGE,
        "next_query": following.urlencode(),
        "chat_data": page_data(user), "chat_strings": js_strings(),
    }
    return TemplateResponse(request, "chat/search.html", context)
