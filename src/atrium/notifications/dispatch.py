"""`notify(...)`: the one way any code tells people something happened.

Called inside the caller's transaction. Filters out the actor, deactivated people, bots and
anyone who may not read the space (or the module in it), applies each person's preference,
records at most one row per (recipient, key), and after commit: a `notification.created`
event to each recipient, the immediate e-mail task and the web push task.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.abilities import users_with_module_access
from atrium.kernel.errors import ActionError
from atrium.kernel.models import OrgRole, Space, SpaceMembership, User, Visibility
from atrium.notifications.events import NotificationCreated
from atrium.notifications.kinds import get_kind
from atrium.notifications.models import EmailMode, EmailState, Notification
from atrium.notifications.preferences import resolve_many


def _clip(text: str, size: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


def space_readers(space: Space, ids: Iterable[int]) -> set[int]:
    """Who among `ids` may read the space itself (kernel notifications about a space)."""
    ids = set(ids)
    if not ids:
        return set()
    found = set(SpaceMembership.objects.filter(space=space, user_id__in=ids)
                .values_list("user_id", flat=True))
    if space.visibility == Visibility.OPEN and not space.is_personal:
        found |= set(User.objects.filter(pk__in=ids - found, is_active=True)
                     .exclude(role=OrgRole.GUEST).values_list("pk", flat=True))
    return found


def allowed_recipients(ids: set[int], *, space: Space | None, module_id: str) -> set[int]:
    ids = set(User.objects.filter(pk__in=ids, is_active=True, is_bot=False)
              .values_list("pk", flat=True))
    if space is not None and ids:
        if module_id == "kernel":
            ids = space_readers(space, ids)
        else:
            ids = users_with_module_access(space, module_id, ids)
    return ids


def notify(recipients: Iterable[int | Any], *, kind: str, key: str, actor: Any = None,
           space: Space | None = None, module_id: str = "kernel", title: str,
           excerpt: str = "", url: str = "", urgent: bool = False) -> list[Notification]:
    """Record and deliver a notification to each allowed recipient; returns the new rows."""
    if get_kind(kind) is None:
        raise ActionError(_("Unknown kind of notification."), code="unknown_kind", field="kind")
    if not key or len(key) > 160:
        raise ActionError(_("A notification needs a key of at most 160 characters."),
                          code="invalid_key", field="key")
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return []
    ids = allowed_recipients(ids, space=space, module_id=module_id)
    if not ids:
        return []
    ids -= set(Notification.objects.filter(recipient_id__in=ids, key=key)
               .values_list("recipient_id", flat=True))
    choices = resolve_many(ids, kind, space.pk if space else None, urgent)
    ids = {pk for pk in ids if choices[pk].anything}
    if not ids:
        return []
    now = timezone.now()
    rows = []
    for pk in sorted(ids):
        choice = choices[pk]
        email_state = (EmailState.SKIPPED if choice.email == EmailMode.NEVER else
                       EmailState.PENDING if choice.email == EmailMode.IMMEDIATE else
                       EmailState.DIGEST)
        rows.append(Notification(
            recipient_id=pk, kind=kind, module_id=module_id[:31],
            space=space, actor=actor if getattr(actor, "pk", None) else None,
            title=_clip(title, 300), excerpt=_clip(excerpt, 300),
            url=local_url(url), key=key,
            read_at=None if choice.in_app else now, email_state=email_state))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(Notification.objects.filter(recipient_id__in=ids, key=key,
                                               created_at__gte=now))
    _after_commit(created, {pk for pk in ids if choices[pk].push},
                  {pk for pk in ids if choices[pk].in_app})
    return created


def safe_url(url: str) -> bool:
    """Only same-origin relative paths are kept: a notification never sends someone away."""
    return (bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url
            and not any(c in url for c in "\r\n\t") and len(url) <= 500)


def local_url(url: str) -> str:
    """`url` as a same-origin path ("" when it points anywhere else)."""
    url = (url or "").strip()
    site = settings.SITE_URL.rstrip("/")
    if site and url.startswith(site + "/"):
        url = url[len(site):]
    return url if safe_url(url) else ""


def unread_counts(ids: Iterable[int]) -> dict[int, int]:
    return dict(Notification.objects.filter(recipient_id__in=set(ids), read_at__isnull=True)
                .values("recipient_id").annotate(n=Count("id")).values_list("recipient_id", "n"))


def _after_commit(created: list[Notification], push_to: set[int], live_to: set[int]) -> None:
    if not created:
        return
    counts = unread_counts(n.recipient_id for n in created)
    for n in created:
        if n.recipient_id in live_to:
            events.emit(NotificationCreated(
                notification_id=n.pk, kind=n.kind, title=n.title, excerpt=n.excerpt,
                url=n.url, unread=counts.get(n.recipient_id, 0)), "user", n.recipient_id)
    emails = [n.pk for n in created if n.email_state == EmailState.PENDING]
    pushes = [n.pk for n in created if n.recipient_id in push_to]

    def deliver() -> None:
        from atrium.notifications import tasks

        if emails:
            tasks.send_immediate.enqueue(notification_ids=emails)
        if pushes:
            tasks.deliver_push.enqueue(notification_ids=pushes)

    transaction.on_commit(deliver)
