"""Writes of a person's status line, do-not-disturb and quiet hours."""

from __future__ import annotations

from datetime import datetime, time
from typing import ClassVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atrium.kernel import events
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import User
from atrium.kernel.status import status_out, time_zone_names

MAX_EMOJI = 16
MAX_TEXT = 100


class StatusChanged(events.Event):
    """Sent to the person's presence audience: pages showing them update the status line."""

    type: ClassVar[str] = "person.status"
    user_id: int
    emoji: str
    text: str
    expires_at: datetime | None
    do_not_disturb: bool
    dnd_until: datetime | None


def _check_active(actor: User) -> None:
    if not actor.is_active:
        raise Forbidden(_("This account is deactivated."))


def _announce(person: User) -> None:
    now = timezone.now()
    events.emit(StatusChanged(user_id=person.pk, **status_out(person, now)), "presence",
                person.pk)


@transaction.atomic
def do_set_status(actor: User, *, emoji: str = "", text: str = "",
                  expires_at: datetime | None = None) -> User:
    _check_active(actor)
    emoji, text = (emoji or "").strip(), " ".join((text or "").split())
    if len(emoji) > MAX_EMOJI or any(c.isspace() for c in emoji):
        raise ActionError(_("Choose one emoji (or a :short_name:)."), field="emoji")
    if len(text) > MAX_TEXT:
        raise ActionError(_("A status is at most %(limit)d characters.") % {"limit": MAX_TEXT},
                          field="text")
    if expires_at is not None and expires_at <= timezone.now():
        raise ActionError(_("The status would already have expired: choose a later time."),
                          field="expires_at")
    actor.status_emoji, actor.status_text = emoji, text
    actor.status_expires_at = expires_at if (emoji or text) else None
    actor.save(update_fields=["status_emoji", "status_text", "status_expires_at"])
    _announce(actor)
    return actor


@transaction.atomic
def do_set_do_not_disturb(actor: User, until: datetime | None) -> User:
    """Pause notifications until `until` (None resumes them now)."""
    _check_active(actor)
    if until is not None and until <= timezone.now():
        raise ActionError(_("Choose a moment in the future."), field="dnd_until")
    actor.dnd_until = until
    actor.save(update_fields=["dnd_until"])
    _announce(actor)
    return actor


@transaction.atomic
def do_set_quiet_hours(actor: User, *, start: time | None, end: time | None,
                       time_zone: str = "") -> User:
    """Daily hours without notifications, read in `time_zone` (empty: the organisation's)."""
    _check_active(actor)
    if (start is None) != (end is None):
        raise ActionError(_("Give both the start and the end of the quiet hours, or neither."),
                          field="quiet_hours_end" if end is None else "quiet_hours_start")
    if start is not None and start == end:
        raise ActionError(_("Quiet hours must start and end at different times."),
                          field="quiet_hours_end")
    time_zone = (time_zone or "").strip()
    if time_zone and time_zone not in time_zone_names():
        raise ActionError(_("Unknown time zone: choose one such as Europe/Paris."),
                          field="time_zone")
    actor.quiet_hours_start, actor.quiet_hours_end, actor.time_zone = start, end, time_zone
    actor.save(update_fields=["quiet_hours_start", "quiet_hours_end", "time_zone"])
    _announce(actor)
    return actor
