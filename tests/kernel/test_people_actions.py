"""Roles and deactivation: the last owner stays, admins cannot touch owners, deactivation
ends every way in at once."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client, TestCase

from atrium.kernel.actions.people import do_change_role, do_deactivate_user
from atrium.kernel.actions.tokens import do_create_token, user_for_token
from atrium.kernel.errors import Conflict, Forbidden
from atrium.kernel.models import ApiToken, AuditEntry, OrgRole
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
