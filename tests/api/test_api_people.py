"""The directory, profiles, and what the organisation's admins do to people.

Decision: guests do not browse the directory (`GET /people` answers them 403, as the UI
refuses them the directory page), but they may open the profile of someone they share a
space with (`User.objects.restrict`), and 404 for anyone else.
"""

import pytest

from atrium.kernel.models import OrgRole, User
from tests.api.conftest import matrix
from tests.factories import make_user


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=403, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_list_people(api, role, status):
    """Members and admins browse the directory of active people; guests are refused."""
    response = api.call(role, "GET", "/people?limit=100")
    assert response.status_code == status
    if status == 200:
        ids = {p["id"] for p in response.json()["items"]}
        assert api.world.member.pk in ids and api.world.guest.pk in ids
        assert api.world.deactivated.pk not in ids
    else:
        assert "error" in response.json()


def test_list_people_searches_and_pages(api):
    """`q` searches names and jobs; limit is capped at 100; offset pages through."""
    make_user(name="Zoé Cardiologue", job_title="Cardiologue")
    found = api.call("member", "GET", "/people?q=cardio").json()
    assert [p["full_name"] for p in found["items"]] == ["Zoé Cardiologue"]
    capped = api.call("member", "GET", "/people?limit=100000").json()
    assert capped["limit"] == 100
    first = api.call("member", "GET", "/people?limit=2&offset=0").json()
    second = api.call("member", "GET", "/people?limit=2&offset=2").json()
    assert first["count"] == second["count"] == User.objects.filter(is_active=True).count()
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


def test_only_admins_list_inactive_people(api):
    """`include_inactive` shows deactivated people to admins and is ignored for others."""
    dora = api.world.deactivated.pk
    as_admin = api.call("org_admin", "GET", "/people?include_inactive=true&limit=100").json()
    as_member = api.call("member", "GET", "/people?include_inactive=true&limit=100").json()
    assert dora in {p["id"] for p in as_admin["items"]}
    assert dora not in {p["id"] for p in as_member["items"]}


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_get_person(api, role, status):
    """A member's profile is open to the organisation but not to a guest sharing no space."""
    response = api.call(role, "GET", f"/people/{api.world.member.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["id"] == api.world.member.pk
        assert body["abilities"]["change_role"] is (role == "org_admin")


def test_guest_sees_the_people_of_its_spaces(api):
    """A guest opens the profile of someone it shares a space with."""
    response = api.call("guest", "GET", f"/people/{api.world.owner.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=403,
    org_admin=200, deactivated=401))
def test_change_role(api, role, status):
    """Only the organisation's admins change someone's role."""
    target = api.world.outsider if role != "outsider" else api.world.member
    response = api.call(role, "PATCH", f"/people/{target.pk}/role", {"role": "guest"})
    assert response.status_code == status
    target.refresh_from_db()
    assert (target.role == OrgRole.GUEST) is (status == 200)


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=403,
    org_admin=200, deactivated=401))
def test_deactivate(api, role, status):
    """Only the organisation's admins deactivate someone."""
    target = api.world.outsider if role != "outsider" else api.world.member
    response = api.call(role, "POST", f"/people/{target.pk}/deactivate")
    assert response.status_code == status
    target.refresh_from_db()
    assert target.is_active is (status != 200)


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=403,
    org_admin=200, deactivated=401))
def test_reactivate(api, role, status):
    """Only the organisation's admins reactivate someone."""
    target = api.world.deactivated
    response = api.call(role, "POST", f"/people/{target.pk}/reactivate")
    assert response.status_code == status
    target.refresh_from_db()
    assert target.is_active is (status == 200)


def test_last_owner_cannot_be_demoted(api):
    """The only owner stepping down answers 409 with a clear message and stays owner."""
    owner = api.world.owner
    response = api.call("owner", "PATCH", f"/people/{owner.pk}/role", {"role": "admin"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "last_owner" and "at least one owner" in error["message"]
    owner.refresh_from_db()
    assert owner.role == OrgRole.OWNER


def test_last_owner_cannot_be_deactivated(api):
    """The only owner cannot deactivate their account: 409, still active."""
    owner = api.world.owner
    response = api.call("owner", "POST", f"/people/{owner.pk}/deactivate")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_owner"
    owner.refresh_from_db()
    assert owner.is_active


def test_an_owner_may_step_down_when_another_remains(api):
    """With a second owner, the first may become an admin."""
    second = make_user(OrgRole.OWNER)
    owner = api.world.owner
    response = api.call("owner", "PATCH", f"/people/{owner.pk}/role", {"role": "admin"})
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    assert User.objects.get(pk=second.pk).role == OrgRole.OWNER


def test_admin_cannot_touch_owners_or_make_owners(api):
    """An admin cannot demote or deactivate an owner, nor promote anyone to owner: 403."""
    owner = api.world.owner.pk
    assert api.call("org_admin", "PATCH", f"/people/{owner}/role",
                    {"role": "member"}).status_code == 403
    assert api.call("org_admin", "POST", f"/people/{owner}/deactivate").status_code == 403
    assert api.call("org_admin", "PATCH", f"/people/{api.world.member.pk}/role",
                    {"role": "owner"}).status_code == 403


@pytest.mark.parametrize("body", [{}, {"role": "king"}, {"role": None}, {"role": ["admin"]},
                                  {"role": "admin", "why": "x"}])
def test_change_role_refuses_bad_input(api, body):
    """A missing, unknown or wrongly typed role answers 422."""
    response = api.call("org_admin", "PATCH", f"/people/{api.world.member.pk}/role", body)
    assert response.status_code == 422
