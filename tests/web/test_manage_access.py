"""Who may open the admin area: every page and every form, for every role."""

import pytest

from atrium.kernel.actions.invitations import do_invite
from atrium.kernel.models import Invitation, Organisation, OrgRole, User
from tests.factories import ROLES, make_world

ALL_ROLES = [*ROLES, "owner"]
ADMINS = {"org_admin", "owner"}
# Signed out, or signed in with a deactivated account (which counts as signed out).
SIGNED_OUT = {"anonymous", "deactivated"}

GET_URLS = ["/manage/", "/manage/people/", "/manage/people/{member}/", "/manage/invitations/",
            "/manage/invitations/?state=pending", "/manage/modules/", "/manage/security/",
            "/manage/audit/", "/manage/audit/?action=user.created", "/manage/audit.csv"]


def expected(role: str, success: int) -> int:
    if role in SIGNED_OUT:
        return 302
    return success if role in ADMINS else 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("url", GET_URLS)
def test_get_admin_pages(client_for, role, url):
    """Admins get every admin page; others a 404; the signed-out are sent to sign in."""
    world = make_world()
    url = url.format(member=world.member.pk)
    response = client_for(world.user(role)).get(url)
    assert response.status_code == expected(role, 200)
    if role in SIGNED_OUT:
        assert response["Location"].startswith("/accounts/login/?next=")


def _posts(world):
    """(url, data, check that the change happened) for every admin form."""
    invitation, _url = do_invite(world.owner, email="pending@example.net")
    org = Organisation.current()
    return [
        ("/manage/people/{member}/", {"action": "role", "role": OrgRole.ADMIN},
         lambda: User.objects.get(pk=world.member.pk).role == OrgRole.ADMIN),
        ("/manage/people/{member}/", {"action": "deactivate"},
         lambda: not User.objects.get(pk=world.member.pk).is_active),
        ("/manage/invitations/", {"email": "new@example.net", "role": OrgRole.MEMBER},
         lambda: Invitation.objects.filter(email="new@example.net").exists()),
        (f"/manage/invitations/{invitation.pk}/revoke/", {},
         lambda: Invitation.objects.get(pk=invitation.pk).state == "revoked"),
        ("/manage/modules/links/", {"enabled": "0"},
         lambda: "links" not in [m for m, on in _module_states().items() if on]),
        ("/manage/security/", {"name": "Renamed", "mfa_policy": "optional"},
         lambda: Organisation.objects.get(pk=org.pk).name == "Renamed"),
    ]


def _module_states():
    from atrium.kernel.modules import instance_states

    return instance_states()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("index", range(6))
def test_post_admin_forms(client_for, role, index):
    """Admins' forms succeed and redirect; nobody else changes anything."""
    world = make_world()
    url, data, changed = _posts(world)[index]
    response = client_for(world.user(role)).post(url.format(member=world.member.pk), data)
    assert response.status_code == expected(role, 302)
    assert changed() == (role in ADMINS)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/manage/modules/links/",
                                 "/manage/invitations/1/revoke/"])
def test_post_only_urls_refuse_get(client_for, url):
    """An admin opening a form's target with GET gets 405, not a page."""
    world = make_world()
    assert client_for(world.org_admin).get(url).status_code == 405


@pytest.mark.django_db
def test_admin_forms_need_the_csrf_token(world):
    """A cross-site POST without the CSRF token is refused before anything changes."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.org_admin, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(f"/manage/people/{world.member.pk}/", {"action": "deactivate"})
    assert response.status_code == 403
    assert User.objects.get(pk=world.member.pk).is_active


@pytest.mark.django_db
def test_admin_link_shown_only_to_admins(client_for, world):
    """The Administration entry of the top bar appears for admins only."""
    assert 'href="/manage/"' in client_for(world.org_admin).get("/").content.decode()
    assert 'href="/manage/"' not in client_for(world.member).get("/").content.decode()
