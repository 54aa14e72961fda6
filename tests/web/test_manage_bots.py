"""The admin page of bots: create (token shown once), new token, deactivate."""

import pytest

from atrium.kernel.actions.tokens import user_for_token
from atrium.kernel.models import User
from tests.factories import ROLES

URL = "/manage/bots/"


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_see_the_page(client_for, world, role):
    response = client_for(world.user(role)).get(URL)
    expected = {"anonymous": 302, "deactivated": 302, "org_admin": 200}.get(role, 404)
    assert response.status_code == expected


def test_create_show_once_new_token_and_deactivate(client_for, world):
    admin = client_for(world.org_admin)
    page = admin.post(URL, {"name": "Relay <script>alert(1)</script>"}, follow=True)
    html = page.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    token = html.split('id="bot-token" class="secret" tabindex="0">')[1].split("<")[0]
    bot = User.objects.get(is_bot=True)
    assert user_for_token(token) == bot
    assert token not in admin.get(URL).content.decode()  # shown once
    html = admin.post(f"/manage/bots/{bot.pk}/token/", follow=True).content.decode()
    second = html.split('id="bot-token" class="secret" tabindex="0">')[1].split("<")[0]
    assert second != token and user_for_token(second) == bot
    admin.post(f"/manage/bots/{bot.pk}/deactivate/")
    assert user_for_token(token) is None and user_for_token(second) is None
    assert not User.objects.get(pk=bot.pk).is_active


def test_empty_name_is_explained(client_for, world):
    html = client_for(world.org_admin).post(URL, {"name": "  "}, follow=True).content.decode()
    assert "Give the bot a name." in html
    assert not User.objects.filter(is_bot=True).exists()


def test_a_member_cannot_act_on_bots(client_for, world):
    admin = client_for(world.org_admin)
    admin.post(URL, {"name": "Relay"})
    bot = User.objects.get(is_bot=True)
    member = client_for(world.member)
    assert member.post(f"/manage/bots/{bot.pk}/deactivate/").status_code == 404
    assert member.post(f"/manage/bots/{bot.pk}/token/").status_code == 404
    assert User.objects.get(pk=bot.pk).is_active
