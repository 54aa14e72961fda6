"""A secret space's words never leave it: one canary post, seen from every side.

A member of a secret space posts a unique canary (with a hashtag, a poll option, mentions of
people outside the space, a comment and an announcement asking for confirmation), while an
outsider follows the author and an organisation admin — who may list secret spaces but not
read them — is mentioned too. Then every door the issue names is tried for them: home,
hashtag, search, person and announcement feeds (pages and API), the notification centre and
its rows, e-mails through a real SMTP server (immediate and digest), web push through a
local push service, and the events addressed to them. A member of the space sees the canary
through the same doors, so the test can fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from atrium.kernel.actions.people import do_follow
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.models import EventRecord, SpaceRole, Visibility
from atrium.modules.feed.actions import PollSpec, do_comment, do_create_post, do_pin
from atrium.notifications.email import send_digests
from atrium.notifications.models import Notification
from atrium.notifications.push_subscriptions import do_subscribe
from tests.factories import make_space, make_world
from tests.notifications.helpers import smtp_server  # noqa: F401  (fixture "smtp")
from tests.notifications.push_service import Device, PushService

pytestmark = pytest.mark.django_db
CANARY = f"CANARY{uuid4().hex[:12]}"
TAG = f"canary{uuid4().hex[:6]}"
WORD = f"lookup{uuid4().hex[:6]}"  # searched for: a search page echoes its query


@pytest.fixture
def push_service() -> Iterator[PushService]:
    running = PushService().start()
    with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=True):
        yield running
    running.stop()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def doors(world, author) -> list[str]:
    """Every page and endpoint that could show someone else's content to a reader."""
    return [
        "/", "/feed/", f"/feed/tags/{TAG}/", f"/feed/search/?q={WORD}",
        f"/feed/people/{author.pk}/", "/feed/announcements/", f"/people/{author.pk}/",
        "/notifications/", "/api/v1/feed/home", "/api/v1/feed/home?order=activity",
        f"/api/v1/feed/hashtags/{TAG}", f"/api/v1/feed/search?q={WORD}",
        f"/api/v1/people/{author.pk}/feed", "/api/v1/feed/announcements",
        "/api/v1/notifications",
    ]


def test_a_secret_space_canary_never_reaches_anyone_outside(
        smtp, push_service, django_capture_on_commit_callbacks):
    world = make_world(Visibility.SECRET)
    author, outsider, org_admin = world.member, world.outsider, world.org_admin
    # The outsider shares an open space with the author and follows them.
    open_space = make_space(world.space_admin, Visibility.OPEN, name="Open hall")
    for person in (author, outsider):
        do_add_member(world.space_admin, open_space, person, SpaceRole.MEMBER)
    do_follow(outsider, author)
    devices = {}
    for role in ("outsider", "org_admin", "space_admin"):
        device = Device(push_service.url(f"/push/{role}"))
        keys = device.subscription()["keys"]
        do_subscribe(getattr(world, role), endpoint=device.endpoint, p256dh=keys["p256dh"],
                     auth=keys["auth"], user_agent="Test browser")
        devices[role] = device

    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(
            author, world.space,
            body=f"{CANARY} {WORD} #{TAG} for <@{outsider.pk}> and <@{org_admin.pk}> "
                 f"and <@{world.space_admin.pk}>",
            poll=PollSpec(options=[f"{CANARY} yes", "no"]))
        do_create_post(author, open_space, body=f"VISIBLE {WORD} #{TAG}")
    with django_capture_on_commit_callbacks(execute=True):
        do_comment(author, post, body=f"{CANARY} again <@{outsider.pk}>")
    with django_capture_on_commit_callbacks(execute=True):
        do_pin(world.space_admin, post, requires_confirmation=True)
    send_digests(now=timezone.now() + timedelta(days=8))

    for person in (outsider, org_admin):
        client = signed_in(person)
        for url in doors(world, author):
            answer = client.get(url)
            assert answer.status_code in (200, 404), (url, answer.status_code)
            assert CANARY not in answer.content.decode(), (person, url)
        rows = Notification.objects.filter(recipient=person)
        assert not [n for n in rows if CANARY in f"{n.title} {n.excerpt} {n.url}"]
        assert not [n for n in rows if n.space_id == world.space.pk]
        for record in EventRecord.objects.filter(audience_kind="user", audience_id=person.pk):
            assert CANARY not in str(record.payload)
        assert not [m for m in smtp.to(person.email) if CANARY in m.as_string()]
    # ...while what the author posts in the open space does reach the outsider.
    outside = signed_in(outsider)
    for url in ("/api/v1/feed/home", f"/feed/tags/{TAG}/", f"/api/v1/feed/search?q={WORD}",
                f"/feed/people/{author.pk}/"):
        assert "VISIBLE" in outside.get(url).content.decode(), url
    for role in ("outsider", "org_admin"):
        assert push_service.to(f"/push/{role}") == [], role

    # The space's own admin gets it through the same doors: the checks above can fail.
    admin = signed_in(world.space_admin)
    assert CANARY in admin.get("/api/v1/feed/home").content.decode()
    assert CANARY in admin.get(f"/feed/tags/{TAG}/").content.decode()
    assert CANARY in admin.get(f"/api/v1/feed/search?q={WORD}").content.decode()
    assert Notification.objects.filter(recipient=world.space_admin,
                                       space=world.space).exists()
    pushed = push_service.to("/push/space_admin")
    assert pushed and any(CANARY in str(devices["space_admin"].decrypt(p)) for p in pushed)
