"""Spaces: list, create, read, change, join, leave, and join requests.

The world's space is private unless a test uses `open_api`.
"""

import pytest

from atrium.kernel.models import JoinRequest, Space, SpaceMembership
from tests.api.conftest import matrix


def _is_member(space, user) -> bool:
    return SpaceMembership.objects.filter(space=space, user=user).exists()


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=200, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_list_spaces(api, role, status):
    """Everyone lists what they can see: the private space for members, never for a guest."""
    response = api.call(role, "GET", "/spaces")
    assert response.status_code == status
    if status == 200:
        items = {s["id"]: s for s in response.json()["items"]}
        assert (api.world.space.pk in items) is (role != "guest")
        if role in ("reader", "member", "space_admin"):
            mine = items[api.world.space.pk]
            assert mine["my_role"] == {"space_admin": "admin"}.get(role, role)
            assert mine["abilities"]["manage"] is (role == "space_admin")
        assert not any(s["is_personal"] for s in items.values())


def test_list_spaces_mine_and_search(api):
    """`mine=true` keeps my spaces; `q` searches names."""
    mine = api.call("guest", "GET", "/spaces?mine=true").json()
    assert [s["name"] for s in mine["items"]] == ["Partners"]
    found = api.call("member", "GET", "/spaces?q=cardio").json()
    assert [s["id"] for s in found["items"]] == [api.world.space.pk]


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=403, outsider=201, reader=201, member=201, space_admin=201,
    org_admin=201, deactivated=401))
def test_create_space(api, role, status):
    """Members create spaces and become their admins; guests may not."""
    response = api.call(role, "POST", "/spaces",
                        {"name": "Night shift", "visibility": "secret", "description": "Rota"})
    assert response.status_code == status
    created = Space.objects.filter(name="Night shift").first()
    assert (created is not None) is (status == 201)
    if created:
        assert response.json()["my_role"] == "admin"
        assert created.visibility == "secret"


@pytest.mark.parametrize("body", [
    {}, {"name": ""}, {"name": "x" * 101}, {"name": "ok", "visibility": "public"},
    {"name": "ok", "description": "x" * 2001}, {"name": 12}, {"name": "ok", "owner": 1},
    ["name"], "name", None,
])
def test_create_space_refuses_bad_input(api, body):
    """Bad bodies answer 4xx with a JSON error and create nothing."""
    before = Space.objects.count()
    response = api.call("member", "POST", "/spaces", raw="null" if body is None else None,
                        body=body)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert Space.objects.count() == before


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_get_space(api, role, status):
    """A private space is seen by the organisation, not by a guest outside it."""
    response = api.call(role, "GET", f"/spaces/{api.world.space.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["abilities"]["request"] is (role in ("outsider", "org_admin"))


def test_secret_space_and_personal_space_are_404_to_outsiders(api):
    """A secret space or someone's personal space answers 404, like a missing one."""
    secret = api.call("member", "POST", "/spaces", {"name": "Board", "visibility": "secret"})
    assert api.call("outsider", "GET", f"/spaces/{secret.json()['id']}").status_code == 404
    personal = api.world.member.personal_space.pk
    assert api.call("org_admin", "GET", f"/spaces/{personal}").status_code == 404
    assert api.call("member", "GET", f"/spaces/{personal}").status_code == 200
    assert api.call("member", "GET", "/spaces/987654321").status_code == 404


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=200,
    org_admin=200, deactivated=401))
def test_update_space(api, role, status):
    """The space's admins and the organisation's admins change a space."""
    response = api.call(role, "PATCH", f"/spaces/{api.world.space.pk}",
                        {"description": "Heart care", "visibility": "open"})
    assert response.status_code == status
    space = Space.objects.get(pk=api.world.space.pk)
    assert (space.description == "Heart care") is (status == 200)
    if status == 200:
        assert response.json()["visibility"] == "open"


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=409, member=409, space_admin=409,
    org_admin=200, deactivated=401))
def test_join_open_space(open_api, role, status):
    """Anyone of the organisation joins an open space; members are told they already are."""
    response = open_api.call(role, "POST", f"/spaces/{open_api.world.space.pk}/join")
    assert response.status_code == status
    if status == 200:
        assert response.json()["my_role"] == "member"
        assert _is_member(open_api.world.space, open_api.world.user(role))


def test_private_space_cannot_be_joined_freely(api):
    """Joining a private space answers 403: ask instead."""
    response = api.call("outsider", "POST", f"/spaces/{api.world.space.pk}/join")
    assert response.status_code == 403
    assert not _is_member(api.world.space, api.world.outsider)


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=204, member=204, space_admin=409,
    org_admin=403, deactivated=401))
def test_leave_space(api, role, status):
    """Members leave; the last admin cannot (409); non-members have nothing to leave."""
    response = api.call(role, "POST", f"/spaces/{api.world.space.pk}/leave")
    assert response.status_code == status
    user = api.world.user(role)
    if user is not None and status in (204, 409):
        assert _is_member(api.world.space, user) is (status == 409)
    if status == 409:
        assert response.json()["error"]["code"] == "last_admin"


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=201, reader=403, member=403, space_admin=403,
    org_admin=201, deactivated=401))
def test_request_to_join(api, role, status):
    """Non-members of the organisation ask to join a private space once."""
    path = f"/spaces/{api.world.space.pk}/requests"
    response = api.call(role, "POST", path, {"message": "Je suis interne en cardiologie."})
    assert response.status_code == status
    if status == 201:
        assert response.json()["status"] == "pending"
        assert api.call(role, "POST", path, {}).status_code == 403


def _pending_request(api) -> JoinRequest:
    response = api.call("outsider", "POST", f"/spaces/{api.world.space.pk}/requests", {})
    assert response.status_code == 201
    return JoinRequest.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=200,
    org_admin=200, deactivated=401))
def test_list_requests(api, role, status):
    """The space's admins see pending requests."""
    pending = _pending_request(api)
    response = api.call(role, "GET", f"/spaces/{api.world.space.pk}/requests")
    assert response.status_code == status
    if status == 200:
        assert [r["id"] for r in response.json()] == [pending.pk]


@pytest.mark.parametrize("decision", ["approve", "decline"])
@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=403, reader=403, member=403, space_admin=200,
    org_admin=200, deactivated=401))
def test_decide_request(api, role, status, decision):
    """The space's admins approve (the person joins) or decline a request."""
    pending = _pending_request(api)
    response = api.call(role, "POST",
                        f"/spaces/{api.world.space.pk}/requests/{pending.pk}/{decision}")
    assert response.status_code == status
    pending.refresh_from_db()
    joined = _is_member(api.world.space, api.world.outsider)
    if status == 200:
        assert pending.status == {"approve": "approved", "decline": "declined"}[decision]
        assert joined is (decision == "approve")
    else:
        assert pending.status == "pending" and not joined


def test_request_answered_twice_or_elsewhere(api):
    """An answered request gives 409; a request id of another space or none gives 404."""
    pending = _pending_request(api)
    base = f"/spaces/{api.world.space.pk}/requests"
    assert api.call("space_admin", "POST", f"{base}/{pending.pk}/approve").status_code == 200
    again = api.call("space_admin", "POST", f"{base}/{pending.pk}/decline")
    assert again.status_code == 409 and again.json()["error"]["code"] == "decided"
    other = f"/spaces/{api.world.other_space.pk}/requests/{pending.pk}/approve"
    assert api.call("owner", "POST", other).status_code == 404
    assert api.call("space_admin", "POST", f"{base}/424242/approve").status_code == 404
