"""The admin's modules and security pages."""

import pytest

from atrium.kernel.models import AuditEntry, MfaPolicy, Organisation


@pytest.mark.django_db
def test_switching_a_module_off_hides_it_everywhere(client_for, world):
    """A module switched off answers 404 in every space and leaves the space's tabs;
    switching it on brings both back."""
    admin = client_for(world.org_admin)
    member = client_for(world.member)
    links = f"/s/{world.space.slug}/links/"
    assert member.get(links).status_code == 200
    assert f'href="{links}"' in member.get(f"/s/{world.space.slug}/").content.decode()

    response = admin.post("/manage/modules/links/", {"enabled": "0"})
    assert response.status_code == 302 and response["Location"] == "/manage/modules/"
    assert "switched off everywhere" in admin.get("/manage/modules/").content.decode()
    assert member.get(links).status_code == 404
    assert f'href="{links}"' not in member.get(f"/s/{world.space.slug}/").content.decode()
    assert AuditEntry.objects.filter(action="module.switched", data__enabled=False).exists()

    admin.post("/manage/modules/links/", {"enabled": "on"})
    assert member.get(links).status_code == 200


@pytest.mark.django_db
def test_modules_page_shows_each_module_and_its_switch(client_for, world):
    """Each registered module is listed with its description and the button that flips it."""
    admin = client_for(world.org_admin)
    html = admin.get("/manage/modules/").content.decode()
    assert "Bookmarks of a space, with previews" in html
    assert 'action="/manage/modules/links/"' in html and 'name="enabled" value="0"' in html
    admin.post("/manage/modules/links/", {})
    assert 'name="enabled" value="1"' in admin.get("/manage/modules/").content.decode()


@pytest.mark.django_db
def test_unknown_module_is_404(client_for, world):
    """Switching a module that does not exist answers 404."""
    assert client_for(world.org_admin).post("/manage/modules/nope/",
                                            {"enabled": "1"}).status_code == 404


@pytest.mark.django_db
def test_security_settings_are_saved(client_for, world):
    """Name, open sign-up, domains and the MFA policy are saved and audited."""
    admin = client_for(world.org_admin)
    html = admin.get("/manage/security/").content.decode()
    assert 'name="signup_open"' in html and 'name="mfa_policy"' in html
    assert "people join only through an invitation" in html
    response = admin.post("/manage/security/", {
        "name": "Clinique du Lac", "signup_open": "on",
        "signup_domains": "Example.org, @example.fr", "mfa_policy": MfaPolicy.OPTIONAL})
    assert response.status_code == 302
    org = Organisation.current()
    assert (org.name, org.signup_open, org.signup_domains) == (
        "Clinique du Lac", True, "example.org, example.fr")
    assert AuditEntry.objects.filter(action="org.settings_changed").exists()
    admin.post("/manage/security/", {"name": "Clinique du Lac", "mfa_policy": "optional"})
    assert Organisation.current().signup_open is False


@pytest.mark.django_db
def test_requiring_mfa_for_everyone_sends_people_to_set_it_up(client_for, world):
    """With MFA required for everyone, a member without it is sent to the MFA page."""
    client_for(world.owner).post("/manage/security/", {"name": "X", "mfa_policy": "everyone"})
    assert Organisation.current().mfa_policy == MfaPolicy.EVERYONE
    response = client_for(world.member).get("/spaces/")
    assert response.status_code == 302 and "required=1" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "mfa_policy": "optional"}, "This field is required."),
    ({"name": "   ", "mfa_policy": "optional"}, "This field is required."),
    ({"name": "X", "mfa_policy": "sometimes"}, "Select a valid choice."),
    ({"name": "X", "mfa_policy": "optional", "signup_domains": "example.org, not a domain"},
     "not a domain is not a domain name."),
])
def test_bad_security_settings_change_nothing(client_for, world, data, message):
    """Invalid settings re-show the form with the reason and change nothing."""
    before = Organisation.current().name
    response = client_for(world.org_admin).post("/manage/security/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Organisation.current().name == before
