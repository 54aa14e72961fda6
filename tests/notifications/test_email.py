"""E-mail of notifications through a real SMTP server (aiosmtpd): immediate, digests,
one-click unsubscribe, never twice, the recipient's language, and the secret-space canary."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from atrium.kernel.actions.spaces import do_add_member, do_remove_member
from atrium.kernel.models import SpaceRole, Visibility
from atrium.notifications import email, notify
from atrium.notifications.actions import do_mark_read
from atrium.notifications.models import DigestRun, EmailState, Notification, Preference
from tests.factories import make_space, make_user
from tests.notifications.helpers import (  # noqa: F401  (smtp_server: fixture "smtp")
    _free_port,
    html_of,
    online,
    smtp_server,
    text_of,
)

pytestmark = pytest.mark.django_db


def mention(recipient, key="m:1", **extra):
    defaults = {"kind": "mention", "key": key, "title": "Mia mentioned you",
                "excerpt": "Can you check the <script>x</script> rota?", "url": "/s/a/"}
    return notify([recipient], **{**defaults, **extra})


def unsubscribe_path(message) -> str:
    header = str(message["List-Unsubscribe"]).strip()
    found = re.fullmatch(r"<https://atrium\.example\.org(/notifications/unsubscribe/[^>]+/)>",
                         header)
    assert found, header
    return found.group(1)


def test_a_mention_is_mailed_at_once_to_someone_offline(smtp,
                                                        django_capture_on_commit_callbacks):
    """Offline: one multipart e-mail with the one-click unsubscribe headers."""
    author = make_user(name="Mia Member")
    person = make_user(name="Paul Person")
    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(person, actor=author)
    [message] = smtp.messages
    assert message["To"] == person.email
    assert message["Subject"] == "Mia Member mentioned you"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_path(message).startswith("/notifications/unsubscribe/")
    assert "Can you check the <script>x</script> rota?" in text_of(message)
    html = html_of(message)
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert f"https://atrium.example.org/notifications/{row.pk}/" in html
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT


def test_no_e_mail_while_online_it_waits_for_the_digest(smtp,
                                                        django_capture_on_commit_callbacks):
    """Online: nothing sent now; the row waits for the digest (if still unread then)."""
    person = make_user()
    with online(person), django_capture_on_commit_callbacks(execute=True):
        [row] = mention(person)
    assert smtp.messages == []
    row.refresh_from_db()
    assert row.email_state == EmailState.DIGEST


def test_no_immediate_e_mail_during_do_not_disturb(smtp, django_capture_on_commit_callbacks):
    """Do-not-disturb holds the urgent e-mail back."""
    person = make_user()
    person.dnd_until = timezone.now() + timedelta(hours=1)
    person.save(update_fields=["dnd_until"])
    with django_capture_on_commit_callbacks(execute=True):
        mention(person)
    assert smtp.messages == []


def test_the_same_notification_is_never_mailed_twice(smtp, django_capture_on_commit_callbacks):
    """Sending again, retrying and running the digest after an immediate e-mail send nothing."""
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(person)
        mention(person)  # the same key: no second row, no second e-mail
    assert email.send_immediate([row.pk]) == 0
    later = timezone.now() + timedelta(days=2)
    assert email.retry_stale_pending(later) == 0
    assert email.send_digests(later) == 0
    assert len(smtp.messages) == 1


def test_daily_digest_groups_unread_notifications(smtp, django_capture_on_commit_callbacks):
    """One digest with every unread, un-mailed notification; read ones are left out; once."""
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="comment", key="c1", title="First comment")
        notify([person], kind="reaction", key="r1", title="A reaction")
        [read] = notify([person], kind="comment", key="c2", title="Already seen")
    do_mark_read(person, read)
    assert smtp.messages == []
    now = timezone.now()
    assert email.send_digests(now) == 2
    [message] = smtp.messages
    body = text_of(message)
    assert "First comment" in body and "A reaction" in body and "Already seen" not in body
    assert message["Subject"] == "2 new notifications today"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.send_digests(now + timedelta(minutes=10)) == 0
    assert len(smtp.messages) == 1
    assert DigestRun.objects.get(user=person).daily_sent_at == now
    assert set(Notification.objects.filter(recipient=person)
               .values_list("email_state", flat=True)) == {EmailState.SENT, EmailState.SKIPPED}


def test_weekly_digest_waits_for_its_day(smtp, settings, django_capture_on_commit_callbacks):
    """A weekly choice is sent on the configured weekday after the hour, not before."""
    from atrium.notifications.actions import do_set_preference

    settings.NOTIFICATIONS_DIGEST_WEEKDAY = 0
    settings.NOTIFICATIONS_DIGEST_HOUR = 7
    person = make_user()
    do_set_preference(person, kind="comment", email="weekly", push=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="comment", key="w1", title="Weekly one")
    monday = timezone.localtime().replace(hour=7, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday())
    DigestRun.objects.create(user=person, weekly_sent_at=monday - timedelta(days=7, minutes=-30))
    assert email.send_digests(monday - timedelta(days=1)) == 0      # Sunday
    assert email.send_digests(monday - timedelta(minutes=1)) == 0   # Monday, before the hour
    assert smtp.messages == []
    assert email.send_digests(monday + timedelta(minutes=1)) == 1
    assert "Weekly one" in text_of(smtp.messages[0])


def test_one_click_unsubscribe_without_session_or_csrf(smtp, django_capture_on_commit_callbacks):
    """POST to the List-Unsubscribe address (no cookie, CSRF enforced) stops that kind."""
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        mention(person)
    path = unsubscribe_path(smtp.messages[0])
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    assert not Preference.objects.filter(user=person).exists()  # GET only asks
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    pref = Preference.objects.get(user=person, kind="mention", space=None)
    assert pref.email == "never" and pref.in_app and pref.push
    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(person, key="m:2")
    assert len(smtp.messages) == 1
    assert row.email_state == EmailState.SKIPPED


def test_digest_unsubscribe_stops_every_kind(smtp, django_capture_on_commit_callbacks):
    """The digest's link stops e-mail for every kind, more specific choices included."""
    from atrium.notifications.actions import do_set_preference
    from atrium.notifications.preferences import resolve

    person = make_user()
    do_set_preference(person, kind="reply", email="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="comment", key="c1", title="First comment")
    email.send_digests()
    Client().post(unsubscribe_path(smtp.messages[0]))
    assert {resolve(person.pk, k, None).email for k in ("reply", "mention", "comment")} \
        == {"never"}


@pytest.mark.parametrize("token", ["WzEsIm1lbnRpb24iXQ:1abc:forged", "nonsense", "a" * 400])
def test_a_tampered_token_is_refused(token, smtp):
    """A forged or altered token answers 400 and changes nothing."""
    person = make_user()
    from atrium.notifications.tokens import make_token

    real = make_token(person.pk, "mention")
    payload = base64.urlsafe_b64encode(f'[{person.pk + 1},"mention"]'.encode()).decode()
    someone_else = ":".join([payload.rstrip("="), *real.split(":")[1:]])
    for bad in (token, real[:-2] + "xx", someone_else):
        response = Client().post(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code in (400, 404), bad
    assert not Preference.objects.exists()


def test_e_mail_is_in_the_recipient_language(smtp, django_capture_on_commit_callbacks):
    """A French person's e-mail is rendered under French (lang="fr"), an English one's not."""
    french = make_user(language="fr")
    english = make_user(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        mention(french, key="fr")
        mention(english, key="en")
    assert '<html lang="fr">' in html_of(smtp.to(french.email)[0])
    assert '<html lang="en">' in html_of(smtp.to(english.email)[0])


def test_canary_secret_space_content_never_reaches_a_removed_person_by_e_mail(
        smtp, django_capture_on_commit_callbacks):
    """CANARY: removed from a secret space before the digest, nothing of it is mailed."""
    owner = make_user()
    person = make_user()
    secret = make_space(owner, Visibility.SECRET, "Mergers")
    do_add_member(owner, secret, person, SpaceRole.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="comment", key="s1", space=secret, module_id="feed",
               title="CANARY-TITLE", excerpt="CANARY-EXCERPT")
        notify([person], kind="comment", key="open1", title="Harmless")
    do_remove_member(owner, secret, person)
    email.send_digests()
    assert all("CANARY" not in m.as_string() for m in smtp.messages)
    assert Notification.objects.get(key="s1").email_state == EmailState.SKIPPED


def test_a_failed_send_is_retried_later_and_sent_once(smtp, settings,
                                                      django_capture_on_commit_callbacks):
    """SMTP down: the row goes back to pending; housekeeping retries it once it is up."""
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        [row] = mention(person)
    row.refresh_from_db()
    assert row.email_state == EmailState.PENDING and smtp.messages == []
    settings.EMAIL_PORT = good_port
    assert email.retry_stale_pending(timezone.now()) == 0  # too recent to retry yet
    assert email.retry_stale_pending(timezone.now() + timedelta(minutes=6)) == 1
    assert email.retry_stale_pending(timezone.now() + timedelta(minutes=12)) == 0
    assert len(smtp.messages) == 1


def test_housekeeping_runs_the_e_mail_job(smtp, django_capture_on_commit_callbacks):
    """The digest job is registered with the kernel's housekeeping."""
    from atrium.kernel import housekeeping

    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="comment", key="hk", title="Housekept")
    assert housekeeping.run_all()["notifications.email"] == 1
    assert "Housekept" in text_of(smtp.messages[0])
