"""Bot accounts, for the organisation's admins: create (with a first token), list, deactivate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from atrium.api.kernel.present import viewer
from atrium.api.kernel.schemas import In, errors
from atrium.kernel.abilities import abilities
from atrium.kernel.actions.bots import MAX_NAME, do_create_bot, do_deactivate_bot
from atrium.kernel.errors import Forbidden, NotFound
from atrium.kernel.models import Organisation, User

router = Router(tags=["bots"])


class BotOut(Schema):
    id: int
    name: str
    email: str
    is_active: bool
    active_tokens: int
    last_used_at: datetime | None
    created_at: datetime


class NewBotOut(BotOut):
    token: str = Field(description="The bot's API token, shown this once.")


class BotIn(In):
    name: str = Field(max_length=MAX_NAME, min_length=1)


def _require_admin(user: User) -> None:
    org = Organisation.current()
    if org is None or not abilities(user, org)["manage_people"]:
        raise Forbidden(_("Only the organisation's admins manage bots."))


def _bots() -> Any:
    return User.objects.filter(is_bot=True).annotate(
        active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True)),
        last_used=Max("api_tokens__last_used_at"))


def _out(bot: Any) -> dict[str, Any]:
    return {"id": bot.pk, "name": bot.display_name, "email": bot.email,
            "is_active": bot.is_active, "active_tokens": bot.active_tokens,
            "last_used_at": bot.last_used, "created_at": bot.date_joined}


@router.get("/bots", response={200: list[BotOut], **errors(403)}, summary="Bot accounts")
def list_bots(request: HttpRequest) -> list[dict[str, Any]]:
    _require_admin(viewer(request))
    return [_out(bot) for bot in _bots().order_by("-is_active", "full_name")]


@router.post("/bots", response={201: NewBotOut, **errors(400, 403)}, summary="Create a bot",
             description="A member account that never signs in; add it to spaces and channels "
             "like a person. The answer carries its API token once.")
def create_bot(request: HttpRequest, payload: BotIn) -> Any:
    bot, secret = do_create_bot(viewer(request), payload.name, request=request)
    return Status(201, {**_out(_bots().get(pk=bot.pk)), "token": secret})


@router.delete("/bots/{bot_id}", response={204: None, **errors(403, 404)},
               summary="Deactivate a bot", description="Its tokens stop working at once.")
def deactivate_bot(request: HttpRequest, bot_id: int) -> Any:
    user = viewer(request)
    _require_admin(user)
    bot = User.objects.filter(pk=bot_id, is_bot=True).first()
    if bot is None:
        raise NotFound("bot")
    do_deactivate_bot(user, bot, request=request)
    return Status(204, None)
