"""The shell's pages as every role: home, spaces, people, profiles, photo, profile editing."""

import pytest

from tests.factories import ROLES, make_world

L, N, OK = "302L", 404, 200


def expected_rows(world):
    # anonymous, guest, outsider, reader, member, space_admin, org_admin, deactivated
    return [
        ("/", [L, OK, OK, OK, OK, OK, OK, L]),
        ("/spaces/", [L, OK, OK, OK, OK, OK, OK, L]),
        ("/spaces/new/", [L, N, OK, OK, OK, OK, OK, L]),
        ("/people/", [L, N, OK, OK, OK, OK, OK, L]),
        (f"/people/{world.member.pk}/", [L, N, OK, OK, OK, OK, OK, L]),
        (f"/people/{world.owner.pk}/", [L, OK, OK, OK, OK, OK, OK, L]),
        (f"/people/{world.member.pk}/photo", [L, N, N, N, N, N, N, L]),
        ("/profile/", [L, OK, OK, OK, OK, OK, OK, L]),
        ("/people/999999/", [L, N, N, N, N, N, N, L]),
    ]


@pytest.mark.django_db
def test_shell_pages_answer_exactly_per_role(client_for):
    """Guests cannot browse the directory or create spaces; nobody sees a missing photo."""
    world = make_world()
    for url, expected in expected_rows(world):
        for role, want in zip(ROLES, expected, strict=True):
            response = client_for(world.user(role)).get(url)
            if want == L:
                assert response.status_code == 302, (url, role)
                assert "/accounts/login/" in response["Location"], (url, role)
            else:
                assert response.status_code == want, (url, role, response.status_code)


@pytest.mark.django_db
def test_guest_can_only_see_people_it_shares_a_space_with(client_for):
    """A guest sees the profile of a co-member but not of anyone else."""
    world = make_world()
    guest = client_for(world.guest)
    assert guest.get(f"/people/{world.owner.pk}/").status_code == 200
    assert guest.get(f"/people/{world.outsider.pk}/").status_code == 404


@pytest.mark.django_db
def test_directory_search_finds_by_name_team_and_language(client_for):
    """The directory finds people by any word of their name, team, job or languages."""
    from atrium.kernel.actions.people import do_update_profile

    world = make_world()
    do_update_profile(world.member, world.member, {"team": "Urgences", "languages": "Italiano"})
    client = client_for(world.outsider)
    for query in ("Mia", "urgences", "italiano", "mia urgences"):
        assert "Mia Member" in client.get("/people/", {"q": query}).content.decode(), query
    assert "Mia Member" not in client.get("/people/", {"q": "zzz"}).content.decode()
    partial = client.get("/people/", {"q": "Mia"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Mia Member" in partial


@pytest.mark.django_db
def test_space_creation_and_bad_input(client_for):
    """A member creates a space and becomes its admin; an empty name is explained."""
    world = make_world()
    client = client_for(world.member)
    bad = client.post("/spaces/new/", {"name": "", "visibility": "open"})
    assert bad.status_code == 400 and "required" in bad.content.decode()
    bad = client.post("/spaces/new/", {"name": "X", "visibility": "public"})
    assert bad.status_code == 400
    done = client.post("/spaces/new/", {"name": "Qualité & sécurité", "visibility": "secret"})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    assert "Qualité" not in client_for(world.outsider).get("/spaces/").content.decode()


@pytest.mark.django_db
def test_join_request_and_approval_flow(client_for):
    """An outsider asks to join a private space; its admin approves; the outsider reads it."""
    world = make_world()
    slug = world.space.slug
    outsider = client_for(world.outsider)
    assert outsider.get(f"/s/{slug}/members/").status_code == 404
    outsider.post(f"/s/{slug}/request/", {"message": "Je remplace le Dr Martin"})
    page = client_for(world.space_admin).get(f"/s/{slug}/members/").content.decode()
    assert "Je remplace le Dr Martin" in page
    from atrium.kernel.models import JoinRequest

    join_request = JoinRequest.objects.get()
    client_for(world.space_admin).post(f"/s/{slug}/requests/{join_request.pk}/",
                                       {"decision": "approve"})
    assert outsider.get(f"/s/{slug}/members/").status_code == 200


@pytest.mark.django_db
def test_last_space_admin_cannot_leave(client_for):
    """The only admin of a space is told to name another admin first, and stays."""
    world = make_world()
    client = client_for(world.space_admin)
    response = client.post(f"/s/{world.space.slug}/leave/", follow=True)
    assert "another admin" in response.content.decode()
    assert world.space.memberships.filter(user=world.space_admin).exists()


def test_top_bar_links_to_chat_while_it_is_on(client_for, world):
    """Signed-in people (guests too) find Chat in the top bar; switched off, it is gone."""
    from atrium.kernel.actions.modules import do_switch_instance_module

    for person in (world.member, world.guest):
        html = client_for(person).get("/spaces/").content.decode()
        assert 'href="/chat/"' in html
    html = client_for(world.member).get("/chat/").content.decode()
    assert '<a href="/chat/" aria-current="page">' in html
    do_switch_instance_module(world.owner, "chat", False)
    assert 'href="/chat/"' not in client_for(world.member).get("/spaces/").content.decode()
    assert 'href="/chat/"' not in client_for(None).get("/accounts/login/").content.decode()
