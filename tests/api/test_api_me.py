"""GET/PATCH /me and the personal API tokens under /me/tokens."""

import pytest

from atrium.kernel.models import ApiToken, User
from tests.api.conftest import matrix

EVERY_ACTIVE_ROLE = {"anonymous": 401, "guest": 200, "outsider": 200, "reader": 200, "member": 200,
                         "space_admin": 200, "org_admin": 200, "deactivated": 401}


@pytest.mark.parametrize("role,status", matrix(**EVERY_ACTIVE_ROLE))
def test_get_me(api, role, status):
    """Everyone signed in reads their own profile, personal space and organisation abilities."""
    response = api.call(role, "GET", "/me")
    assert response.status_code == status
    if status == 200:
        user = api.world.user(role)
        body = response.json()
        assert body["id"] == user.pk
        assert body["personal_space_id"] == user.personal_space.pk
        assert body["org_abilities"]["browse_directory"] is (role != "guest")
        assert body["org_abilities"]["manage_people"] is (role == "org_admin")


@pytest.mark.parametrize("role,status", matrix(**EVERY_ACTIVE_ROLE))
def test_patch_me(api, role, status):
    """Everyone signed in edits their own profile; only the fields sent change."""
    response = api.call(role, "PATCH", "/me", {"job_title": "Cardiologue", "language": "fr"})
    assert response.status_code == status
    if status == 200:
        user = User.objects.get(pk=api.world.user(role).pk)
        assert (user.job_title, user.language) == ("Cardiologue", "fr")
        assert user.full_name == api.world.user(role).full_name
        assert response.json()["job_title"] == "Cardiologue"


@pytest.mark.parametrize("body,field", [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "x" * 151}, "full_name"),
    ({"bio": "x" * 2001}, "bio"),
    ({"language": "de"}, "language"),
    ({"email": "new@example.org"}, "email"),
    ({"role": "owner"}, "role"),
    ({"job_title": 42}, "job_title"),
    ({"team": "a\x00b"}, "team"),
])
def test_patch_me_refuses_bad_fields(api, body, field):
    """Unknown, read-only, too long or wrongly typed fields answer 422 and change nothing."""
    before = User.objects.get(pk=api.world.member.pk)
    response = api.call("member", "PATCH", "/me", body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    after = User.objects.get(pk=api.world.member.pk)
    assert (after.full_name, after.role, after.email, after.bio) == \
        (before.full_name, before.role, before.email, before.bio)


@pytest.mark.parametrize("role,status", matrix(**EVERY_ACTIVE_ROLE))
def test_list_my_tokens(api, role, status):
    """Everyone signed in lists their own tokens, never anybody else's, never a secret."""
    response = api.call(role, "GET", "/me/tokens")
    assert response.status_code == status
    if status == 200:
        mine = set(ApiToken.objects.filter(user=api.world.user(role)).values_list("pk", flat=True))
        assert {t["id"] for t in response.json()} == mine
        assert "secret" not in response.content.decode()
        assert api.secret(role) not in response.content.decode()


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=201, outsider=201, reader=201, member=201, space_admin=201,
    org_admin=201, deactivated=401))
def test_create_token(api, role, status):
    """A new token's secret is answered once and works at once."""
    response = api.call(role, "POST", "/me/tokens", {"name": "backup script"})
    assert response.status_code == status
    if status == 201:
        secret = response.json()["secret"]
        assert secret.startswith("atr_")
        assert api.call(None, "GET", "/me", token=secret).json()["id"] == api.world.user(role).pk
        listed = api.call(role, "GET", "/me/tokens").json()
        assert all("secret" not in t for t in listed)


@pytest.mark.parametrize("body", [
    {}, {"name": ""}, {"name": "x" * 81}, {"name": "ok", "expires_at": "2000-01-01T00:00:00Z"},
    {"name": "ok", "expires_at": "2999-01-01T00:00:00"}, {"name": "ok", "expires_at": "soon"},
    {"name": "ok", "scope": "all"},
])
def test_create_token_refuses_bad_input(api, body):
    """No name, a long name, an expiry in the past or without a time zone: 4xx, no token."""
    secret = api.secret("member")
    before = ApiToken.objects.count()
    response = api.call(None, "POST", "/me/tokens", body, token=secret)
    assert response.status_code in (400, 422)
    assert "error" in response.json()
    assert ApiToken.objects.count() == before


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=404, reader=404, member=204, space_admin=404,
    org_admin=404, deactivated=401))
def test_revoke_token(api, role, status):
    """Only the owner of a token revokes it; to anybody else it does not exist."""
    secret = api.token_for(api.world.member, "laptop")
    token = ApiToken.objects.get(user=api.world.member, name="laptop")
    response = api.call(role, "DELETE", f"/me/tokens/{token.pk}")
    assert response.status_code == status
    token.refresh_from_db()
    assert (token.revoked_at is not None) is (status == 204)
    assert api.call(None, "GET", "/me", token=secret).status_code == (401 if status == 204
                                                                      else 200)
