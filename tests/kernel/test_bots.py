"""Bot accounts: made by organisation admins, never sign in, act with their API token."""

import pytest
from django.test import Client

from atrium.kernel.actions.bots import BOT_DOMAIN, do_create_bot, do_deactivate_bot
from atrium.kernel.actions.tokens import user_for_token
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import AuditEntry, OrgRole, User
from tests.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("guest", False), ("outsider", False), ("member", False), ("space_admin", False),
     ("org_admin", True), ("owner", True), ("deactivated", False)],
)
def test_only_org_admins_create_bots(role, allowed):
    """Admins and owners create bots; anyone else is refused and nothing is created."""
    world = make_world()
    actor = getattr(world, role)
    before = User.objects.count()
    if allowed:
        bot, secret = do_create_bot(actor, "Build robot")
        assert bot.is_bot and bot.role == OrgRole.MEMBER and bot.is_active
        assert secret.startswith("atr_")
    else:
        with pytest.raises(Forbidden):
            do_create_bot(actor, "Build robot")
        assert User.objects.count() == before


def test_bot_is_a_member_without_password_at_a_reserved_address():
    """The bot's address is under bots.invalid, its password unusable, its creation audited."""
    world = make_world()
    bot, _secret = do_create_bot(world.org_admin, "  Déploiement   nocturne ")
    assert bot.full_name == "Déploiement nocturne"
    assert bot.email == f"bot-deploiement-nocturne@{BOT_DOMAIN}"
    assert not bot.has_usable_password()
    assert AuditEntry.objects.filter(action="bot.created", actor=world.org_admin,
                                     target_id=str(bot.pk)).exists()


def test_bots_with_the_same_name_get_distinct_addresses():
    """A second bot named alike gets its own address instead of failing."""
    world = make_world()
    first, _ = do_create_bot(world.org_admin, "CI")
    second, _ = do_create_bot(world.org_admin, "CI")
    assert first.email != second.email
    third, _ = do_create_bot(world.org_admin, "!!!")
    assert third.email.startswith("bot-bot")


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_bot_names_are_checked(name):
    """An empty or too long name is refused with a message on the name field."""
    world = make_world()
    with pytest.raises(ActionError) as error:
        do_create_bot(world.org_admin, name)
    assert error.value.field == "name"


def test_bot_token_works_on_the_api_and_password_login_does_not():
    """The token given once authenticates the bot on the API; no password opens a session."""
    world = make_world()
    bot, secret = do_create_bot(world.org_admin, "Reporter")
    assert user_for_token(secret) == bot
    answer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert answer.json()["id"] == bot.pk
    assert not Client().login(email=bot.email, password="")


def test_deactivating_a_bot_revokes_its_token():
    """Only admins deactivate bots; afterwards the token no longer authenticates."""
    world = make_world()
    bot, secret = do_create_bot(world.org_admin, "Reporter")
    with pytest.raises(Forbidden):
        do_deactivate_bot(world.member, bot)
    assert user_for_token(secret) == bot
    do_deactivate_bot(world.org_admin, bot)
    bot.refresh_from_db()
    assert not bot.is_active
    assert user_for_token(secret) is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_deactivate_bot_refuses_people():
    """do_deactivate_bot is for bots only: a person goes through the people actions."""
    world = make_world()
    with pytest.raises(ActionError):
        do_deactivate_bot(world.org_admin, world.member)
    world.member.refresh_from_db()
    assert world.member.is_active
