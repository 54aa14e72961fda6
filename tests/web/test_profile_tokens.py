"""Personal API tokens in the profile: created with the secret shown once, listed, revoked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from atrium.kernel.actions.tokens import do_create_token
from atrium.kernel.models import ApiToken
from tests.factories import ROLES

SECRET = re.compile(r'id="new-token"[^>]*>([^<]+)<')


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "owner"])
def test_tokens_page_for_every_role(client_for, world, role):
    """Every signed-in person has a tokens page; the signed-out are sent to sign in."""
    response = client_for(world.user(role)).get("/profile/tokens/")
    if role in ("anonymous", "deactivated"):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 200


@pytest.mark.django_db
def test_create_token_shows_the_secret_once_and_it_works(client_for, world):
    """The new secret is shown once with a copy button, and authenticates API calls."""
    client = client_for(world.guest)
    expiry = timezone.localdate() + timedelta(days=30)
    response = client.post("/profile/tokens/", {"name": "Backup script", "expires": expiry})
    assert response.status_code == 302 and response["Location"] == "/profile/tokens/"
    page = client.get("/profile/tokens/").content.decode()
    secret = SECRET.search(page).group(1).strip()
    assert 'data-copy="new-token"' in page
    assert secret.startswith("atr_")
    again = client.get("/profile/tokens/").content.decode()
    assert "new-token" not in again and secret not in again
    token = ApiToken.objects.get(user=world.guest)
    assert token.name == "Backup script"
    assert timezone.localtime(token.expires_at).date() == expiry
    assert f"atr_{token.prefix}_" in again and "Active" in again
    me = client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200


@pytest.mark.django_db
def test_revoking_a_token_stops_it(client_for, world):
    """A revoked token is marked so and no longer authenticates."""
    token, secret = do_create_token(world.member, "ci")
    client = client_for(world.member)
    response = client.post(f"/profile/tokens/{token.pk}/revoke/", follow=True)
    assert "revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    me = client_for(None).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 401
    assert f'action="/profile/tokens/{token.pk}/revoke/"' not in client.get(
        "/profile/tokens/").content.decode()


@pytest.mark.django_db
def test_nobody_revokes_or_sees_someone_elses_token(client_for, world):
    """Another person's token is invisible and answers 404, even to an owner."""
    token, _secret = do_create_token(world.member, "private script")
    owner = client_for(world.owner)
    assert "private script" not in owner.get("/profile/tokens/").content.decode()
    assert owner.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert client_for(world.member).get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 81}, "Ensure this value has at most 80 characters"),
    ({"name": "old", "expires": "2001-01-01"}, "The expiry date must be in the future."),
    ({"name": "bad", "expires": "someday"}, "Enter a valid date."),
])
def test_bad_token_forms_are_refused(client_for, world, data, message):
    """Invalid names and dates re-show the form with the reason; no token is created."""
    response = client_for(world.member).post("/profile/tokens/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.filter(user=world.member).exists()


@pytest.mark.django_db
def test_expired_tokens_are_shown_as_expired(client_for, world):
    """A token past its expiry is listed as expired, without a revoke button."""
    token, _secret = do_create_token(world.member, "short-lived",
                                     timezone.now() + timedelta(seconds=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    html = client_for(world.member).get("/profile/tokens/").content.decode()
    assert "Expired" in html
    assert f'action="/profile/tokens/{token.pk}/revoke/"' not in html
