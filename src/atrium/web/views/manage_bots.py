"""Admin area: bot accounts, which post through API tokens and webhooks, never sign in."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from atrium.kernel.actions.bots import do_create_bot, do_deactivate_bot
from atrium.kernel.actions.tokens import do_create_token
from atrium.kernel.errors import ActionError, NotFound
from atrium.kernel.models import Organisation, User
from atrium.web.views.manage import AuthedRequest, admin_view

# A new bot's token waits here between the POST and the redirected GET, shown exactly once.
TOKEN_KEY = "atrium_manage_bot_token"  # noqa: S105 (a session key, not a secret)


def _bot(bot_id: int) -> User:
    bot = User.objects.filter(pk=bot_id, is_bot=True).first()
    if bot is None:
        raise NotFound("bot")
    return bot


@admin_view("manage_people")
def bots(request: AuthedRequest, org: Organisation) -> HttpResponse:
    if request.method == "POST":
        try:
            bot, secret = do_create_bot(request.user, request.POST.get("name", ""),
                                        request=request)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            request.session[TOKEN_KEY] = {"name": bot.display_name, "token": secret}
        return redirect("manage_bots")
    rows = User.objects.filter(is_bot=True).annotate(
        active_tokens=Count("api_tokens", filter=Q(api_tokens__revoked_at__isnull=True)),
        last_used=Max("api_tokens__last_used_at"),
    ).order_by("-is_active", "full_name")
    return TemplateResponse(request, "web/manage/bots.html", {
        "section": "bots", "bots": rows, "new_token": request.session.pop(TOKEN_KEY, None),
    })


@admin_view("manage_people", methods=("POST",))
def bot_token(request: AuthedRequest, org: Organisation, bot_id: int) -> HttpResponse:
    bot = _bot(bot_id)
    if not bot.is_active:
        messages.error(request, _("This bot is deactivated."))
        return redirect("manage_bots")
    _token, secret = do_create_token(bot, bot.display_name)
    request.session[TOKEN_KEY] = {"name": bot.display_name, "token": secret}
    return redirect("manage_bots")


@admin_view("manage_people", methods=("POST",))
def bot_deactivate(request: AuthedRequest, org: Organisation, bot_id: int) -> HttpResponse:
    bot = _bot(bot_id)
    try:
        do_deactivate_bot(request.user, bot, request=request)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is deactivated; its tokens no longer work.")
                         % {"name": bot.display_name})
    return redirect("manage_bots")
