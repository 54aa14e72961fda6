"""Profile pages: follow button, skills, manager and reports, teammates, spaces, recent
activity (never from a space the viewer cannot read), and editing skills and manager."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atrium.kernel import content
from atrium.kernel.actions.people import do_deactivate_user, do_follow, do_update_profile
from atrium.kernel.actions.spaces import do_add_member
from atrium.kernel.models import Follow, Visibility
from tests.factories import ROLES, make_space, make_user, make_world

pytestmark = pytest.mark.django_db

L, N = "302L", 404


@pytest.mark.parametrize("role,want", list(zip(ROLES, [L, N, 302, 302, 302, 302, 302, L],
                                               strict=True)))
def test_follow_button_as_every_role(client_for, role, want):
    """Whoever sees Mia's profile follows her with a POST (then back to the profile);
    a guest sharing no space gets 404; anonymous and deactivated go to the login page."""
    world = make_world()
    mia = world.member
    response = client_for(world.user(role)).post(f"/people/{mia.pk}/", {"follow": "1"})
    follows = Follow.objects.filter(followed=mia)
    if want == L:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not follows.exists()
    elif want == N:
        assert response.status_code == 404 and not follows.exists()
    else:
        assert response.status_code == 302 and response["Location"] == f"/people/{mia.pk}/"
        expected = [] if role == "member" else [world.user(role).pk]
        assert list(follows.values_list("follower_id", flat=True)) == expected


def test_follow_then_unfollow_from_the_page(client_for):
    """The button says Follow, then Unfollow with the new count, then Follow again."""
    fan, star = make_user(), make_user()
    client = client_for(fan)
    page = client.get(f"/people/{star.pk}/").content.decode()
    assert 'name="follow" value="1"' in page and "0 followers" in page
    client.post(f"/people/{star.pk}/", {"follow": "1"})
    page = client.get(f"/people/{star.pk}/").content.decode()
    assert 'name="follow" value="0"' in page and "1 follower" in page
    assert f"You now follow {star.display_name}." in page
    client.post(f"/people/{star.pk}/", {"follow": "0"})
    assert not Follow.objects.exists()
    assert client.post(f"/people/{star.pk}/", {"follow": "maybe"}).status_code == 302
    assert not Follow.objects.exists()


def test_no_follow_button_on_my_own_page_and_self_follow_refused(client_for):
    """My own profile has no Follow button; a forged POST is refused with a message."""
    me = make_user()
    client = client_for(me)
    assert 'name="follow"' not in client.get(f"/people/{me.pk}/").content.decode()
    client.post(f"/people/{me.pk}/", {"follow": "1"})
    assert "You cannot follow yourself." in client.get(f"/people/{me.pk}/").content.decode()
    assert not Follow.objects.exists()


def test_profile_shows_skills_manager_reports_and_teammates(client_for):
    """Skills link to the directory; the manager, direct reports and team are listed."""
    boss = make_user(name="Bea Boss", team="Bloc")
    mia = make_user(name="Mia Nurse", team="Bloc", skills="suture, triage",
                    languages="French, Breton")
    make_user(name="Tom Teammate", team="bloc")
    make_user(name="Ray Elsewhere", team="Pharmacie")
    do_update_profile(mia, mia, {"manager": boss})
    html = client_for(make_user()).get(f"/people/{mia.pk}/").content.decode()
    assert f'<a href="/people/{boss.pk}/">Bea Boss</a>' in html
    assert '<a class="tag" href="/people/?skill=suture">suture</a>' in html
    assert "Tom Teammate" in html and "Ray Elsewhere" not in html
    assert 'href="/people/?team=Bloc"' in html
    assert '<a href="/people/?language=Breton">Breton</a>' in html
    boss_page = client_for(make_user()).get(f"/people/{boss.pk}/").content.decode()
    assert "Direct reports" in boss_page and f'href="/people/{mia.pk}/">Mia Nurse' in boss_page


def test_spaces_never_show_a_secret_space_the_viewer_is_not_in(client_for):
    """Open and private spaces are listed, shared ones marked; a secret space only to its
    members, even the organisation's admins do not see it there."""
    owner = make_user("owner")
    mia, viewer = make_user(), make_user()
    admin = make_user("admin")
    for visibility, name in ((Visibility.OPEN, "Open Lobby"), (Visibility.PRIVATE, "Priv Ward"),
                             (Visibility.SECRET, "CANARY Secret")):
        space = make_space(owner, visibility, name)
        do_add_member(owner, space, mia)
        if visibility == Visibility.OPEN:
            do_add_member(owner, space, viewer)
    html = client_for(viewer).get(f"/people/{mia.pk}/").content.decode()
    assert "Open Lobby" in html and "Priv Ward" in html and "CANARY" not in html
    assert html.count("Shared with you") == 1
    assert "CANARY" not in client_for(admin).get(f"/people/{mia.pk}/").content.decode()
    assert "CANARY" in client_for(owner).get(f"/people/{mia.pk}/").content.decode()


def test_recent_activity_shows_only_what_the_viewer_may_read(client_for):
    """Entries of a secret or private space never reach a viewer who cannot read them."""
    world = make_world()
    author = world.member
    secret = make_space(author, Visibility.SECRET, "Hidden room")
    opened = make_space(world.owner, Visibility.OPEN, "Hall")
    do_add_member(world.owner, opened, author)
    for space, title, n in ((secret, "CANARY secret", 1), (world.space, "Private note", 2),
                            (opened, "Open note", 3)):
        content.publish(space=space, module_id="links", kind="link", object_id=9000 + n,
                        author=author, verb="added a link", title=title,
                        url="javascript:alert(1)" if n == 3 else f"/s/{space.slug}/links/")
    seen = {role: client_for(world.user(role)).get(f"/people/{author.pk}/").content.decode()
            for role in ("outsider", "reader", "org_admin", "member")}
    for role, html in seen.items():
        assert "Open note" in html, role
        assert ("CANARY" in html) is (role == "member"), role
        assert ("Private note" in html) is (role in ("reader", "member")), role
        assert "javascript:" not in html
    assert f'href="/s/{world.space.slug}/links/">Private note</a>' in seen["reader"]
    assert f'href="/feed/people/{author.pk}/"' in seen["reader"]


def test_profile_queries_do_not_grow(client_for):
    """With 2 or 12 reports, teammates, spaces and followers, the same number of queries."""
    owner = make_user("owner")
    boss = make_user(team="Bloc")
    client = client_for(make_user())

    def add(count):
        for _ in range(count):
            person = make_user(team="Bloc", skills="a, b")
            do_update_profile(person, person, {"manager": boss})
            do_follow(person, boss)
            space = make_space(owner)
            do_add_member(owner, space, boss)
            content.publish(space=space, module_id="links", kind="link",
                            object_id=person.pk, author=boss, verb="added a link",
                            title="x", url="/x/")

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/people/{boss.pk}/").status_code == 200
        return len(captured)

    add(2)
    count_queries()
    few = count_queries()
    add(10)
    assert count_queries() == few


# Editing skills and manager ----------------------------------------------------------------

def profile_post(member, **changes):
    data = {"full_name": member.full_name, "language": "", "skills": "", "manager": ""}
    data.update(changes)
    return data


def test_edit_skills_and_manager(client_for):
    """The form saves cleaned skills and the chosen manager, listed among active members."""
    mia, boss = make_user(), make_user(name="Bea Boss")
    guest = make_user("guest", name="Gus Guest")
    client = client_for(mia)
    form = client.get("/profile/").content.decode()
    assert f'<option value="{boss.pk}">Bea Boss</option>' in form
    assert "Gus Guest" not in form and "at most 20 skills" in form
    response = client.post("/profile/", profile_post(mia, skills=" a ,b, A", manager=boss.pk))
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.skills == "a, b" and mia.manager_id == boss.pk
    assert f'<option value="{boss.pk}" selected>' in client.get("/profile/").content.decode()
    assert guest.pk


@pytest.mark.parametrize("case,message", [
    ("self", "Nobody is their own manager."),
    ("guest", "A guest cannot be a manager."),
    ("cycle", "reports to this person already"),
    ("unknown", "Choose an active person of the organisation as manager."),
    ("email", "Nobody in the organisation has this address."),
    ("long_skill", "is too long (at most 40 characters)"),
    ("many_skills", "Give at most 20 skills."),
])
def test_edit_refuses_bad_skills_and_managers(client_for, case, message):
    """Each refusal shows its message next to the field (400) and changes nothing."""
    mia = make_user(team="Before")
    report = make_user()
    do_update_profile(report, report, {"manager": mia})
    guest = make_user("guest")
    manager = {"self": mia.pk, "guest": guest.pk, "cycle": report.pk, "unknown": 999999,
               "email": "nobody@example.org"}.get(case, "")
    skills = {"long_skill": "z" * 41, "many_skills": ",".join(str(n) for n in range(21))}\
        .get(case, "")
    response = client_for(mia).post("/profile/", profile_post(
        mia, manager=manager, skills=skills, team="After"))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="error" role="alert"' in html
    mia.refresh_from_db()
    assert mia.team == "Before" and mia.manager_id is None and mia.skills == ""


def test_large_organisations_name_the_manager_by_email(client_for, monkeypatch):
    """Past the list's size the manager is typed as an e-mail address."""
    from atrium.web.views import profile

    monkeypatch.setattr(profile, "MANAGER_CHOICES_MAX", 1)
    mia, boss = make_user(), make_user(email="bea.boss@example.org")
    make_user()
    client = client_for(mia)
    assert 'type="email" name="manager"' in client.get("/profile/").content.decode()
    response = client.post("/profile/", profile_post(mia, manager="BEA.boss@example.org"))
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.manager_id == boss.pk
    assert 'value="bea.boss@example.org"' in client.get("/profile/").content.decode()


def test_a_manager_who_left_is_kept_when_saving_other_fields(client_for):
    """Saving the profile keeps a manager deactivated since; choosing them anew is refused."""
    owner = make_user("owner")
    mia, boss = make_user(), make_user(name="Bea Boss")
    do_update_profile(mia, mia, {"manager": boss})
    do_deactivate_user(owner, boss)
    client = client_for(mia)
    assert f'<option value="{boss.pk}" selected>Bea Boss</option>' in \
        client.get("/profile/").content.decode()
    response = client.post("/profile/", profile_post(mia, manager=boss.pk, team="New"))
    assert response.status_code == 302
    mia.refresh_from_db()
    assert mia.team == "New" and mia.manager_id == boss.pk
    other = make_user()
    refused = client_for(other).post("/profile/", profile_post(other, manager=boss.pk))
    assert refused.status_code == 400


@pytest.mark.parametrize("whose", ["member", "deactivated"])
def test_profile_page_as_every_role(client_for, whose):
    """A profile opens to members and admins, not to a guest sharing no space; a
    deactivated person's page says so and offers no Follow button."""
    world = make_world()
    person = getattr(world, whose)
    expected = [L, N, 200, 200, 200, 200, 200, L]
    for role, want in zip(ROLES, expected, strict=True):
        response = client_for(world.user(role)).get(f"/people/{person.pk}/")
        if want == L:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            continue
        assert response.status_code == want, role
        if want == 200:
            html = response.content.decode()
            assert ("Deactivated" in html) is (whose == "deactivated"), role
            follows = 'name="follow"' in html
            assert follows is (whose == "member" and role != "member"), role


def test_recent_activity_says_what_was_done_in_the_viewers_language(client_for):
    """The stored English verb ("saved a link") reads « a enregistré un lien » in French."""
    world = make_world()
    content.publish(space=world.space, module_id="links", kind="link", object_id=9100,
                    author=world.member, verb="saved a link", title="Guide",
                    url=f"/s/{world.space.slug}/links/")
    html = client_for(world.reader).get(f"/people/{world.member.pk}/",
                                        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "a enregistré un lien" in html and "saved a link" not in html
