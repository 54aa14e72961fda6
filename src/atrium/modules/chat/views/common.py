"""What every chat page shares: the module switch, answers for scripts (JSON or an HTML
fragment) and for plain forms (redirect with a message), and the strings the page's scripts
show, translated here so that they live in the one catalogue."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atrium.kernel import modules as module_state
from atrium.kernel.errors import ActionError
from atrium.modules.chat.abilities import MODULE
from atrium.web.shortcuts import json_error

# The reactions offered by the picker (any emoji may still be sent through the API).
EMOJI = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀", "✅", "🔥", "🚀", "👏"]


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def chat_view(view: View) -> View:
    """A signed-in page of the chat: 404 while the chat is switched off for the instance."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not module_state.enabled_for_instance(MODULE):
            raise Http404("module")
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))


def from_script(request: HttpRequest) -> bool:
    """The page's scripts ask with this header and want JSON (or a fragment), not a page."""
    return request.headers.get("X-Atrium-Fetch") == "1"


def wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Atrium-Fragment") == "1" or bool(
        getattr(request, "htmx", False))


def failed(request: HttpRequest, error: ActionError, back: str) -> HttpResponse:
    """An action refused: JSON for scripts, otherwise its message on the page we return to."""
    if from_script(request):
        return json_error(error)
    messages.error(request, error.message)
    return redirect(back)


def int_or_none(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def js_strings() -> dict[str, str]:
    """Words the scripts show; {name} placeholders are filled in the browser."""
    return {
        "today": _("Today"),
        "yesterday": _("Yesterday"),
        "new_messages": _("New messages"),
        "replies_one": ngettext("%(n)s reply", "%(n)s replies", 1) % {"n": "{n}"},
        "replies_other": ngettext("%(n)s reply", "%(n)s replies", 2) % {"n": "{n}"},
        "typing_one": _("%(name)s is typing…") % {"name": "{name}"},
        "typing_two": _("%(first)s and %(second)s are typing…")
        % {"first": "{a}", "second": "{b}"},
        "typing_many": _("Several people are typing…"),
        "seen_by": _("Seen by %(names)s") % {"names": "{names}"},
        "announce": _("%(name)s: %(text)s") % {"name": "{name}", "text": "{text}"},
        "edit_label": _("Edit the message"),
        "edit_help": _("Enter to save, Escape to cancel"),
        "save": _("Save"),
        "cancel": _("Cancel"),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this message?"),
        "pick_reaction": _("Choose a reaction"),
        "uploading": _("Sending %(name)s…") % {"name": "{name}"},
        "upload_failed": _("%(name)s was not sent: %(error)s")
        % {"name": "{name}", "error": "{error}"},
        "remove_file": _("Remove %(name)s") % {"name": "{name}"},
        "suggestions": _("Suggestions: %(count)s. Up and down arrows to choose, Enter to pick.")
        % {"count": "{n}"},
        "mention_channel": _("everyone in the channel"),
        "mention_here": _("everyone online in the channel"),
        "start": _("This is the start of the conversation."),
        "removed": _("You are no longer a member of this conversation."),
        "network_error": _("The server could not be reached. Try again."),
        "failed": _("That did not work. Reload the page and try again."),
        "too_large": _("The file is too large."),
        "presence_online": _("Online"),
        "presence_away": _("Away"),
        "presence_dnd": _("Do not disturb"),
        "presence_offline": _("Offline"),
    }
