"""Writes of the notification centre: mark read, preferences, one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.abilities import abilities, is_active_user
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import Space, User
from atrium.notifications.events import NotificationsRead
from atrium.notifications.kinds import get_kind
from atrium.notifications.models import EmailMode, EmailState, Notification, Preference
from atrium.notifications.preferences import resolve
from atrium.notifications.queries import unread_count
from atrium.notifications.tokens import read_token


def _check_actor(actor: Any) -> None:
    if not is_active_user(actor):
        raise Forbidden(_("Sign in to manage your notifications."))


@transaction.atomic
def do_mark_read(actor: User, notification: Notification) -> bool:
    """Mark one of the person's notifications read; True when it was unread."""
    _check_actor(actor)
    if notification.recipient_id != actor.pk:
        raise Forbidden(_("This notification is not yours."))
    changed = Notification.objects.filter(pk=notification.pk, read_at__isnull=True) \
        .update(read_at=timezone.now())
    if changed:
        notification.read_at = timezone.now()
        events.emit(NotificationsRead(notification_ids=[notification.pk],
                                      unread=unread_count(actor)), "user", actor.pk)
    return bool(changed)


@transaction.atomic
def do_mark_all_read(actor: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    _check_actor(actor)
    changed = Notification.objects.filter(recipient=actor, read_at__isnull=True) \
        .update(read_at=timezone.now())
    if changed:
        events.emit(NotificationsRead(notification_ids=[], unread=0), "user", actor.pk)
    return changed


def _check_kind(kind: str) -> None:
    if kind and get_kind(kind) is None:
        raise ActionError(_("Unknown kind of notification."), code="unknown_kind", field="kind")


def _check_space(actor: User, space: Space | None) -> None:
    if space is not None and not abilities(actor, space)["read"]:
        raise ActionError(_("You may not read this space."), code="invalid_space", field="space")


@transaction.atomic
def do_set_preference(actor: User, *, kind: str = "", space: Space | None = None,
                      in_app: bool = True, email: str = EmailMode.DAILY,
                      push: bool = True) -> Preference:
    """Set the person's choice for a kind ("" = every kind) in a space (None = everywhere)."""
    _check_actor(actor)
    _check_kind(kind)
    _check_space(actor, space)
    if email not in EmailMode.values:
        raise ActionError(_("Choose immediately, daily, weekly or never."), code="invalid",
                          field="email")
    pref, _created = Preference.objects.update_or_create(
        user=actor, kind=kind, space=space,
        defaults={"in_app": bool(in_app), "email": email, "push": bool(push)})
    if email == EmailMode.NEVER:
        _skip_waiting(actor, kind, space)
    return pref


@transaction.atomic
def do_clear_preference(actor: User, *, kind: str = "", space: Space | None = None) -> bool:
    """Forget a choice: the next less specific one (or the default) applies again."""
    _check_actor(actor)
    _check_kind(kind)
    deleted, _detail = Preference.objects.filter(user=actor, kind=kind, space=space).delete()
    return bool(deleted)


def _skip_waiting(user: User, kind: str, space: Space | None) -> None:
    """Nothing already waiting for an e-mail goes out after the person said never."""
    waiting = Notification.objects.filter(recipient=user, email_state__in=[
        EmailState.PENDING, EmailState.DIGEST])
    if kind:
        waiting = waiting.filter(kind=kind)
    if space is not None:
        waiting = waiting.filter(space=space)
    waiting.update(email_state=EmailState.SKIPPED)


@transaction.atomic
def do_unsubscribe(token: str) -> tuple[User, str]:
    """One click, no session: stop e-mail of the token's kind ("" = every kind) for its owner."""
    found = read_token(token)
    user = User.objects.filter(pk=found[0]).first() if found else None
    if found is None or user is None:
        raise ActionError(_("This unsubscribe link is not valid."), code="invalid_token",
                          field="token")
    kind = found[1]
    if kind and get_kind(kind) is None:
        kind = ""
    current = resolve(user.pk, kind, None)
    Preference.objects.update_or_create(
        user=user, kind=kind, space=None,
        defaults={"in_app": current.in_app, "email": EmailMode.NEVER, "push": current.push})
    # More specific choices (a space, or a kind when unsubscribing from everything) too.
    rows = Preference.objects.filter(user=user)
    (rows.filter(kind=kind) if kind else rows).update(email=EmailMode.NEVER)
    _skip_waiting(user, kind, None)
    return user, kind
