"""The notification centre's API as every role, and what it does."""

from __future__ import annotations

import pytest

from atrium.notifications import notify
from atrium.notifications.models import Notification, Preference
from tests.api.conftest import Api, build_api, matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db) -> Api:
    return build_api()


def mine(api: Api) -> Notification:
    [row] = notify([api.world.member], kind="mention", key="api:1", space=api.world.space,
                   title="Hi", url="/s/cardiology/")
    return row


ALL_200 = matrix(anonymous=401, guest=200, outsider=200, reader=200, member=200,
                 space_admin=200, org_admin=200, deactivated=401)
OWNER_ONLY = matrix(anonymous=401, guest=404, outsider=404, reader=404, member=200,
                    space_admin=404, org_admin=404, deactivated=401)


@pytest.mark.parametrize("role,status", ALL_200)
def test_list_per_role(api, role, status):
    """Every signed-in person lists their own; anonymous and deactivated get 401."""
    mine(api)
    response = api.call(role, "GET", "/notifications")
    assert response.status_code == status
    if status == 200:
        titles = [n["title"] for n in response.json()["items"]]
        assert ("Hi" in titles) == (role == "member")


@pytest.mark.parametrize("role,status", OWNER_ONLY)
def test_mark_one_read_per_role(api, role, status):
    """Only the recipient may mark it read; for anyone else it does not exist."""
    row = mine(api)
    response = api.call(role, "POST", f"/notifications/{row.pk}/read")
    assert response.status_code == status
    row.refresh_from_db()
    assert (row.read_at is not None) == (status == 200)


@pytest.mark.parametrize("role,status", ALL_200)
def test_read_all_and_preferences_per_role(api, role, status):
    """read-all, GET and PUT preferences: 200 for the signed-in, 401 otherwise."""
    assert api.call(role, "POST", "/notifications/read-all").status_code == status
    assert api.call(role, "GET", "/notifications/preferences").status_code == status
    body = {"preferences": [{"kind": "reply", "email": "weekly", "push": False}]}
    assert api.call(role, "PUT", "/notifications/preferences", body).status_code == status


def test_list_filters_unread_and_pages(api):
    """unread=true hides read ones; next_cursor continues; unread count is returned."""
    member = api.world.member
    Notification.objects.filter(recipient=member).delete()
    rows = [notify([member], kind="comment", key=f"k{n}", title=f"T{n}")[0] for n in range(5)]
    api.call("member", "POST", f"/notifications/{rows[0].pk}/read")
    page = api.call("member", "GET", "/notifications?limit=2").json()
    assert [i["title"] for i in page["items"]] == ["T4", "T3"] and page["unread"] == 4
    rest = api.call("member", "GET", f"/notifications?limit=10&before={page['next_cursor']}")
    assert [i["title"] for i in rest.json()["items"]] == ["T2", "T1", "T0"]
    unread = api.call("member", "GET", "/notifications?unread=true").json()
    assert "T0" not in [i["title"] for i in unread["items"]]
    assert api.call("member", "POST", "/notifications/read-all").json() == {"changed": 4,
                                                                          "unread": 0}


def test_preferences_round_trip(api):
    """PUT sets and clears choices; GET shows the resolved table and the overrides."""
    body = {"preferences": [
        {"kind": "reply", "email": "weekly", "push": False, "in_app": True},
        {"kind": "", "space_id": api.world.space.pk, "email": "never", "push": False},
    ]}
    out = api.call("member", "PUT", "/notifications/preferences", body).json()
    reply = next(k for k in out["kinds"] if k["kind"] == "reply")
    assert (reply["email"], reply["push"], reply["custom"]) == ("weekly", False, True)
    assert out["overrides"] == [{"kind": "", "space_id": api.world.space.pk, "in_app": True,
                                 "email": "never", "push": False, "label": "",
                                 "custom": True}]
    api.call("member", "PUT", "/notifications/preferences",
             {"preferences": [{"kind": "reply", "inherit": True}]})
    got = api.call("member", "GET", "/notifications/preferences").json()
    assert next(k for k in got["kinds"] if k["kind"] == "reply")["email"] == "daily"


@pytest.mark.parametrize("body,field", [
    ({"preferences": [{"kind": "nope"}]}, "kind"),
    ({"preferences": [{"kind": "reply", "email": "hourly"}]}, None),
    ({"preferences": [{"kind": "reply", "colour": "red"}]}, None),
    ({"preferences": [{"kind": "", "space_id": 999999}]}, "space_id"),
])
def test_bad_preferences_answer_a_clear_error_and_change_nothing(api, body, field):
    """Unknown kind, mode, field or space: a JSON error with the field; nothing saved."""
    response = api.call("member", "PUT", "/notifications/preferences", body)
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert error["message"]
    if field:
        assert error["field"] == field
    assert not Preference.objects.exists()


def test_an_unreadable_space_is_refused_like_a_missing_one(api):
    """The outsider cannot set a preference on the private space: same answer as missing."""
    body = {"preferences": [{"kind": "", "space_id": api.world.space.pk}]}
    response = api.call("outsider", "PUT", "/notifications/preferences", body)
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "invalid_space", "field": "space_id",
                                        "message": "You may not read this space."}
    assert not Preference.objects.exists()
