"""Events are kept for `ATRIUM_EVENT_RETENTION_HOURS`; a client that resumes from before the
oldest kept event is told to reload instead of receiving a partial history."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from atrium.kernel.models import EventHorizon, EventRecord


@transaction.atomic
def purge_expired_events(now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(hours=settings.ATRIUM_EVENT_RETENTION_HOURS)
    expired = EventRecord.objects.filter(created_at__lt=cutoff)
    top = expired.aggregate(top=Max("id"))["top"]
    if top is None:
        return 0
    horizon, _created = EventHorizon.objects.select_for_update().get_or_create(pk=1)
    # Everything up to `top` goes, even a late-committed row with a newer date: the horizon
    # must cover every id that may be missing.
    deleted, _ = EventRecord.objects.filter(id__lte=top).delete()
    horizon.purged_through = max(horizon.purged_through, top)
    horizon.purged_at = timezone.now()
    horizon.save()
    return deleted
