"""Invitations: a link works once, until it expires, for the invited address only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from atrium.kernel.actions.invitations import do_accept_invitation, do_invite, do_revoke_invitation
from atrium.kernel.errors import ActionError, Conflict, Forbidden
from atrium.kernel.models import Invitation, OrgRole, SpaceRole, User
from tests.factories import PASSWORD, make_world

pytestmark = pytest.mark.django_db


def token_of(url):
    return url.rstrip("/").rsplit("/", 1)[-1]


def test_invitation_email_carries_a_link_that_works_once(client,
                                                        django_capture_on_commit_callbacks):
    """The e-mail holds the link; the guest joins with only the chosen space; reuse fails."""
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, url = do_invite(world.owner, email="Partner@Example.com",
                                     role=OrgRole.GUEST, spaces=[(world.space, SpaceRole.READER)])
    assert len(mail.outbox) == 1 and url in mail.outbox[0].body
    assert "partner@example.com" in mail.outbox[0].to
    token = token_of(url)
    assert client.get(f"/invite/{token}/").status_code == 200
    response = client.post(f"/invite/{token}/", {"full_name": "Paula Partner",
                                                 "password": PASSWORD})
    assert response.status_code == 302
    guest = User.objects.get(email="partner@example.com")
    assert guest.role == OrgRole.GUEST
    assert list(guest.space_memberships.exclude(space__personal_owner=guest)
                .values_list("space_id", "role")) == [(world.space.pk, SpaceRole.READER)]
    again = type(client)().get(f"/invite/{token}/")
    assert again.status_code == 410
    with pytest.raises(ActionError):
        do_accept_invitation(token, full_name="Mallory", password=PASSWORD)


def test_the_token_is_never_stored():
    """Only a hash of the token is in the database."""
    world = make_world()
    _invitation, url = do_invite(world.owner, email="a@example.org")
    assert not Invitation.objects.filter(token_hash=token_of(url)).exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "forged"])
def test_unusable_links_say_why_and_create_nothing(client, state):
    """Expired, revoked or forged links show a clear page and create no account."""
    world = make_world()
    invitation, url = do_invite(world.owner, email="late@example.org")
    token = token_of(url)
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now()
                                                            - timedelta(minutes=1))
    elif state == "revoked":
        do_revoke_invitation(world.owner, invitation)
    else:
        token = "forged-token"
    response = client.post(f"/invite/{token}/", {"full_name": "Late", "password": PASSWORD})
    assert response.status_code in (404, 410)
    assert "new" in response.content.decode()
    assert not User.objects.filter(email="late@example.org").exists()


def test_bad_invitations_are_refused_with_reasons():
    """Non-admins, taken addresses, guests without space and bad roles are refused."""
    world = make_world()
    with pytest.raises(Forbidden):
        do_invite(world.member, email="x@example.org")
    with pytest.raises(Conflict):
        do_invite(world.owner, email=world.member.email.upper())
    with pytest.raises(ActionError, match="at least one space"):
        do_invite(world.owner, email="g@example.org", role=OrgRole.GUEST)
    with pytest.raises(ActionError):
        do_invite(world.owner, email="g@example.org", role=OrgRole.GUEST,
                  spaces=[(world.space, SpaceRole.ADMIN)])
    with pytest.raises(ActionError):
        do_invite(world.owner, email="not an address")
    with pytest.raises(ActionError):
        do_invite(world.owner, email="o@example.org", role=OrgRole.OWNER)
    assert not Invitation.objects.exists()


def test_weak_password_on_acceptance_is_explained(client):
    """A too-short password keeps the form with a message; the link still works after."""
    world = make_world()
    _invitation, url = do_invite(world.owner, email="new@example.org")
    token = token_of(url)
    response = client.post(f"/invite/{token}/", {"full_name": "New", "password": "short"})
    assert response.status_code == 400 and "too short" in response.content.decode()
    assert client.post(f"/invite/{token}/", {"full_name": "New",
                                             "password": PASSWORD}).status_code == 302


def test_link_uses_the_address_the_inviter_uses(client_for):
    """Invited from https://atrium.example.org, the link points there, not to a default."""
    world = make_world()
    client = client_for(world.owner)
    from django.test import override_settings

    with override_settings(ALLOWED_HOSTS=["atrium.example.org"]):
        client.post("/manage/invitations/", {"email": "far@example.org", "role": "member"},
                    HTTP_HOST="atrium.example.org", secure=True)
        page = client.get("/manage/invitations/", HTTP_HOST="atrium.example.org",
                          secure=True).content.decode()
    assert "https://atrium.example.org/invite/" in page
