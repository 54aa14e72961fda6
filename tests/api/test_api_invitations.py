"""Invitations: sending, listing and revoking, for the organisation's admins only."""

import pytest
from django.core import mail
from django.test import Client

from atrium.kernel.models import Invitation
from tests.api.conftest import matrix

ADMINS_ONLY = {"anonymous": 401, "guest": 403, "outsider": 403, "reader": 403, "member": 403,
                   "space_admin": 403, "org_admin": None, "deactivated": 401}


def _invite(api, as_role="org_admin", **body):
    payload = {"email": "nouvelle@example.org", "role": "member", **body}
    return api.call(as_role, "POST", "/invitations", payload)


@pytest.mark.parametrize("role,status", matrix(**{**ADMINS_ONLY, "org_admin": 201}))
def test_invite(api, role, status, django_capture_on_commit_callbacks):
    """Only the organisation's admins invite; the answer carries the link once."""
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(api, role,
                           spaces=[{"space_id": api.world.space.pk, "role": "reader"}])
    assert response.status_code == status
    assert Invitation.objects.exists() is (status == 201)
    if status == 201:
        body = response.json()
        assert body["state"] == "pending" and body["url"].startswith("http")
        assert body["spaces"] == [{"space_id": api.world.space.pk, "name": "Cardiology",
                                   "role": "reader"}]
        assert len(mail.outbox) == 1 and body["url"] in mail.outbox[0].body


def test_invitation_link_opens_the_sign_up_page(api):
    """The link answered by the API is the one the invited person opens."""
    url = _invite(api).json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(f"/{path}").status_code == 200


@pytest.mark.parametrize("body,status,field", [
    ({"role": "guest"}, 400, "spaces"),
    ({"email": "not an address"}, 400, "email"),
    ({"email": "x" * 300 + "@example.org"}, 422, "email"),
    ({"role": "owner"}, 422, "role"),
    ({"role": "guest", "spaces": [{"space_id": "<space>", "role": "admin"}]}, 400, "spaces"),
    ({"spaces": [{"space_id": 0}]}, 422, "spaces.0.space_id"),
    ({"spaces": [{"space_id": "<personal>"}]}, 404, None),
    ({"spaces": "all"}, 422, "spaces"),
    ({"email": "<member>"}, 409, "email"),
    ({"cc": "boss@example.org"}, 422, "cc"),
])
def test_invite_refuses_bad_input(api, body, status, field):
    """Guests need a space and cannot administer one; unknown roles, bad addresses, spaces
    the admin cannot see, existing accounts: clear 4xx and nothing sent."""
    placeholders = {"<space>": api.world.space.pk,
                    "<personal>": api.world.member.personal_space.pk,
                    "<member>": api.world.member.email}
    if "spaces" in body and isinstance(body["spaces"], list):
        body = {**body, "spaces": [{**s, "space_id": placeholders.get(s["space_id"],
                                                                       s["space_id"])}
                                   for s in body["spaces"]]}
    if "email" in body:
        body = {**body, "email": placeholders.get(body["email"], body["email"])}
    response = _invite(api, **body)
    assert response.status_code == status
    assert response.json()["error"].get("field") == field
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize("role,status", matrix(**{**ADMINS_ONLY, "org_admin": 200}))
def test_list_invitations(api, role, status):
    """Only the organisation's admins list invitations."""
    sent = _invite(api).json()
    response = api.call(role, "GET", "/invitations")
    assert response.status_code == status
    if status == 200:
        listed = response.json()
        assert [i["id"] for i in listed] == [sent["id"]]
        assert "url" not in listed[0]


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=404, reader=404, member=404, space_admin=404,
    org_admin=204, deactivated=401))
def test_revoke_invitation(api, role, status):
    """Only the organisation's admins revoke; to others an invitation does not exist."""
    sent = _invite(api).json()
    response = api.call(role, "DELETE", f"/invitations/{sent['id']}")
    assert response.status_code == status
    assert Invitation.objects.get(pk=sent["id"]).state == ("revoked" if status == 204
                                                           else "pending")


def test_revoke_twice_is_a_conflict(api):
    """Revoking an invitation that is no longer pending answers 409."""
    sent = _invite(api).json()
    assert api.call("org_admin", "DELETE", f"/invitations/{sent['id']}").status_code == 204
    again = api.call("org_admin", "DELETE", f"/invitations/{sent['id']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_pending"
