"""Members of a space: list, add, change role, remove."""

import pytest

from atrium.kernel.models import SpaceMembership
from tests.api.conftest import matrix


def _role_in(space, user):
    return SpaceMembership.objects.filter(space=space, user=user).values_list(
        "role", flat=True).first()


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_list_members(api, role, status):
    """Who reads or manages the space lists its members; who only sees it gets 403."""
    response = api.call(role, "GET", f"/spaces/{api.world.space.pk}/members")
    assert response.status_code == status
    if status == 200:
        roles = {m["user_id"]: m["role"] for m in response.json()["items"]}
        assert roles[api.world.reader.pk] == "reader"
        assert roles[api.world.space_admin.pk] == "admin"
        assert response.json()["count"] == 4


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=201,
    org_admin=201, deactivated=401))
def test_add_member(api, role, status):
    """The space's admins and the organisation's admins add people."""
    response = api.call(role, "POST", f"/spaces/{api.world.space.pk}/members",
                        {"user_id": api.world.outsider.pk, "role": "reader"})
    assert response.status_code == status
    assert _role_in(api.world.space, api.world.outsider) == ("reader" if status == 201 else None)


@pytest.mark.parametrize("body,status,code", [
    ({"user_id": "member", "role": "member"}, 422, "invalid"),
    ({"user_id": 99999999999999999999}, 422, "invalid"),
    ({"user_id": -3}, 422, "invalid"),
    ({"user_id": "<member>", "role": "owner"}, 422, "invalid"),
    ({"user_id": "<member>"}, 409, "already_member"),
    ({"user_id": "<guest>", "role": "admin"}, 400, "invalid"),
    ({"user_id": "<deactivated>"}, 400, "invalid"),
    ({"user_id": 123456789}, 404, "not_found"),
])
def test_add_member_refuses_bad_input(api, body, status, code):
    """Wrong ids, roles, existing members, guests as admins, inactive accounts: clear 4xx."""
    body = dict(body)
    if isinstance(body["user_id"], str) and body["user_id"].startswith("<"):
        body["user_id"] = getattr(api.world, body["user_id"].strip("<>")).pk
    before = SpaceMembership.objects.count()
    response = api.call("space_admin", "POST", f"/spaces/{api.world.space.pk}/members", body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert SpaceMembership.objects.count() == before


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=200,
    org_admin=200, deactivated=401))
def test_change_member_role(api, role, status):
    """The admins change a member's role."""
    response = api.call(role, "PATCH",
                        f"/spaces/{api.world.space.pk}/members/{api.world.member.pk}",
                        {"role": "admin"})
    assert response.status_code == status
    assert _role_in(api.world.space, api.world.member) == ("admin" if status == 200
                                                           else "member")


def test_last_space_admin_keeps_the_role(api):
    """Demoting the only admin of a space answers 409."""
    response = api.call("space_admin", "PATCH",
                        f"/spaces/{api.world.space.pk}/members/{api.world.space_admin.pk}",
                        {"role": "member"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_admin"


def test_change_role_of_a_non_member_is_404(api):
    """A person who is not in the space is not found among its members."""
    response = api.call("space_admin", "PATCH",
                        f"/spaces/{api.world.space.pk}/members/{api.world.outsider.pk}",
                        {"role": "reader"})
    assert response.status_code == 404


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=204, member=403, space_admin=204,
    org_admin=204, deactivated=401))
def test_remove_member(api, role, status):
    """The admins remove a reader; the reader may remove themself (leave); others may not."""
    response = api.call(role, "DELETE",
                        f"/spaces/{api.world.space.pk}/members/{api.world.reader.pk}")
    assert response.status_code == status
    assert (_role_in(api.world.space, api.world.reader) is None) is (status == 204)
