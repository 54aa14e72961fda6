"""Reads of the notification centre, always limited to the person's own rows and to what
they may still read (someone removed from a space stops seeing what came from it)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from atrium.kernel.abilities import is_active_user, spaces_with_module_access
from atrium.kernel.errors import NotFound
from atrium.kernel.models import Access, OrgRole, Space, SpaceMembership, Visibility
from atrium.notifications.models import Notification

MAX_LIMIT = 100


@dataclass(frozen=True)
class Cursor:
    at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text or len(text) > 80:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            stamp, _sep, pk = raw.partition("|")
            at = datetime.fromisoformat(stamp)
            if at.tzinfo is None:
                return None
            return cls(at, int(pk))
        except (ValueError, UnicodeDecodeError, OverflowError, OSError):
            return None


def shown(user: Any) -> QuerySet[Notification]:
    """The person's rows the centre shows: not those recorded read because the person turned
    the centre off for that kind (read before they were even created)."""
    return Notification.objects.filter(recipient=user).filter(
        Q(read_at__isnull=True) | Q(read_at__gte=F("created_at")))


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _kernel_spaces(user: Any, space_ids: set[int]) -> set[int]:
    """Which of these spaces the person may read (member, or an open space for non-guests),
    in two queries."""
    if not space_ids or not is_active_user(user):
        return set()
    found = set(SpaceMembership.objects.filter(user_id=user.pk, space_id__in=space_ids)
                .values_list("space_id", flat=True))
    if user.role != OrgRole.GUEST and space_ids - found:
        found |= set(Space.objects.filter(pk__in=space_ids - found, visibility=Visibility.OPEN,
                                          personal_owner__isnull=True)
                     .values_list("pk", flat=True))
    return found


def readable(user: Any, rows: Iterable[Notification]) -> list[Notification]:
    """Keep the rows whose space (and module there) the person may still read: a constant
    number of queries (two for kernel rows, about three per module)."""
    rows = list(rows)
    kernel = _kernel_spaces(user, {n.space_id for n in rows
                                   if n.space_id is not None and n.module_id == "kernel"})
    by_module: dict[str, set[int]] = {}
    kept = []
    for n in rows:
        if n.space_id is None:
            kept.append(n)
        elif n.module_id == "kernel":
            if n.space_id in kernel:
                kept.append(n)
        else:
            if n.module_id not in by_module:
                by_module[n.module_id] = set(spaces_with_module_access(user, n.module_id,
                                                                       Access.READ))
            if n.space_id in by_module[n.module_id]:
                kept.append(n)
    return kept


@dataclass
class Page:
    items: list[Notification]
    next_cursor: str | None


def notifications_of(user: Any, *, unread: bool = False, before: str | None = None,
                     limit: int = 30) -> Page:
    """Newest first, `limit` at a time; `before` is the opaque cursor of the previous page."""
    limit = max(1, min(limit, MAX_LIMIT))
    qs = shown(user).select_related("actor", "space").order_by("-created_at", "-id")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    cursor = Cursor.decode(before)
    if cursor is not None:
        qs = qs.filter(Q(created_at__lt=cursor.at) | Q(created_at=cursor.at, pk__lt=cursor.id))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = Cursor(rows[-1].created_at, rows[-1].pk).encode() if more and rows else None
    return Page(readable(user, rows), next_cursor)


def access_notification(user: Any, notification_id: int) -> Notification:
    """The person's own notification, or NotFound (someone else's looks missing)."""
    if not 0 < notification_id < 2**63:
        raise NotFound()
    found = Notification.objects.filter(pk=notification_id,
                                        recipient_id=getattr(user, "pk", None)) \
        .select_related("space").first()
    if found is None or not readable(user, [found]):
        raise NotFound()
    return found
