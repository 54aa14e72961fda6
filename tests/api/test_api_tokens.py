"""Authentication: tokens that must not work, tokens stored hashed, sessions and CSRF."""

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from atrium.kernel.actions.tokens import do_create_token, do_revoke_token
from atrium.kernel.models import ApiToken, Space
from tests.api.conftest import PREFIX


def _status(token_header: str) -> tuple[int, dict]:
    response = Client().get(f"{PREFIX}/me", HTTP_AUTHORIZATION=token_header)
    return response.status_code, response.json()


def test_revoked_token_is_refused(api):
    """A revoked token answers 401 with a JSON error."""
    token, secret = do_create_token(api.world.member, "old")
    do_revoke_token(api.world.member, token)
    status, body = _status(f"Bearer {secret}")
    assert status == 401 and body["error"]["code"] == "unauthenticated"


def test_expired_token_is_refused(api):
    """A token past its expiry answers 401."""
    token, secret = do_create_token(api.world.member, "short",
                                    expires_at=timezone.now() + timezone.timedelta(hours=1))
    assert _status(f"Bearer {secret}")[0] == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now()
                                                - timezone.timedelta(seconds=1))
    assert _status(f"Bearer {secret}")[0] == 401


def test_wrong_secret_is_refused(api):
    """The right prefix with a wrong secret answers 401."""
    _token, secret = do_create_token(api.world.member, "typo")
    assert _status(f"Bearer {secret[:-4]}abcd")[0] == 401
    assert _status(f"Bearer {secret}x")[0] == 401


@pytest.mark.parametrize("header", [
    "Bearer", "Bearer ", "Bearer atr_", "Bearer atr__", "Bearer not-a-token", "Token abc",
    "Basic dXNlcjpwYXNz", "bearer atr_" + "a" * 500, "Bearer \u00e9\u00e9", "atr_abc",
])
def test_malformed_header_is_refused(api, header):
    """Garbage in the Authorization header answers a JSON 401, never a 500."""
    status, body = _status(header)
    assert status == 401 and body["error"]["code"] == "unauthenticated"


def test_token_of_a_deactivated_person_is_refused_even_if_not_revoked(api):
    """Deactivation revokes tokens; and an unrevoked token of an inactive account still fails."""
    assert api.call("deactivated", "GET", "/me").status_code == 401
    ApiToken.objects.filter(user=api.world.deactivated).update(revoked_at=None)
    assert api.call("deactivated", "GET", "/me").status_code == 401


def test_deactivation_through_the_api_cuts_the_persons_token(api):
    """Once an admin deactivates someone, that person's token stops working."""
    assert api.call("member", "GET", "/me").status_code == 200
    response = api.call("org_admin", "POST", f"/people/{api.world.member.pk}/deactivate")
    assert response.status_code == 200
    assert api.call("member", "GET", "/me").status_code == 401


def test_secrets_are_stored_hashed(api):
    """No column of any table holds a token's secret, only its hash."""
    response = api.call("member", "POST", "/me/tokens", {"name": "ci"})
    secret = response.json()["secret"]
    body = secret.split("_", 2)[2]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert body not in repr(row), table
    assert ApiToken.objects.filter(user=api.world.member, name="ci").exists()


def test_session_client_reads_without_csrf(api, client_for):
    """A signed-in browser session reads the API."""
    response = client_for(api.world.member).get(f"{PREFIX}/me")
    assert response.status_code == 200 and response.json()["id"] == api.world.member.pk


def test_session_of_a_deactivated_person_is_refused(api, client_for):
    """A session of a deactivated account answers 401."""
    response = client_for(api.world.deactivated).get(f"{PREFIX}/me")
    assert response.status_code == 401


def test_session_write_needs_the_csrf_token(api):
    """Without the CSRF header a session's write answers a JSON 403; with it, it goes through."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(api.world.member, backend="django.contrib.auth.backends.ModelBackend")
    refused = browser.post(f"{PREFIX}/spaces", {"name": "Forged"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    assert not Space.objects.filter(name="Forged").exists()
    browser.get("/spaces/")  # sets the csrftoken cookie, as a page would
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(f"{PREFIX}/spaces", {"name": "Genuine"},
                            content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_anonymous_write_is_401_not_csrf_403(api):
    """Without any credentials a write answers 401, not a CSRF error."""
    response = Client(enforce_csrf_checks=True).post(f"{PREFIX}/spaces", {"name": "x"},
                                                     content_type="application/json")
    assert response.status_code == 401


def test_a_bad_token_is_not_rescued_by_a_session(api, client_for):
    """A wrong Bearer token answers 401 even when the browser also holds a session."""
    browser = client_for(api.world.member)
    response = browser.get(f"{PREFIX}/me", HTTP_AUTHORIZATION="Bearer atr_nope_nope")
    assert response.status_code == 401


def test_token_wins_over_session(api, client_for):
    """With a valid token and someone else's session, the token's owner is who acts."""
    browser = client_for(api.world.member)
    response = browser.get(f"{PREFIX}/me", HTTP_AUTHORIZATION=f"Bearer {api.secret('reader')}")
    assert response.json()["id"] == api.world.reader.pk
