"""A person's status line and do-not-disturb, read the same way by presence, chat
notifications and (issue 4) e-mail and push."""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.conf import settings


class QuietPerson(Protocol):
    """A User, or any record with the same four fields (chat's notification `Person`)."""

    @property
    def dnd_until(self) -> datetime | None: ...

    @property
    def quiet_hours_start(self) -> time | None: ...

    @property
    def quiet_hours_end(self) -> time | None: ...

    @property
    def time_zone(self) -> str: ...


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> Any:
    try:
        return ZoneInfo(name) if name else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def do_not_disturb(person: QuietPerson, now: datetime) -> bool:
    """True during a do-not-disturb chosen by hand, or inside the daily quiet hours read in the
    person's time zone (a range may cross midnight, e.g. 22:00 → 07:00)."""
    if person.dnd_until is not None and person.dnd_until > now:
        return True
    start, end = person.quiet_hours_start, person.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zone(person.time_zone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def current_status(person: Any, now: datetime) -> tuple[str, str]:
    """(emoji, text) of the status line, empty once it has expired."""
    expires = person.status_expires_at
    if expires is not None and expires <= now:
        return "", ""
    return person.status_emoji, person.status_text


def status_out(person: Any, now: datetime) -> dict[str, Any]:
    emoji, text = current_status(person, now)
    return {"emoji": emoji, "text": text,
            "expires_at": person.status_expires_at if (emoji or text) else None,
            "do_not_disturb": do_not_disturb(person, now),
            "dnd_until": person.dnd_until if person.dnd_until and person.dnd_until > now
            else None}
