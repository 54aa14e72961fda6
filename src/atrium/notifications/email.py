"""E-mail of notifications: at once for urgent kinds (when the person is not online and not in
do-not-disturb), otherwise in daily or weekly digests built by a housekeeping job.

Each message is multipart (text + HTML), in the recipient's language, and carries
`List-Unsubscribe` (a signed one-click link) with `List-Unsubscribe-Post` (RFC 8058). Rows
move between e-mail states with one `UPDATE … WHERE email_state = …` each, so two workers
never send the same notification twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atrium.kernel.models import User
from atrium.kernel.status import do_not_disturb, zone
from atrium.notifications import queries
from atrium.notifications.kinds import get_kind
from atrium.notifications.models import DigestRun, EmailMode, EmailState, Notification
from atrium.notifications.online import online_among
from atrium.notifications.preferences import resolve_rows
from atrium.notifications.tokens import unsubscribe_url

log = logging.getLogger(__name__)

DAILY, WEEKLY = "daily", "weekly"


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _headline(n: Notification) -> str:
    kind = get_kind(n.kind)
    actor = n.actor.display_name if n.actor_id and n.actor else _("Someone")
    return kind.headline(actor) if kind else n.title


def _item(n: Notification) -> dict[str, Any]:
    kind = get_kind(n.kind)
    return {"title": n.title, "excerpt": n.excerpt, "headline": _headline(n),
            "kind": str(kind.label) if kind else n.kind,
            "space": n.space.name if n.space_id and n.space else "",
            "link": _site() + reverse("notifications:open", kwargs={"notification_id": n.pk})}


def build_message(user: User, *, subject: str, template: str, context: dict[str, Any],
                  kind: str) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(user.pk, kind)
    context = {**context, "user": user, "site": _site(), "unsubscribe": unsubscribe,
               "lang": translation.get_language() or settings.LANGUAGE_CODE,
               "preferences": _site() + reverse("notifications:preferences")}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split())[:200], body=text, to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"})
    message.attach_alternative(html, "text/html")
    return message


def _move(pk_or_pks: int | list[int], before: str, after: str) -> int:
    pks = pk_or_pks if isinstance(pk_or_pks, list) else [pk_or_pks]
    return Notification.objects.filter(pk__in=pks, email_state=before).update(email_state=after)


# Immediate e-mail.

def send_immediate(notification_ids: list[int], now: datetime | None = None) -> int:
    """Send the pending e-mails among these rows; returns how many were sent."""
    now = now or timezone.now()
    rows = list(Notification.objects.filter(pk__in=notification_ids,
                                            email_state=EmailState.PENDING)
                .select_related("recipient", "actor", "space"))
    online = online_among({n.recipient_id for n in rows})
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in rows:
        by_user[n.recipient_id].append(n)
    sent = 0
    outbox: list[tuple[Notification, EmailMultiAlternatives]] = []
    for user_id, mine in by_user.items():
        user = mine[0].recipient
        allowed = {n.pk for n in queries.readable(user, mine)} if user.is_active else set()
        for n in mine:
            if n.pk not in allowed or not user.email or user.is_bot:
                _move(n.pk, EmailState.PENDING, EmailState.SKIPPED)
            elif user_id in online or do_not_disturb(user, now):
                # Seen live, or asked not to be disturbed: the digest carries it if still unread.
                _move(n.pk, EmailState.PENDING, EmailState.DIGEST)
            elif _move(n.pk, EmailState.PENDING, EmailState.SENT):
                with translation.override(_language(user)):
                    subject = _headline(n) + (f" · {n.space.name}" if n.space_id and n.space
                                              else "")
                    outbox.append((n, build_message(
                        user, subject=subject, template="immediate",
                        context={"item": _item(n)}, kind=n.kind)))
    if outbox:
        connection = get_connection()
        for n, message in outbox:
            try:
                message.connection = connection
                message.send()
                sent += 1
            except Exception:
                log.exception("could not send the e-mail of notification %s", n.pk)
                _move(n.pk, EmailState.SENT, EmailState.PENDING)  # retried by housekeeping
    return sent


def retry_stale_pending(now: datetime | None = None) -> int:
    """Pending rows older than five minutes (a lost task, a failed send): try again."""
    now = now or timezone.now()
    ids = list(Notification.objects.filter(email_state=EmailState.PENDING,
                                           created_at__lt=now - timedelta(minutes=5))
               .values_list("pk", flat=True)[:500])
    return send_immediate(ids, now) if ids else 0


# Digests.

def _slot(user: User, cadence: str, now: datetime) -> datetime:
    """The latest moment a digest of this cadence was due for this person (local time)."""
    local = now.astimezone(zone(user.time_zone))
    slot = local.replace(hour=settings.NOTIFICATIONS_DIGEST_HOUR, minute=0, second=0,
                         microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if cadence == WEEKLY:
        slot -= timedelta(days=(slot.weekday() - settings.NOTIFICATIONS_DIGEST_WEEKDAY) % 7)
    return slot


def _due(run: DigestRun, user: User, cadence: str, now: datetime) -> bool:
    last = run.daily_sent_at if cadence == DAILY else run.weekly_sent_at
    return last is None or last < _slot(user, cadence, now)


def send_digest(user: User, now: datetime | None = None) -> int:
    """Send this person's due digests; returns how many notifications they carried."""
    now = now or timezone.now()
    waiting = list(Notification.objects.filter(recipient=user, email_state=EmailState.DIGEST)
                   .select_related("space", "actor").order_by("created_at", "id"))
    if not waiting:
        return 0
    unread = Q(read_at__isnull=True) | Q(read_at__lt=F("created_at"))
    unread_ids = set(Notification.objects.filter(unread, pk__in=[n.pk for n in waiting])
                     .values_list("pk", flat=True))
    allowed = {n.pk for n in queries.readable(user, waiting)} if user.is_active else set()
    choices = resolve_rows((user.pk, n.kind, n.space_id) for n in waiting)
    drop, daily, weekly = [], [], []
    for n in waiting:
        mode = choices[(user.pk, n.kind, n.space_id)].email
        if n.pk not in unread_ids or n.pk not in allowed or mode == EmailMode.NEVER \
                or not user.email:
            drop.append(n.pk)
        elif mode == EmailMode.WEEKLY:
            weekly.append(n)
        else:
            daily.append(n)
    _move(drop, EmailState.DIGEST, EmailState.SKIPPED)
    carried = 0
    for cadence, items in ((DAILY, daily), (WEEKLY, weekly)):
        if items:
            carried += _send_cadence(user, cadence, items, now)
    return carried


def _send_cadence(user: User, cadence: str, items: list[Notification], now: datetime) -> int:
    with transaction.atomic():
        run, _created = DigestRun.objects.get_or_create(user=user)
        run = DigestRun.objects.select_for_update().get(pk=run.pk)
        if not _due(run, user, cadence, now):
            return 0
        claimed = list(Notification.objects.filter(
            pk__in=[n.pk for n in items], email_state=EmailState.DIGEST).values_list("pk",
                                                                                    flat=True))
        if not claimed or _move(claimed, EmailState.DIGEST, EmailState.SENT) != len(claimed):
            transaction.set_rollback(True)
            return 0
        field = "daily_sent_at" if cadence == DAILY else "weekly_sent_at"
        previous = getattr(run, field)
        setattr(run, field, now)
        run.save(update_fields=[field])
    items = [n for n in items if n.pk in set(claimed)]
    with translation.override(_language(user)):
        subject = (ngettext("%(count)d new notification today",
                            "%(count)d new notifications today", len(items))
                   if cadence == DAILY else
                   ngettext("%(count)d new notification this week",
                            "%(count)d new notifications this week", len(items))) \
            % {"count": len(items)}
        message = build_message(user, subject=subject, template="digest", kind="",
                                context={"items": [_item(n) for n in items],
                                         "cadence": cadence, "heading": subject,
                                         "intro": _("Here is what you missed.")})
    try:
        message.send()
    except Exception:
        log.exception("could not send the digest of person %s", user.pk)
        _move(claimed, EmailState.SENT, EmailState.DIGEST)
        DigestRun.objects.filter(pk=run.pk).update(**{field: previous})
        return 0
    return len(items)


def send_digests(now: datetime | None = None) -> int:
    """Housekeeping: every person with notifications waiting for a digest that is due."""
    now = now or timezone.now()
    user_ids = set(Notification.objects.filter(email_state=EmailState.DIGEST)
                   .values_list("recipient_id", flat=True).distinct())
    carried = 0
    for user in User.objects.filter(pk__in=user_ids):
        try:
            carried += send_digest(user, now)
        except Exception:  # one person's failure does not stop the others
            log.exception("digest of person %s failed", user.pk)
    return carried


def housekeeping() -> int:
    return retry_stale_pending() + send_digests()
