"""Who is notified of a new message, and why.

The decision is a pure function (`decide`) over facts about the message and about each person
who may read it; e-mail and push (issue 4) reuse the same decision. The rules:

* Never the author, a deactivated person or a bot; never during do-not-disturb (until
  `dnd_until`, or every day between `quiet_hours_start` and `quiet_hours_end` in the person's
  time zone, a range that may cross midnight).
* Level per channel (`ChannelMember.notify`): "all", "mentions" or "nothing"; the default is
  "all" in direct conversations and "mentions" in channels.
* "nothing" silences the channel completely. Muting (`muted`) silences everything except a
  personal mention (`<@id>`): someone calling you by name still reaches you, `@channel` and
  `@here` do not.
* `@channel` and `@here` count as a mention for every member whose level is not "nothing".
* Thread replies reach the thread's participants (the root's author and earlier repliers)
  and the people mentioned; "all" applies to the main flow only (a reply also shown in the
  channel is in the main flow), except in direct conversations, where it is every message.
* Someone mentioned who may read the channel without being a member (a public channel they
  did not join) is notified as with the default level.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.models import User
from atrium.kernel.status import do_not_disturb
from atrium.modules.chat.abilities import readers_among
from atrium.modules.chat.events import Notify, NotifyReason
from atrium.modules.chat.models import Channel, ChannelMember, Message, NotifyLevel


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about a message."""

    author_id: int | None
    direct: bool
    in_main_flow: bool
    is_reply: bool
    mentioned: frozenset[int] = frozenset()
    mentions_channel: bool = False
    participants: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Person:
    """What the decision needs to know about someone who may read the message."""

    user_id: int
    level: str = NotifyLevel.DEFAULT
    muted: bool = False
    active: bool = True
    is_bot: bool = False
    dnd_until: datetime | None = None
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    time_zone: str = ""

    @classmethod
    def of(cls, user: Any, member: ChannelMember | None = None) -> Person:
        return cls(
            user_id=user.pk, level=member.notify if member else NotifyLevel.DEFAULT,
            muted=member.muted if member else False, active=user.is_active,
            is_bot=user.is_bot, dnd_until=user.dnd_until,
            quiet_hours_start=user.quiet_hours_start, quiet_hours_end=user.quiet_hours_end,
            time_zone=user.time_zone,
        )


def in_do_not_disturb(person: Person, now: datetime) -> bool:
    return do_not_disturb(person, now)


def reason_for(facts: Facts, person: Person) -> NotifyReason | None:
    """Why this person should be told of the message, or None; do-not-disturb aside."""
    level = person.level or (NotifyLevel.ALL if facts.direct else NotifyLevel.MENTIONS)
    if level == NotifyLevel.NOTHING:
        return None
    if person.user_id in facts.mentioned:
        return "mention"
    if person.muted:
        return None
    if facts.mentions_channel:
        return "channel_mention"
    if facts.is_reply and person.user_id in facts.participants:
        return "thread"
    if level == NotifyLevel.ALL:
        if facts.direct:
            return "direct"
        if facts.in_main_flow:
            return "message"
    return None


def decide(facts: Facts, people: Iterable[Person], now: datetime) -> dict[int, NotifyReason]:
    """Who to notify among `people` (all of whom may read the message), with the reason."""
    found: dict[int, NotifyReason] = {}
    for person in people:
        if person.user_id == facts.author_id or not person.active or person.is_bot:
            continue
        reason = reason_for(facts, person)
        if reason is not None and not in_do_not_disturb(person, now):
            found[person.user_id] = reason
    return found


def thread_participants(root: Message) -> frozenset[int]:
    repliers = Message.objects.filter(thread_root=root, author__isnull=False) \
        .values_list("author_id", flat=True).distinct()
    ids = set(repliers)
    if root.author_id is not None:
        ids.add(root.author_id)
    return frozenset(ids)


def notify_message(message: Message, channel: Channel, *, mentioned: Collection[int],
                   root: Message | None = None, only: Collection[int] | None = None,
                   now: datetime | None = None) -> dict[int, NotifyReason]:
    """Decide and send the `chat.notify` events of a message, in the caller's transaction.

    With `only`, just those people are considered (new mentions after an edit). Loads the
    members who could be concerned (everyone for direct conversations and channel mentions,
    otherwise those at level "all", the mentioned and the thread's participants).
    """
    facts = Facts(
        author_id=message.author_id, direct=channel.is_direct,
        in_main_flow=message.in_main_flow, is_reply=message.thread_root_id is not None,
        mentioned=frozenset(mentioned), mentions_channel=message.mentions_channel,
        participants=thread_participants(root) if root is not None else frozenset(),
    )
    concerned = set(facts.mentioned) | set(facts.participants)
    members = ChannelMember.objects.filter(channel=channel).select_related("user")
    if only is not None:
        members = members.filter(user_id__in=list(only))
    elif not facts.direct and not facts.mentions_channel:
        members = members.filter(Q(notify=NotifyLevel.ALL) | Q(user_id__in=concerned))
    people = {m.user_id: Person.of(m.user, m) for m in members}
    outside = facts.mentioned - set(people)
    if only is not None:
        outside &= set(only)
    if outside and not channel.is_direct:
        people.update((u.pk, Person.of(u)) for u in User.objects.filter(pk__in=outside))
    readers = readers_among(channel, people)
    decided = decide(facts, (p for pk, p in people.items() if pk in readers),
                     now or timezone.now())
    for user_id, reason in decided.items():
        events.emit(Notify(channel_id=channel.pk, message_id=message.pk, reason=reason),
                    "user", user_id)
    centre_notify(message, channel, facts, [p for pk, p in people.items() if pk in readers])
    return decided


def _plain(message: Message) -> str:
    """The message as plain text, mentions shown as names (its sanitised HTML, untagged)."""
    from html import unescape

    from django.utils.html import strip_tags

    return unescape(strip_tags(message.html)) if message.html else message.body


def centre_notify(message: Message, channel: Channel, facts: Facts,
                  readers: Iterable[Person]) -> None:
    """The notification centre (and its e-mail and push) learn of personal mentions and
    direct messages; do-not-disturb is applied there to e-mail and push, not to the record."""
    from django.urls import reverse

    from atrium.notifications import notify

    mentions, direct = [], []
    for person in readers:
        if person.user_id == facts.author_id or not person.active or person.is_bot:
            continue
        reason = reason_for(facts, person)
        if channel.is_direct and reason is not None:
            direct.append(person.user_id)
        elif reason == "mention":
            mentions.append(person.user_id)
    if not mentions and not direct:
        return
    author = message.author
    name = author.display_name if author is not None else message.sender_name
    url = reverse("chat_root:conversation", kwargs={"channel_id": channel.pk})
    common = {"key": f"chat.message:{message.pk}", "actor": author, "module_id": "chat",
              "space": channel.space, "excerpt": _plain(message)[:300], "url": url, "urgent": True}
    if direct:
        notify(direct, kind="direct_message", title=_("Message from %(name)s") % {"name": name},
               **common)
    if mentions:
        notify(mentions, kind="mention",
               title=_("%(name)s mentioned you in #%(channel)s") % {"name": name,
                                                                  "channel": channel.name},
               **common)
