"""Bot accounts: people that never sign in and act only through their API token.

A bot is a `User` with `is_bot=True`, the member role, no usable password and an address
under `bots.invalid` (a reserved domain: no mail can ever reach it). Organisation admins
create them; they are then added to spaces and channels like anyone, and post through the
HTTP API with their token.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atrium.kernel import audit
from atrium.kernel.abilities import is_active_user
from atrium.kernel.actions.people import do_create_user, do_deactivate_user
from atrium.kernel.actions.tokens import do_create_token
from atrium.kernel.errors import ActionError, Forbidden
from atrium.kernel.models import OrgRole, User

BOT_DOMAIN = "bots.invalid"
MAX_NAME = 80


def _bot_email(name: str) -> str:
    base = (slugify(name) or "bot")[:40].strip("-") or "bot"
    email, n = f"bot-{base}@{BOT_DOMAIN}", 1
    while User.objects.filter(email__iexact=email).exists():
        n += 1
        email = f"bot-{base}-{n}@{BOT_DOMAIN}"
    return email


@transaction.atomic
def do_create_bot(actor: User, name: str,
                  request: HttpRequest | None = None) -> tuple[User, str]:
    """Returns the bot and its first API token's secret, which is never shown again."""
    if not (is_active_user(actor) and actor.is_org_admin):
        raise Forbidden(_("Only administrators may create bots."))
    name = " ".join((name or "").split())
    if not name:
        raise ActionError(_("Give the bot a name."), field="name")
    if len(name) > MAX_NAME:
        raise ActionError(_("The name is too long (at most 80 characters)."), field="name")
    bot = do_create_user(email=_bot_email(name), full_name=name, role=OrgRole.MEMBER,
                         actor=actor, request=request, is_bot=True)
    _token, secret = do_create_token(bot, name)
    audit.record("bot.created", actor=actor, target=bot, request=request)
    return bot, secret


@transaction.atomic
def do_deactivate_bot(actor: User, bot: User, request: HttpRequest | None = None) -> User:
    """Stop a bot at once: its tokens are revoked and its sockets closed."""
    if not (is_active_user(actor) and actor.is_org_admin):
        raise Forbidden(_("Only administrators may deactivate bots."))
    if not bot.is_bot:
        raise ActionError(_("This account is not a bot."), code="not_a_bot")
    if not bot.is_active:
        return bot
    return do_deactivate_user(actor, bot, request=request)
