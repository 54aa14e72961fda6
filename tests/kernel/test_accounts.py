"""Signing in with allauth: e-mail login, throttling and lockouts audited, sign-up policy,
password reset, required MFA."""

import pytest
from django.core import mail
from django.core.cache import cache

from atrium.kernel.models import AuditEntry, MfaPolicy, OrgRole, User
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def login(client, email, password, ip="203.0.113.5"):
    return client.post("/accounts/login/", {"login": email, "password": password},
                       REMOTE_ADDR=ip)


def test_sign_in_with_email_and_password_is_audited(client):
    """A member signs in with their e-mail address; the sign-in is in the audit log."""
    person = make_user()
    response = login(client, person.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", actor=person).exists()


def test_wrong_password_is_refused_and_audited(client):
    """A wrong password is refused with a message and recorded as a failure."""
    person = make_user()
    response = login(client, person.email, "wrong-password-123")
    assert response.status_code == 200
    assert "not correct" in response.content.decode() or "incorrect" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed").exists()


def test_repeated_failures_lock_the_account_and_the_lockout_is_audited(client):
    """After five failures on one account, even the right password is refused for a while."""
    person = make_user()
    for attempt in range(5):
        login(client, person.email, f"wrong-{attempt}-password", ip=f"203.0.113.{attempt}")
    response = login(client, person.email, PASSWORD, ip="198.51.100.7")
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_failures_from_one_ipv6_network_are_counted_together(client):
    """Addresses of one IPv6 /64 share one budget: rotating the host part does not help."""
    people = [make_user() for _ in range(11)]
    for n, person in enumerate(people[:10]):
        login(client, person.email, "wrong-password-x", ip=f"2001:db8:1:2::{n + 1}")
    response = login(client, people[10].email, PASSWORD, ip="2001:db8:1:2::ff")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_deactivated_person_cannot_sign_in(client):
    """A deactivated account is refused at sign-in."""
    owner = make_user(OrgRole.OWNER)
    person = make_user()
    from atrium.kernel.actions.people import do_deactivate_user

    do_deactivate_user(owner, person)
    login(client, person.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed_by_default(client):
    """Without an invitation nobody can create an account."""
    make_org()
    response = client.post("/accounts/signup/", {"email": "x@example.org",
                                                 "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(email="x@example.org").exists()
    assert response.status_code in (200, 403)


def test_open_sign_up_respects_allowed_domains(client):
    """With sign-up open to one domain, other domains are refused with a clear message."""
    org = make_org()
    org.signup_open = True
    org.signup_domains = "example.org"
    org.save()
    refused = client.post("/accounts/signup/", {"email": "eve@evil.test", "full_name": "Eve",
                                                "password1": PASSWORD, "password2": PASSWORD})
    assert "example.org" in refused.content.decode()
    assert not User.objects.filter(email="eve@evil.test").exists()
    client.post("/accounts/signup/", {"email": "bob@example.org", "full_name": "Bob Dupont",
                                      "password1": PASSWORD, "password2": PASSWORD})
    bob = User.objects.get(email="bob@example.org")
    assert bob.role == OrgRole.MEMBER and bob.full_name == "Bob Dupont"
    assert bob.personal_space is not None


def test_password_reset_sends_an_email_and_bad_links_are_explained(client):
    """A reset e-mail is sent for a known address; a forged link says it is invalid."""
    person = make_user()
    client.post("/accounts/password/reset/", {"email": person.email})
    assert len(mail.outbox) == 1 and person.email in mail.outbox[0].to
    response = client.get("/accounts/password/reset/key/zz-forged-key/", follow=True)
    assert "invalid" in response.content.decode().lower()


@pytest.mark.parametrize("policy,role,redirected", [
    (MfaPolicy.OPTIONAL, OrgRole.ADMIN, False),
    (MfaPolicy.ADMINS, OrgRole.ADMIN, True),
    (MfaPolicy.ADMINS, OrgRole.MEMBER, False),
    (MfaPolicy.EVERYONE, OrgRole.MEMBER, True),
])
def test_required_mfa_sends_people_to_set_it_up(client_for, policy, role, redirected):
    """When the organisation requires MFA, people without it must set it up first."""
    org = make_org()
    org.mfa_policy = policy
    org.save()
    person = make_user(role)
    response = client_for(person).get("/spaces/")
    if redirected:
        assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    else:
        assert response.status_code == 200


def test_login_page_offers_sign_up_only_when_it_is_open(client):
    """With sign-up closed, the login page explains invitations instead of a dead link."""
    org = make_org()
    closed = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in closed and "invitation" in closed
    org.signup_open = True
    org.save()
    assert "/accounts/signup/" in client.get("/accounts/login/").content.decode()
