"""Roles and deactivation: the last owner stays, admins cannot touch owners, deactivation
ends every way in at once."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.http import Http404
from django.test import Client, TestCase

from atrium.kernel.actions.people import (
    do_change_role,
    do_deactivate_user,
    do_follow,
    do_unfollow,
    do_update_profile,
)
from atrium.kernel.actions.tokens import do_create_token, user_for_token
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import ApiToken, AuditEntry, Follow, OrgRole
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection(monkeypatch):
    """Channels closes database connections around each handler; in a test that would close
    the connection holding the test's transaction (PostgreSQL), so keep it open."""
    import channels.db

    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


def test_last_owner_can_never_be_demoted_or_deactivated():
    """The only owner cannot lose the role or the account; with two owners, one may go."""
    owner = make_user(OrgRole.OWNER)
    with pytest.raises((Conflict, Forbidden)):
        do_change_role(owner, owner, OrgRole.MEMBER)
    with pytest.raises((Conflict, Forbidden)):
        do_deactivate_user(owner, owner)
    second = make_user(OrgRole.OWNER)
    do_change_role(owner, second, OrgRole.ADMIN)
    second.refresh_from_db()
    assert second.role == OrgRole.ADMIN
    with pytest.raises(Forbidden):
        do_change_role(second, owner, OrgRole.MEMBER)
    owner.refresh_from_db()
    assert owner.role == OrgRole.OWNER and owner.is_active


def test_admins_cannot_touch_owners_or_make_owners():
    """An admin manages members but not owners, and cannot promote to owner."""
    make_user(OrgRole.OWNER)
    admin = make_user(OrgRole.ADMIN)
    owner2 = make_user(OrgRole.OWNER)
    person = make_user()
    with pytest.raises(Forbidden):
        do_change_role(admin, owner2, OrgRole.MEMBER)
    with pytest.raises(Forbidden):
        do_change_role(admin, person, OrgRole.OWNER)
    do_change_role(admin, person, OrgRole.ADMIN)
    person.refresh_from_db()
    assert person.role == OrgRole.ADMIN
    assert AuditEntry.objects.filter(action="user.role_changed", actor=admin).count() == 1


def test_deactivation_ends_sessions_tokens_and_sockets(keep_test_connection):
    """Deactivating someone signs out every browser, revokes tokens and closes sockets."""
    owner = make_user(OrgRole.OWNER)
    person = make_user()
    browser = Client()
    assert browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})\
        .status_code == 302
    assert browser.get("/spaces/").status_code == 200
    _token, secret = do_create_token(person, "script")
    assert user_for_token(secret) == person

    def deactivate():
        # The push happens on commit; run the commit callbacks inside the test transaction.
        with TestCase.captureOnCommitCallbacks(execute=True):
            do_deactivate_user(owner, person)

    async def deactivate_while_connected():
        from channels.db import database_sync_to_async

        from atrium.asgi import application

        cookie = f"sessionid={browser.cookies['sessionid'].value}"
        socket = WebsocketCommunicator(application, "/ws", headers=[
            (b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"),
            (b"cookie", cookie.encode())])
        connected, _ = await socket.connect()
        assert connected
        assert (await socket.receive_json_from())["type"] == "hello"
        await database_sync_to_async(deactivate)()
        closed = await socket.receive_output(timeout=3)
        await socket.disconnect()
        return closed

    closed = async_to_sync(deactivate_while_connected)()
    assert closed["type"] == "websocket.close" and closed["code"] == 4403
    response = browser.get("/spaces/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert user_for_token(secret) is None
    assert ApiToken.objects.get(user=person).revoked_at is not None
    assert AuditEntry.objects.filter(action="user.deactivated").exists()


def test_socket_from_another_origin_is_refused(keep_test_connection):
    """A page of another site cannot open a socket with the person's cookie."""
    person = make_user()
    browser = Client()
    browser.force_login(person, backend="django.contrib.auth.backends.ModelBackend")

    async def connect():
        from atrium.asgi import application

        socket = WebsocketCommunicator(application, "/ws", headers=[
            (b"origin", b"https://evil.example"), (b"host", b"127.0.0.1"),
            (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())])
        connected, _ = await socket.connect()
        await socket.disconnect()
        return connected

    assert async_to_sync(connect)() is False


# Skills and manager ------------------------------------------------------------------------

def test_skills_are_trimmed_deduplicated_and_joined():
    """Blank items and repeats in any case go; the rest is stored as "a, b, c"."""
    person = make_user()
    do_update_profile(person, person, {"skills": "  triage ,, Python;python\n budgeting "})
    person.refresh_from_db()
    assert person.skills == "triage, Python, budgeting"


@pytest.mark.parametrize("skills,code", [
    ("x" * 41, "skill_too_long"),
    (", ".join(f"s{n}" for n in range(21)), "too_many_skills"),
])
def test_bad_skills_are_refused_and_change_nothing(skills, code):
    """A skill over 40 characters or more than 20 skills: a clear error on `skills`."""
    person = make_user(skills="triage")
    with pytest.raises(ActionError) as refused:
        do_update_profile(person, person, {"skills": skills, "team": "Changed"})
    assert refused.value.code == code and refused.value.field == "skills"
    person.refresh_from_db()
    assert person.skills == "triage" and person.team == ""


def test_a_manager_is_set_by_person_or_id_and_cleared_by_nothing():
    """The manager may be given as a person or an id; 0 and None clear it."""
    person, boss = make_user(), make_user()
    do_update_profile(person, person, {"manager": boss})
    person.refresh_from_db()
    assert person.manager_id == boss.pk
    do_update_profile(person, person, {"manager_id": 0})
    person.refresh_from_db()
    assert person.manager_id is None
    do_update_profile(person, person, {"manager": boss.pk})
    do_update_profile(person, person, {"manager": None})
    person.refresh_from_db()
    assert person.manager_id is None


def test_manager_refusals():
    """Oneself, a guest, a deactivated person, a bot, an unknown id or a loop are refused,
    each with its code on the `manager` field, and the manager stays as it was."""
    owner = make_user(OrgRole.OWNER)
    person, boss = make_user(), make_user()
    do_update_profile(person, person, {"manager": boss})
    guest = make_user(OrgRole.GUEST)
    gone = make_user()
    do_deactivate_user(owner, gone)
    bot = make_user(is_bot=True)
    report = make_user()
    do_update_profile(report, report, {"manager": person})
    below = make_user()
    do_update_profile(below, below, {"manager": report})
    cases = [(person, "manager_self"), (guest, "manager_guest"), (gone, "manager_inactive"),
             (bot, "manager_inactive"), (999_999, "manager_inactive"),
             (report, "manager_cycle"), (below, "manager_cycle"), ("boss", "invalid")]
    for value, code in cases:
        with pytest.raises(ActionError) as refused:
            do_update_profile(person, person, {"manager": value})
        assert (refused.value.code, refused.value.field) == (code, "manager"), value
        person.refresh_from_db()
        assert person.manager_id == boss.pk


def test_someone_else_cannot_set_my_manager():
    """A member may not edit a colleague's manager; an admin may."""
    person, colleague, boss = make_user(), make_user(), make_user()
    admin = make_user(OrgRole.ADMIN)
    with pytest.raises(Forbidden):
        do_update_profile(colleague, person, {"manager": boss})
    do_update_profile(admin, person, {"manager": boss})
    person.refresh_from_db()
    assert person.manager_id == boss.pk


# Follow ------------------------------------------------------------------------------------

def test_follow_is_idempotent_and_notifies_once():
    """Following twice keeps one row and one "follow" notification; unfollowing removes it."""
    from atrium.notifications.models import Notification

    fan, star = make_user(), make_user()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert do_follow(fan, star) is True
        assert do_follow(fan, star) is False
    assert Follow.objects.filter(follower=fan, followed=star).count() == 1
    notes = Notification.objects.filter(recipient=star, kind="follow")
    assert notes.count() == 1
    assert fan.display_name in notes.get().title
    assert notes.get().url == f"/people/{fan.pk}/"
    assert do_unfollow(fan, star) is True
    assert do_unfollow(fan, star) is False
    assert not Follow.objects.filter(follower=fan, followed=star).exists()


def test_follow_refusals():
    """Nobody follows themselves or a deactivated person; a guest cannot follow someone it
    does not see; a deactivated account follows nobody."""
    owner = make_user(OrgRole.OWNER)
    fan, gone, stranger = make_user(), make_user(), make_user()
    do_deactivate_user(owner, gone)
    guest = make_user(OrgRole.GUEST)
    with pytest.raises(ActionError) as refused:
        do_follow(fan, fan)
    assert refused.value.code == "follow_self"
    with pytest.raises(ActionError) as refused:
        do_follow(fan, gone)
    assert refused.value.code == "inactive"
    with pytest.raises(Http404):
        do_follow(guest, stranger)
    with pytest.raises(Http404):
        do_follow(gone, stranger)
    assert not Follow.objects.exists()


def test_unfollow_works_for_a_deactivated_person():
    """Someone who left can still be unfollowed."""
    owner = make_user(OrgRole.OWNER)
    fan, star = make_user(), make_user()
    do_follow(fan, star)
    do_deactivate_user(owner, star)
    assert do_unfollow(fan, star) is True
    assert not Follow.objects.exists()
