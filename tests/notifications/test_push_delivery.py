"""Web push delivery, end to end with real cryptography: `notify()` → the push task → an
encrypted, VAPID-signed POST to a push service on 127.0.0.1 → decrypted by the test's own
"browser" keys. Only the browser vendor's push service is played by the test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import http_ece
import pytest
from django.test import override_settings
from django.utils import timezone

from atrium.kernel.actions.spaces import do_remove_member
from atrium.kernel.actions.status import do_set_do_not_disturb
from atrium.kernel.models import Visibility
from atrium.notifications import notify, push, vapid
from atrium.notifications.actions import do_set_preference
from atrium.notifications.models import Notification, PushSubscription
from atrium.notifications.push_subscriptions import do_subscribe
from tests.factories import make_user, make_world
from tests.notifications.push_service import Device, PushService, vapid_claims

pytestmark = pytest.mark.django_db
CANARY = "CANARY-7f3a secret space text"


@pytest.fixture
def service() -> Iterator[PushService]:
    running = PushService().start()
    with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=True,
                           SITE_URL="https://atrium.example.org"):
        yield running
    running.stop()


def subscribe(service: PushService, user, path: str) -> Device:
    device = Device(service.url(path))
    keys = device.subscription()["keys"]
    do_subscribe(user, endpoint=device.endpoint, p256dh=keys["p256dh"], auth=keys["auth"],
                 user_agent="Test browser")
    return device


def send(capture, recipients, **kwargs) -> list[Notification]:
    """notify() inside a transaction, then what runs on commit (the push task)."""
    kwargs.setdefault("kind", "mention")
    kwargs.setdefault("key", f"test:{time.monotonic_ns()}")
    kwargs.setdefault("title", "Mia mentioned you")
    with capture(execute=True):
        return notify(recipients, **kwargs)


def test_payload_is_encrypted_for_the_device_and_signed_with_vapid(
        service, django_capture_on_commit_callbacks):
    """The device decrypts {title, body, url, tag, id}; the VAPID token verifies with the
    server's public key and names the push service's origin."""
    alice = make_user(name="Alice")
    device = subscribe(service, alice, "/push/alice")
    [n] = send(django_capture_on_commit_callbacks, [alice], key="feed:mention:42",
               title="Mia mentioned you", excerpt="Ward round at «nine» 🩺",
               url="/s/cardio/feed/posts/42/")
    [message] = service.to("/push/alice")
    assert b"Ward round" not in message.body  # encrypted on the wire
    assert device.decrypt(message) == {
        "title": "Mia mentioned you", "body": "Ward round at «nine» 🩺",
        "url": "https://atrium.example.org/s/cardio/feed/posts/42/",
        "tag": "feed:mention:42", "id": n.pk}
    claims = vapid_claims(message, vapid.public_key())
    assert claims["aud"] == f"http://127.0.0.1:{service.port}"
    assert claims["sub"] == vapid.subject()
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert message.headers["ttl"] == str(push.TTL)
    assert message.headers["urgency"] == "high"  # a mention is urgent
    n.refresh_from_db()
    assert n.pushed_at is not None
    assert PushSubscription.objects.get(endpoint=device.endpoint).last_used_at is not None


def test_each_device_gets_its_own_encryption_and_a_normal_kind_normal_urgency(
        service, django_capture_on_commit_callbacks):
    """Two devices of one person each decrypt their copy; an announcement is not urgent."""
    alice = make_user()
    phone, laptop = (subscribe(service, alice, "/push/phone"),
                     subscribe(service, alice, "/push/laptop"))
    send(django_capture_on_commit_callbacks, [alice], kind="announcement", title="Fire drill")
    [to_phone], [to_laptop] = service.to("/push/phone"), service.to("/push/laptop")
    assert phone.decrypt(to_phone)["title"] == laptop.decrypt(to_laptop)["title"] == "Fire drill"
    assert to_phone.body != to_laptop.body
    assert to_phone.headers["urgency"] == "normal"
    with pytest.raises(http_ece.ECEException):  # the laptop cannot read the phone's copy
        laptop.decrypt(to_phone)


def test_the_same_notification_is_never_pushed_twice(service, django_capture_on_commit_callbacks):
    """Delivering again, or notifying again with the same key, sends nothing more."""
    alice = make_user()
    subscribe(service, alice, "/push/a")
    [n] = send(django_capture_on_commit_callbacks, [alice], key="once")
    assert push.deliver([n.pk]) == 0
    assert send(django_capture_on_commit_callbacks, [alice], key="once") == []
    assert len(service.to("/push/a")) == 1


def test_a_gone_subscription_is_forgotten(service, django_capture_on_commit_callbacks):
    """404 and 410 from the push service delete the subscription; the other device still
    gets its message."""
    alice = make_user()
    subscribe(service, alice, "/push/gone")
    subscribe(service, alice, "/push/missing")
    kept = subscribe(service, alice, "/push/kept")
    service.answers.update({"/push/gone": 410, "/push/missing": 404})
    send(django_capture_on_commit_callbacks, [alice])
    assert list(PushSubscription.objects.filter(user=alice).values_list("endpoint", flat=True)) \
        == [kept.endpoint]
    assert len(service.to("/push/kept")) == 1


def test_errors_are_counted_and_the_fifth_in_a_row_forgets_the_device(
        service, django_capture_on_commit_callbacks):
    """A 500 counts a failure; a success resets the count; five failures delete it."""
    alice = make_user()
    device = subscribe(service, alice, "/push/flaky")
    service.answers["/push/flaky"] = 500
    for _ in range(2):
        send(django_capture_on_commit_callbacks, [alice])
    assert PushSubscription.objects.get(endpoint=device.endpoint).failures == 2
    service.answers["/push/flaky"] = 201
    send(django_capture_on_commit_callbacks, [alice])
    assert PushSubscription.objects.get(endpoint=device.endpoint).failures == 0
    service.answers["/push/flaky"] = 503
    for _ in range(push.MAX_FAILURES):
        send(django_capture_on_commit_callbacks, [alice])
    assert not PushSubscription.objects.filter(endpoint=device.endpoint).exists()
    assert len(service.to("/push/flaky")) == 3 + push.MAX_FAILURES


def test_push_off_in_the_preferences_sends_nothing(service, django_capture_on_commit_callbacks):
    """push=False for the kind: the notification is recorded, nothing reaches the service."""
    alice, bob = make_user(), make_user()
    subscribe(service, alice, "/push/alice")
    subscribe(service, bob, "/push/bob")
    do_set_preference(alice, kind="mention", push=False)
    created = send(django_capture_on_commit_callbacks, [alice, bob])
    assert {n.recipient_id for n in created} == {alice.pk, bob.pk}
    assert service.to("/push/alice") == []
    assert len(service.to("/push/bob")) == 1


def test_push_off_after_the_notification_was_recorded_is_respected(
        service, django_capture_on_commit_callbacks):
    """The task reads the preference again when it runs."""
    alice = make_user()
    subscribe(service, alice, "/push/alice")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([alice], kind="mention", key="later", title="Hello")
    do_set_preference(alice, kind="", push=False)
    do_set_preference(alice, kind="mention", push=False)
    for callback in callbacks:
        callback()
    assert service.to("/push/alice") == []


def test_do_not_disturb_holds_pushes_back(service, django_capture_on_commit_callbacks):
    """During do-not-disturb nothing is pushed (the centre and the digest still have it)."""
    alice = make_user()
    subscribe(service, alice, "/push/alice")
    do_set_do_not_disturb(alice, timezone.now() + timedelta(hours=1))
    [n] = send(django_capture_on_commit_callbacks, [alice])
    assert service.to("/push/alice") == []
    assert Notification.objects.filter(pk=n.pk).exists()


def test_a_secret_space_canary_reaches_only_people_who_may_read_it(
        service, django_capture_on_commit_callbacks):
    """notify() drops the outsider; a member removed before the task runs gets nothing
    either; the space admin, still a member, does (so the check can fail)."""
    world = make_world(Visibility.SECRET)
    devices = {role: subscribe(service, getattr(world, role), f"/push/{role}")
               for role in ("space_admin", "member", "outsider", "org_admin")}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([world.space_admin, world.member, world.outsider, world.org_admin],
               kind="announcement", key="secret:1", space=world.space, title=CANARY,
               excerpt=CANARY, url="/s/secret/")
    do_remove_member(world.space_admin, world.space, world.member)
    for callback in callbacks:
        callback()
    assert devices["space_admin"].decrypt(service.to("/push/space_admin")[0])["title"] == CANARY
    for role in ("member", "outsider", "org_admin"):
        assert service.to(f"/push/{role}") == [], role
    for received in service.received:
        if received.path != "/push/space_admin":
            assert CANARY.encode() not in received.body


def test_a_deactivated_person_gets_nothing(service, django_capture_on_commit_callbacks):
    """Deactivated after the notification was recorded: the task skips them."""
    from atrium.kernel.actions.people import do_deactivate_user

    world = make_world()
    subscribe(service, world.member, "/push/member")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([world.member], kind="mention", key="deact", title="Hi")
    do_deactivate_user(world.owner, world.member)
    for callback in callbacks:
        callback()
    assert service.to("/push/member") == []


def test_an_endpoint_that_resolves_to_loopback_is_refused_outside_tests(
        service, django_capture_on_commit_callbacks):
    """Without the test setting, the connected address (127.0.0.1) is refused before any
    byte is sent, and the failure is counted."""
    alice = make_user()
    device = subscribe(service, alice, "/push/alice")
    with override_settings(ATRIUM_PUSH_ALLOW_INSECURE_ENDPOINTS=False):
        send(django_capture_on_commit_callbacks, [alice])
    assert service.received == []
    assert PushSubscription.objects.get(endpoint=device.endpoint).failures == 1


def test_a_redirect_is_not_followed(service, django_capture_on_commit_callbacks):
    """A 307 from the 'push service' counts as a failure; the target gets nothing."""
    alice = make_user()
    device = subscribe(service, alice, "/push/moved")
    service.redirects["/push/moved"] = service.url("/push/elsewhere")
    send(django_capture_on_commit_callbacks, [alice])
    assert service.to("/push/elsewhere") == []
    assert PushSubscription.objects.get(endpoint=device.endpoint).failures == 1


def test_a_link_to_another_site_becomes_the_home_page(service):
    """The payload's url is always on this site."""
    alice = make_user()
    n = Notification.objects.create(recipient=alice, kind="mention", key="x", title="t",
                                    url="https://evil.example/")
    assert push.payload(n)["url"] == "https://atrium.example.org/"
    n.url = "//evil.example/path"
    assert push.payload(n)["url"] == "https://atrium.example.org/"


def test_the_test_message_reaches_each_device(service):
    """send_test pushes a decryptable test message to every device of the person only."""
    alice, bob = make_user(), make_user()
    device = subscribe(service, alice, "/push/alice")
    subscribe(service, bob, "/push/bob")
    assert push.send_test(alice) == 1
    payload = device.decrypt(service.to("/push/alice")[0])
    assert payload["tag"] == "atrium-test" and payload["url"].startswith("https://atrium.")
    assert service.to("/push/bob") == []
