from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from atrium.kernel import housekeeping
from atrium.kernel.models import EventHorizon, EventRecord
from atrium.realtime import catchup
from atrium.realtime.retention import purge_expired_events


def _event(hours_ago: float) -> EventRecord:
    record = EventRecord.objects.create(type="test.tick", audience_kind="user", audience_id=1,
                                        payload={})
    EventRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago))
    return record


def test_old_events_go_and_the_horizon_follows(db, settings):
    settings.ATRIUM_EVENT_RETENTION_HOURS = 24
    old = [_event(30), _event(25)]
    kept = _event(1)
    assert purge_expired_events() == 2
    assert list(EventRecord.objects.values_list("pk", flat=True)) == [kept.pk]
    assert EventHorizon.objects.get().purged_through == old[-1].pk
    assert catchup.missed(None, {"user:1"}, old[0].pk, []).reload
    assert not catchup.missed(None, {"user:1"}, old[-1].pk, []).reload
    assert purge_expired_events() == 0


def test_housekeeping_runs_the_purge(db, settings):
    settings.ATRIUM_EVENT_RETENTION_HOURS = 1
    _event(5)
    assert housekeeping.run_all()["realtime.purge_events"] == 1
