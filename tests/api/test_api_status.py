"""My status line, do-not-disturb and quiet hours; someone else's status."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from atrium.kernel.models import EventRecord, User
from atrium.kernel.status import do_not_disturb
from tests.api.conftest import matrix

EVERY_ACTIVE_ROLE = {"anonymous": 401, "guest": 200, "outsider": 200, "reader": 200,
                     "member": 200, "space_admin": 200, "org_admin": 200, "deactivated": 401}


@pytest.mark.parametrize("role,status", matrix(**EVERY_ACTIVE_ROLE))
def test_set_my_status(api, role, status):
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    response = api.call(role, "PUT", "/me/status",
                        {"emoji": "🌴", "text": "  On   leave ", "expires_at": later})
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["emoji"], body["text"]) == ("🌴", "On leave")
        person = api.world.user(role)
        event = EventRecord.objects.get(type="person.status")
        assert (event.audience_kind, event.audience_id) == ("presence", person.pk)
        assert api.call(role, "GET", "/me/status").json()["text"] == "On leave"


@pytest.mark.parametrize("viewer,status", [("member", 200), ("outsider", 200), ("guest", 404),
                                           ("anonymous", 401)])
def test_who_sees_a_status(api, viewer, status):
    """A guest sees only the people of its spaces; the outsider is not one of them."""
    api.call("outsider", "PUT", "/me/status", {"text": "In surgery"})
    response = api.call(viewer, "GET", f"/people/{api.world.outsider.pk}/status")
    assert response.status_code == status
    if status == 200:
        assert response.json()["text"] == "In surgery"


@pytest.mark.parametrize("path,body,field", [
    ("/me/status", {"emoji": "a b"}, "emoji"),
    ("/me/status", {"text": "gone", "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ("/me/do-not-disturb", {"until": "2001-01-01T00:00:00Z"}, "dnd_until"),
    ("/me/quiet-hours", {"start": "22:00"}, "quiet_hours_end"),
    ("/me/quiet-hours", {"start": "22:00", "end": "22:00"}, "quiet_hours_end"),
    ("/me/quiet-hours", {"start": "22:00", "end": "07:00", "time_zone": "Mars/Olympus"},
     "time_zone"),
])
def test_bad_input_is_refused_with_the_field(api, path, body, field):
    response = api.call("member", "PUT", path, body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("path,body,field", [
    ("/me/status", {"text": "x" * 101}, "text"),
    ("/me/status", {"nope": 1}, "nope"),
    ("/me/quiet-hours", {"start": "25:99", "end": "07:00"}, "start"),
    ("/me/do-not-disturb", {"until": "tomorrow"}, "until"),
])
def test_wrong_shapes_answer_422_with_the_field(api, path, body, field):
    response = api.call("member", "PUT", path, body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_do_not_disturb_and_quiet_hours(api):
    until = timezone.now() + timedelta(minutes=30)
    body = api.call("member", "PUT", "/me/do-not-disturb", {"until": until.isoformat()}).json()
    assert body["do_not_disturb"] is True
    assert api.call("member", "PUT", "/me/do-not-disturb", {"until": None}).json()[
        "do_not_disturb"] is False
    body = api.call("member", "PUT", "/me/quiet-hours",
                    {"start": "22:00", "end": "07:00", "time_zone": "Europe/Paris"}).json()
    assert (body["quiet_hours_start"], body["time_zone"]) == ("22:00:00", "Europe/Paris")
    person = User.objects.get(pk=api.world.member.pk)
    paris_23h = datetime(2026, 1, 15, 22, 0, tzinfo=UTC)   # 23:00 in Paris
    paris_noon = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    paris_6h = datetime(2026, 7, 15, 4, 0, tzinfo=UTC)     # 06:00 summer time
    assert do_not_disturb(person, paris_23h) and do_not_disturb(person, paris_6h)
    assert not do_not_disturb(person, paris_noon)
    assert person.quiet_hours_end == time(7, 0)


def test_expired_status_reads_empty(api):
    person = api.world.member
    person.status_text, person.status_expires_at = "Back soon", timezone.now() - timedelta(1)
    person.save()
    assert api.call("member", "GET", "/me/status").json()["text"] == ""
