"""Follow through the API, the directory's filters, and skills and manager in profiles.

Follow rules: anyone who may open a profile may follow that person (a guest only the
people it shares a space with, 404 otherwise), never themselves nor a deactivated person
(400); unfollowing always answers 200.
"""

import pytest

from atrium.kernel.actions.people import do_deactivate_user, do_follow, do_update_profile
from atrium.kernel.models import Follow, OrgRole
from tests.api.conftest import matrix
from tests.factories import make_user


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=200, member=400, space_admin=200,
    org_admin=200, deactivated=401))
def test_follow(api, role, status):
    """Following Mia: everyone who sees her may, not herself (400) nor a stranger guest."""
    mia = api.world.member
    response = api.call(role, "PUT", f"/people/{mia.pk}/follow")
    assert response.status_code == status
    follows = Follow.objects.filter(followed=mia)
    if status == 200:
        assert response.json() == {"person_id": mia.pk, "following": True, "followers": 1}
        assert follows.get().follower == api.world.user(role)
    else:
        assert "error" in response.json() and not follows.exists()
    if status == 400:
        assert response.json()["error"]["code"] == "follow_self"


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
def test_unfollow(api, role, status):
    """Unfollowing answers 200 (whether or not one followed) to whoever sees the person."""
    mia = api.world.member
    for fan in (api.world.outsider, api.world.org_admin):
        do_follow(fan, mia)
    response = api.call(role, "DELETE", f"/people/{mia.pk}/follow")
    assert response.status_code == status
    left = set(Follow.objects.filter(followed=mia).values_list("follower_id", flat=True))
    if status == 200:
        assert response.json()["following"] is False
        assert response.json()["followers"] == len(left)
        assert api.world.user(role).pk not in left
    else:
        assert left == {api.world.outsider.pk, api.world.org_admin.pk}


def test_following_twice_or_a_deactivated_person(api):
    """A second PUT changes nothing; a deactivated person cannot be followed (400)."""
    mia = api.world.member
    assert api.call("outsider", "PUT", f"/people/{mia.pk}/follow").status_code == 200
    again = api.call("outsider", "PUT", f"/people/{mia.pk}/follow")
    assert again.status_code == 200 and again.json()["followers"] == 1
    gone = api.call("outsider", "PUT", f"/people/{api.world.deactivated.pk}/follow")
    assert gone.status_code == 400 and gone.json()["error"]["code"] == "inactive"
    assert api.call("outsider", "PUT", "/people/999999/follow").status_code == 404
    assert api.call("outsider", "PUT", "/people/0/follow").status_code == 422


def test_a_guest_follows_a_co_member(api):
    """A guest may follow someone it shares a space with."""
    owner = api.world.owner
    response = api.call("guest", "PUT", f"/people/{owner.pk}/follow")
    assert response.status_code == 200 and response.json()["following"] is True


@pytest.mark.parametrize("role,status", matrix(
    anonymous=401, guest=404, outsider=200, reader=200, member=200, space_admin=200,
    org_admin=200, deactivated=401))
@pytest.mark.parametrize("which", ["followers", "following"])
def test_follow_lists(api, role, status, which):
    """Followers and following lists open to whoever sees the person; active people only."""
    mia = api.world.member
    fan, star = api.world.reader, api.world.space_admin
    do_follow(fan, mia)
    do_follow(mia, star)
    left = make_user()
    do_follow(left, mia)
    do_deactivate_user(api.world.owner, left)
    response = api.call(role, "GET", f"/people/{mia.pk}/{which}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        expected = fan if which == "followers" else star
        assert body["count"] == 1 and [p["id"] for p in body["items"]] == [expected.pk]
        assert body["items"][0]["display_name"] == expected.display_name


def test_a_guest_sees_only_co_members_among_followers(api):
    """In a co-member's followers, a guest sees only people it shares a space with."""
    owner = api.world.owner
    do_follow(api.world.member, owner)
    do_follow(api.world.org_admin, owner)
    body = api.call("guest", "GET", f"/people/{owner.pk}/followers").json()
    assert body["items"] == [] and body["count"] == 0
    assert api.call("member", "GET", f"/people/{owner.pk}/followers").json()["count"] == 2


def test_profile_has_skills_manager_reports_and_follow_counts(api):
    """GET /people/{id}: skills as a list, the manager, direct reports and follow state."""
    mia, boss = api.world.member, api.world.space_admin
    do_update_profile(mia, mia, {"skills": "triage, Python", "manager": boss})
    do_follow(api.world.reader, mia)
    body = api.call("reader", "GET", f"/people/{mia.pk}").json()
    assert body["skills"] == ["triage", "Python"]
    assert body["manager"] == {"id": boss.pk, "display_name": boss.display_name}
    assert body["followers"] == 1 and body["following"] == 0 and body["followed_by_me"]
    boss_body = api.call("reader", "GET", f"/people/{boss.pk}").json()
    assert boss_body["reports"] == [{"id": mia.pk, "display_name": mia.display_name}]
    assert boss_body["manager"] is None and not boss_body["followed_by_me"]


def test_a_guest_does_not_see_a_manager_outside_its_spaces(api):
    """The manager of a co-member is hidden (null) from a guest who does not see them."""
    owner = api.world.owner
    do_update_profile(owner, owner, {"manager": api.world.outsider})
    assert api.call("guest", "GET", f"/people/{owner.pk}").json()["manager"] is None
    assert api.call("member", "GET", f"/people/{owner.pk}").json()["manager"]["id"] == \
        api.world.outsider.pk


def test_directory_filters_by_team_skill_and_language(api):
    """`team`, `skill` and `language` match one whole item, any case, with `q` AND-ed."""
    a = make_user(name="Ana Alpha", team="Urgences", skills="triage, Python",
                  languages="French, English")
    b = make_user(name="Ben Beta", team="urgences", skills="Pythonista",
                  languages="English")
    make_user(name="Cy Gamma", team="Urgences-Nord", skills="python", languages="Italian")

    def names(query):
        response = api.call("member", "GET", f"/people?limit=100&{query}")
        assert response.status_code == 200
        return {p["full_name"] for p in response.json()["items"]}

    assert names("team=URGENCES") == {"Ana Alpha", "Ben Beta"}
    assert names("skill=python") == {"Ana Alpha", "Cy Gamma"}
    assert names("language=english") == {"Ana Alpha", "Ben Beta"}
    assert names("team=urgences&skill=python") == {"Ana Alpha"}
    assert names("q=ana%20python&language=french") == {"Ana Alpha"}
    assert names("skill=trIAGE") == {a.full_name}
    assert b.full_name not in names("skill=python")


@pytest.mark.parametrize("query", ["team=" + "x" * 101, "skill=a%00b", "language=" + "y" * 101])
def test_directory_refuses_bad_filters(api, query):
    """Overlong filters or NUL characters answer 422."""
    assert api.call("member", "GET", f"/people?{query}").status_code == 422


def test_patch_me_sets_skills_and_manager(api):
    """PATCH /me stores cleaned skills and the manager (0 clears it)."""
    boss = api.world.space_admin
    response = api.call("member", "PATCH", "/me",
                        {"skills": " triage ,Python,, triage", "manager_id": boss.pk})
    assert response.status_code == 200
    assert response.json()["skills"] == ["triage", "Python"]
    assert response.json()["manager"]["id"] == boss.pk
    cleared = api.call("member", "PATCH", "/me", {"manager_id": 0})
    assert cleared.status_code == 200 and cleared.json()["manager"] is None


@pytest.mark.parametrize("body,status,field", [
    ({"manager_id": "me"}, 422, None),
    ({"manager_id": -1}, 422, None),
    ({"manager_id": None}, 422, None),
    ({"skills": "x" * 301}, 422, None),
    ({"skills": "y" * 41}, 400, "skills"),
    ({"skills": ",".join(str(n) for n in range(21))}, 400, "skills"),
    ({"manager_id": 999999}, 400, "manager"),
])
def test_patch_me_refuses_bad_skills_and_managers(api, body, status, field):
    """Wrong types answer 422; refused values 400 naming the field; nothing changes."""
    response = api.call("member", "PATCH", "/me", body)
    assert response.status_code == status
    if field:
        assert response.json()["error"]["field"] == field
    mia = api.world.member
    mia.refresh_from_db()
    assert mia.skills == "" and mia.manager_id is None


@pytest.mark.parametrize("who,code", [("self", "manager_self"), ("guest", "manager_guest"),
                                      ("deactivated", "manager_inactive"),
                                      ("report", "manager_cycle")])
def test_patch_me_refuses_impossible_managers(api, who, code):
    """Oneself, a guest, a deactivated person or one's own report: 400 with the code."""
    mia = api.world.member
    report = make_user()
    do_update_profile(report, report, {"manager": mia})
    target = {"self": mia, "guest": api.world.guest, "deactivated": api.world.deactivated,
              "report": report}[who]
    response = api.call("member", "PATCH", "/me", {"manager_id": target.pk})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, "manager") and error["message"]
    mia.refresh_from_db()
    assert mia.manager_id is None


def test_patch_me_refuses_a_role(api):
    """Organisation roles do not change through PATCH /me (unknown field: 422)."""
    response = api.call("member", "PATCH", "/me", {"role": OrgRole.OWNER})
    assert response.status_code == 422
