"""The admin's people pages: search, filters, roles, deactivation and reactivation."""

import pytest

from atrium.kernel.actions.tokens import do_create_token
from atrium.kernel.models import ApiToken, AuditEntry, OrgRole, User
from tests.factories import make_user


def _role(user):
    return User.objects.get(pk=user.pk).role


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("?q=mia", ["Mia Member"], ["Otto Outsider"]),
    ("?q={owner_email}", ["Olivia Owner"], ["Mia Member"]),
    ("?q=cardio-team", ["Tina Team"], ["Mia Member"]),
    ("?role=guest", ["Gaby Guest"], ["Mia Member", "Olivia Owner"]),
    ("?state=deactivated", ["Dora Deactivated"], ["Mia Member"]),
    ("?state=active&role=member", ["Mia Member"], ["Dora Deactivated", "Adam Admin"]),
])
def test_people_search_and_filters(client_for, world, query, shown, hidden):
    """Search covers name, e-mail and team; role and account filters narrow the table."""
    make_user(name="Tina Team", team="Cardio-team")
    query = query.format(owner_email=world.owner.email)
    page = client_for(world.org_admin).get("/manage/people/" + query).content.decode()
    html = page[page.index('id="people-table"'):]
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html


@pytest.mark.django_db
def test_people_table_is_paginated(client_for, world):
    """Fifty people per page, the filters kept in the next-page link."""
    for n in range(55):
        make_user(name=f"Zed Bulk {n:02d}")
    client = client_for(world.org_admin)
    first = client.get("/manage/people/?q=bulk").content.decode()
    assert "Zed Bulk 49" in first and "Zed Bulk 50" not in first
    assert "?q=bulk&amp;page=2" in first
    second = client.get("/manage/people/?q=bulk&page=2").content.decode()
    assert "Zed Bulk 50" in second and "Zed Bulk 49" not in second


@pytest.mark.django_db
def test_people_htmx_answers_the_table_only(client_for, world):
    """A live search through htmx gets the table fragment, not the whole page."""
    response = client_for(world.org_admin).get("/manage/people/?q=mia", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Mia Member" in html and "<html" not in html


@pytest.mark.django_db
def test_people_bad_filter_is_a_clear_400(client_for, world):
    """An unknown role in the query string is reported, never a 500."""
    response = client_for(world.org_admin).get("/manage/people/?role=emperor")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_admin_changes_a_role(client_for, world):
    """An admin makes a member an admin; the change is audited."""
    client = client_for(world.org_admin)
    response = client.post(f"/manage/people/{world.member.pk}/", {"role": OrgRole.ADMIN})
    assert response.status_code == 302
    assert _role(world.member) == OrgRole.ADMIN
    assert "is now admin" in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="user.role_changed",
                                     target_id=str(world.member.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "person", "role", "status", "message"), [
    ("org_admin", "member", OrgRole.OWNER, 403, "Only an owner can make someone an owner."),
    ("org_admin", "owner", OrgRole.MEMBER, 403, "You may not change this person"),
    ("owner", "owner", OrgRole.MEMBER, 409, "The organisation must keep at least one owner."),
    ("org_admin", "org_admin", OrgRole.MEMBER, 403, "You may not change this person"),
    ("owner", "member", "emperor", 400, "Unknown role."),
])
def test_role_change_refusals(client_for, world, actor, person, role, status, message):
    """Refused role changes say why and change nothing: the last owner stays owner."""
    target = getattr(world, person)
    before = _role(target)
    response = client_for(getattr(world, actor)).post(
        f"/manage/people/{target.pk}/", {"action": "role", "role": role})
    assert response.status_code == status
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _role(target) == before


@pytest.mark.django_db
def test_owner_names_another_owner(client_for, world):
    """Only an owner can make someone an owner."""
    response = client_for(world.owner).post(f"/manage/people/{world.member.pk}/",
                                            {"action": "role", "role": OrgRole.OWNER})
    assert response.status_code == 302
    assert _role(world.member) == OrgRole.OWNER


@pytest.mark.django_db
def test_own_page_explains_why_it_cannot_be_changed(client_for, world):
    """On their own page, admins see an explanation instead of the role and deactivate forms."""
    html = client_for(world.org_admin).get(f"/manage/people/{world.org_admin.pk}/")
    html = html.content.decode()
    assert "Only an owner can change your role" in html
    assert 'value="deactivate"' not in html and 'name="role"' not in html


@pytest.mark.django_db
def test_the_last_owner_cannot_leave(client_for, world):
    """The only owner can neither step down nor deactivate themselves, and is told why."""
    client = client_for(world.owner)
    assert "This is your own account" in client.get(
        f"/manage/people/{world.owner.pk}/").content.decode()
    response = client.post(f"/manage/people/{world.owner.pk}/", {"action": "deactivate"})
    assert response.status_code == 409
    assert "The organisation must keep at least one owner." in response.content.decode()
    assert User.objects.get(pk=world.owner.pk).is_active


@pytest.mark.django_db
def test_an_owner_steps_down_when_another_remains(client_for, world):
    """With a second owner, an owner may step down and is taken out of the admin area."""
    client = client_for(world.owner)
    client.post(f"/manage/people/{world.org_admin.pk}/", {"role": OrgRole.OWNER})
    response = client.post(f"/manage/people/{world.owner.pk}/", {"role": OrgRole.MEMBER})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _role(world.owner) == OrgRole.MEMBER
    assert client.get("/manage/").status_code == 404


@pytest.mark.django_db
def test_deactivation_ends_sessions_and_tokens(client_for, world):
    """Deactivating signs the person out everywhere and revokes their tokens, for good."""
    member_client = client_for(world.member)
    assert member_client.get("/spaces/").status_code == 200
    _token, secret = do_create_token(world.member, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client_for(None).get("/api/v1/me", **auth).status_code == 200
    admin = client_for(world.org_admin)
    page = admin.get(f"/manage/people/{world.member.pk}/").content.decode()
    assert "signs them out of every device" in page
    response = admin.post(f"/manage/people/{world.member.pk}/", {"action": "deactivate"})
    assert response.status_code == 302
    assert not User.objects.get(pk=world.member.pk).is_active
    assert not ApiToken.objects.filter(user=world.member, revoked_at__isnull=True).exists()
    denied = member_client.get("/spaces/")
    assert denied.status_code == 302 and denied["Location"].startswith("/accounts/login/")
    assert client_for(None).get("/api/v1/me", **auth).status_code == 401
    # Reactivating does not bring the old session or token back.
    assert admin.post(f"/manage/people/{world.member.pk}/",
                      {"action": "reactivate"}).status_code == 302
    assert User.objects.get(pk=world.member.pk).is_active
    assert member_client.get("/spaces/").status_code == 302
    assert client_for(None).get("/api/v1/me", **auth).status_code == 401


@pytest.mark.django_db
def test_admin_cannot_deactivate_an_owner(client_for, world):
    """An admin's attempt to deactivate an owner is refused with a message."""
    response = client_for(world.org_admin).post(f"/manage/people/{world.owner.pk}/",
                                                {"action": "deactivate"})
    assert response.status_code == 403
    assert "You may not deactivate this person." in response.content.decode()
    assert User.objects.get(pk=world.owner.pk).is_active


@pytest.mark.django_db
def test_reactivation_page_and_unknown_action(client_for, world):
    """A deactivated person's page offers reactivation; an unknown action is a clear 400."""
    client = client_for(world.org_admin)
    html = client.get(f"/manage/people/{world.deactivated.pk}/").content.decode()
    assert 'value="reactivate"' in html and 'value="deactivate"' not in html
    response = client.post(f"/manage/people/{world.member.pk}/", {"action": "explode"})
    assert response.status_code == 400
    assert "Unknown action." in response.content.decode()


@pytest.mark.django_db
def test_unknown_person_is_404(client_for, world):
    """A person id that does not exist answers 404."""
    assert client_for(world.org_admin).get("/manage/people/999999/").status_code == 404
