"""The status and notifications page: status line, pause, quiet hours, clear errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.models import User
from atrium.web.views.status import moment
from tests.factories import ROLES

URL = "/profile/status/"


@pytest.mark.parametrize("role", ROLES)
def test_page_by_role(client_for, world, role):
    response = client_for(world.user(role)).get(URL)
    if role in ("anonymous", "deactivated"):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200
        assert b"Quiet hours" in response.content


def test_set_pause_and_clear(client_for, member):
    client = client_for(member)
    client.post(URL, {"form": "status", "emoji": "🏥", "text": "On call", "clear_after": "1h"})
    person = User.objects.get(pk=member.pk)
    assert (person.status_emoji, person.status_text) == ("🏥", "On call")
    assert timedelta(minutes=55) < person.status_expires_at - timezone.now() < timedelta(hours=1)
    page = client.get(URL).content.decode()
    assert "On call" in page
    client.post(URL, {"form": "pause", "pause": "2h"})
    assert User.objects.get(pk=member.pk).dnd_until > timezone.now() + timedelta(minutes=110)
    assert "Notifications are paused." in client.get(URL).content.decode()
    client.post(URL, {"form": "resume"})
    client.post(URL, {"form": "clear"})
    person = User.objects.get(pk=member.pk)
    assert (person.dnd_until, person.status_text, person.status_expires_at) == (None, "", None)


@pytest.mark.parametrize("data,message", [
    ({"form": "quiet", "quiet_hours_start": "22:00", "quiet_hours_end": ""},
     "Give both the start and the end"),
    ({"form": "quiet", "quiet_hours_start": "25:00", "quiet_hours_end": "07:00"},
     "Check the quiet hours"),
    ({"form": "pause", "pause": "forever"}, "Choose how long"),
    ({"form": "status", "text": "x" * 300}, "Check the status fields"),
    ({"form": "nope"}, "Unknown form"),
])
def test_bad_input_explains_and_changes_nothing(client_for, member, data, message):
    response = client_for(member).post(URL, data, follow=True)
    assert message in response.content.decode()
    person = User.objects.get(pk=member.pk)
    assert (person.quiet_hours_start, person.dnd_until, person.status_text) == (None, None, "")


def test_quiet_hours_saved(client_for, member):
    client_for(member).post(URL, {"form": "quiet", "quiet_hours_start": "22:00",
                                  "quiet_hours_end": "07:00", "time_zone": "Europe/Paris"})
    person = User.objects.get(pk=member.pk)
    assert (str(person.quiet_hours_start), person.time_zone) == ("22:00:00", "Europe/Paris")


def test_moments():
    now = timezone.now()
    assert moment("30m", now) == now + timedelta(minutes=30)
    assert moment("today", now) > now
    assert moment("", now) is None and moment("garbage", now) is None
