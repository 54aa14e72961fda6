"""Bot accounts through the API: only the organisation's admins manage them; a bot's token
works for the API at once and stops when the bot is deactivated."""

import pytest

from atrium.kernel.models import AuditEntry, User
from tests.api.conftest import matrix

ADMINS = {"anonymous": 401, "guest": 403, "outsider": 403, "reader": 403, "member": 403,
          "space_admin": 403, "deactivated": 401}


@pytest.mark.parametrize("role,status", matrix(**ADMINS, org_admin=201))
def test_create_bot(api, role, status, client):
    response = api.call(role, "POST", "/bots", {"name": "Monitoring  alerts"})
    assert response.status_code == status
    if status == 201:
        body = response.json()
        bot = User.objects.get(pk=body["id"])
        assert bot.is_bot and not bot.has_usable_password() and bot.role == "member"
        assert body["name"] == "Monitoring alerts" and body["active_tokens"] == 1
        me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
        assert me.status_code == 200 and me.json()["id"] == bot.pk
        assert AuditEntry.objects.filter(action="bot.created").exists()
    else:
        assert not User.objects.filter(is_bot=True).exists()


@pytest.mark.parametrize("role,status", matrix(**ADMINS, org_admin=200))
def test_list_bots(api, role, status):
    api.call("org_admin", "POST", "/bots", {"name": "Backup"})
    response = api.call(role, "GET", "/bots")
    assert response.status_code == status
    if status == 200:
        assert [b["name"] for b in response.json()] == ["Backup"]


@pytest.mark.parametrize("role,status", matrix(**ADMINS, org_admin=204))
def test_deactivate_bot(api, role, status, client):
    created = api.call("org_admin", "POST", "/bots", {"name": "CI"}).json()
    response = api.call(role, "DELETE", f"/bots/{created['id']}")
    assert response.status_code == status
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert me.status_code == (401 if status == 204 else 200)


def test_people_are_not_bots(api):
    assert api.call("org_admin", "DELETE", f"/bots/{api.world.member.pk}").status_code == 404
    assert api.call("org_admin", "DELETE", "/bots/999999").status_code == 404
    assert User.objects.get(pk=api.world.member.pk).is_active


@pytest.mark.parametrize("body,status", [({"name": ""}, 422), ({"name": "x" * 81}, 422),
                                         ({"name": "   "}, 400), ({}, 422)])
def test_bad_names(api, body, status):
    response = api.call("org_admin", "POST", "/bots", body)
    assert response.status_code == status
    assert response.json()["error"]["field"] == "name"
