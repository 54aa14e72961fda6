"""Catch-up: the events a reconnecting socket missed, re-checked against current rights.

The client sends the highest event id it saw and the ids it received lately. Ids are given
at insert time but transactions commit in any order on PostgreSQL, so an event with a lower
id can arrive after a higher one; starting from the lowest recent id and skipping those the
client already has closes that window without sending anything twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q

from atrium.kernel.models import EventHorizon, EventRecord
from atrium.realtime import audiences, publish

MAX_CATCH_UP = 2000
MAX_RECENT = 1000
SKIPPED_TYPES = ("session.revoked",)


@dataclass
class CatchUp:
    reload: bool = False
    frames: list[tuple[int, str]] = field(default_factory=list)


def latest_event_id() -> int:
    """The id a fresh page resumes from. Never below the retention horizon: once every event
    has been purged (a quiet week), resuming from 0 would be told to reload, forever."""
    return max(EventRecord.objects.aggregate(top=Max("id"))["top"] or 0, purged_through())


def purged_through() -> int:
    return EventHorizon.objects.values_list("purged_through", flat=True).first() or 0


def audience_filter(keys: Iterable[str]) -> Q | None:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for text in keys:
        parsed = audiences.parse_key(text)
        if parsed is not None:
            by_kind[parsed[0]].append(parsed[1])
    query: Q | None = None
    for kind, ids in by_kind.items():
        part = Q(audience_kind=kind, audience_id__in=ids)
        query = part if query is None else query | part
    return query


def missed(user: Any, keys: Collection[str], last_id: int, recent: Collection[int]) -> CatchUp:
    """Events after `last_id` (and any late-committed ones among the recent window) on the
    audiences in `keys`, which the caller computed with the person's current rights."""
    recent_ids = {i for i in recent if isinstance(i, int) and 0 < i <= last_id}
    floor = min(recent_ids | {last_id})
    if floor < purged_through():
        return CatchUp(reload=True)
    query = audience_filter(keys)
    if query is None:
        return CatchUp()
    rows = list(
        EventRecord.objects.filter(query, id__gt=floor)
        .exclude(type__in=SKIPPED_TYPES)
        .order_by("id")
        .values_list("id", "audience_kind", "audience_id", "type", "payload")
        [:MAX_CATCH_UP + len(recent_ids) + 1]
    )
    rows = [row for row in rows if row[0] not in recent_ids]
    if len(rows) > MAX_CATCH_UP:
        return CatchUp(reload=True)
    return CatchUp(frames=[
        (pk, publish.event_envelope(pk, kind, audience_id, event_type, payload)["t"])
        for pk, kind, audience_id, event_type, payload in rows
    ])
