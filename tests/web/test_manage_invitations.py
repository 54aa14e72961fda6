"""Inviting people from the admin area: the link shown once, acceptance, refusals, revoking."""

import re

import pytest

from atrium.kernel.actions.invitations import do_invite
from atrium.kernel.models import Invitation, OrgRole, SpaceMembership, SpaceRole, User
from tests.factories import PASSWORD

LINK = re.compile(r'id="invitation-link"[^>]*>([^<]+)<')


def _invite(client, **data):
    return client.post("/manage/invitations/", data)


@pytest.mark.django_db
def test_invited_guest_joins_only_the_chosen_space(client_for, world,
                                                   django_capture_on_commit_callbacks):
    """Invite a guest into one space: the link is shown once, and accepting it creates a guest
    who belongs to that space alone, with the chosen role."""
    admin = client_for(world.org_admin)
    space = world.other_space
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(admin, email="Ext.Partner@Example.net", role=OrgRole.GUEST,
                           spaces=[space.pk], **{f"space_role_{space.pk}": SpaceRole.READER},
                           message="Welcome aboard")
    assert response.status_code == 302 and response["Location"] == "/manage/invitations/"
    page = admin.get("/manage/invitations/").content.decode()
    link = LINK.search(page).group(1).strip()
    assert 'data-copy="invitation-link"' in page
    assert "/invite/" in link
    assert "invitation-link" not in admin.get("/manage/invitations/").content.decode()
    from django.core import mail

    assert [m.to for m in mail.outbox] == [["ext.partner@example.net"]]
    assert link in mail.outbox[0].body

    visitor = client_for(None)
    path = link[link.index("/invite/"):]
    assert visitor.get(path).status_code == 200
    response = visitor.post(path, {"full_name": "Erin External", "password": PASSWORD})
    assert response.status_code == 302
    guest = User.objects.get(email="ext.partner@example.net")
    assert guest.role == OrgRole.GUEST
    memberships = SpaceMembership.objects.filter(user=guest, space__personal_owner__isnull=True)
    assert [(m.space_id, m.role) for m in memberships] == [(space.pk, SpaceRole.READER)]
    assert visitor.get(f"/s/{space.slug}/").status_code == 200
    assert visitor.get(f"/s/{world.space.slug}/").status_code == 404
    listed = admin.get("/manage/invitations/?state=accepted").content.decode()
    assert "ext.partner@example.net" in listed and "Accepted" in listed


@pytest.mark.django_db
def test_form_lists_only_shared_spaces_with_a_role_each(client_for, world):
    """The form offers every non-personal space, each with its own role select."""
    html = client_for(world.org_admin).get("/manage/invitations/").content.decode()
    for space in (world.space, world.other_space):
        assert f'name="spaces" value="{space.pk}"' in html
        assert f'name="space_role_{space.pk}"' in html
    personal = world.member.personal_space
    assert f'name="spaces" value="{personal.pk}"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "status", "message"), [
    ({"email": "not-an-address", "role": "member"}, 400, "Enter a valid email address."),
    ({"email": "", "role": "member"}, 400, "This field is required."),
    ({"email": "{taken}", "role": "member"}, 409, "already has an account"),
    ({"email": "g@example.net", "role": "guest"}, 400,
     "Choose at least one space the guest will see."),
    ({"email": "g@example.net", "role": "guest", "spaces": "{space}",
      "space_role_{space}": "admin"}, 400, "A guest cannot administer a space"),
    ({"email": "g@example.net", "role": "owner"}, 400, "Select a valid choice."),
    ({"email": "g@example.net", "role": "member", "spaces": "{space}",
      "space_role_{space}": "emperor"}, 400, "Choose a role in"),
])
def test_bad_invitations_are_refused_clearly(client_for, world, data, status, message):
    """Bad or impossible invitations re-show the form with the reason; none is created."""
    values = {"taken": world.member.email.upper(), "space": world.space.pk}
    data = {k.format(**values): v.format(**values) for k, v in data.items()}
    response = _invite(client_for(world.org_admin), **data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert 'id="invitation-link"' not in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_revoking_an_invitation_kills_its_link(client_for, world):
    """A revoked invitation's link no longer works; revoking twice says why."""
    invitation, url = do_invite(world.owner, email="late@example.net")
    admin = client_for(world.org_admin)
    assert admin.post(f"/manage/invitations/{invitation.pk}/revoke/").status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).state == "revoked"
    assert client_for(None).get(url[url.index("/invite/"):]).status_code == 410
    again = admin.post(f"/manage/invitations/{invitation.pk}/revoke/", follow=True)
    assert "no longer pending" in again.content.decode()
    assert admin.post("/manage/invitations/999999/revoke/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "shown", "hidden"), [
    ("pending", "pending@example.net", "revoked@example.net"),
    ("revoked", "revoked@example.net", "pending@example.net"),
    ("", "pending@example.net", "nobody@example.net"),
])
def test_invitations_filtered_by_state(client_for, world, state, shown, hidden):
    """The list shows each invitation's state and filters on it."""
    do_invite(world.owner, email="pending@example.net")
    revoked, _url = do_invite(world.owner, email="revoked@example.net")
    client_for(world.owner).post(f"/manage/invitations/{revoked.pk}/revoke/")
    html = client_for(world.org_admin).get(f"/manage/invitations/?state={state}")
    html = html.content.decode()
    assert shown in html and hidden not in html
    if not state:
        assert "Olivia Owner" in html and "Revoked" in html and "Pending" in html
